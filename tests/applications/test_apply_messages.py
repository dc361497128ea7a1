"""Error messages say what to do, per field, in every language; the municipality hint
is true without JavaScript, and the filter's words come from the page."""

import html as html_lib
import re

import pytest
from django.test import Client
from django.utils import translation

from tests.apply_helpers import form_data
from wagtail_klimakronsj.applications.form_messages import filter_texts
from wagtail_klimakronsj.models import Application, ApplicationFormField

pytestmark = pytest.mark.django_db

# Django's own "This field is required." in each language: never shown on the form.
DJANGO_REQUIRED = {
    "nn": "Feltet er påkravd.",
    "nb": "Feltet må fylles ut.",
    "en": "This field is required.",
}

CORE_MESSAGES = {
    "nn": {
        "full_name": "Skriv inn fullt namn",
        "municipality": "Vel kommunen din",
        "role": "Vel rolla di",
        "position": "Skriv inn stilling eller sektor",
        "consent": "Du må samtykkje for å søkje",
        "email": "Skriv inn e-postadressa di i rett format, til dømes namn@kommune.no",
        "email_missing": "Skriv inn e-postadressa di",
    },
    "nb": {
        "full_name": "Skriv inn fullt navn",
        "municipality": "Velg kommunen din",
        "role": "Velg rollen din",
        "position": "Skriv inn stilling eller sektor",
        "consent": "Du må samtykke for å søke",
        "email": "Skriv inn e-postadressen din i riktig format, for eksempel navn@kommune.no",
        "email_missing": "Skriv inn e-postadressen din",
    },
    "en": {
        "full_name": "Enter your full name",
        "municipality": "Choose your municipality",
        "role": "Choose your role",
        "position": "Enter your position or sector",
        "consent": "You must consent to apply",
        "email": "Enter your email address in the right format, for example name@kommune.no",
        "email_missing": "Enter your email address",
    },
}

EXTRA_MESSAGES = {
    "nn": [
        "Fyll ut «Kva vil du jobbe med?»",
        "Vel eit svar på «Kva dag?»",
        "Kryss av for «Eg kjem»",
    ],
    "nb": [
        "Fyll ut «Kva vil du jobbe med?»",
        "Velg et svar på «Kva dag?»",
        "Kryss av for «Eg kjem»",
    ],
    "en": [
        "Fill in “Kva vil du jobbe med?”",
        "Choose an answer to “Kva dag?”",
        "Tick the box “Eg kjem”",
    ],
}

LANGUAGES = ["nn", "nb", "en"]


def page_text(response):
    return html_lib.unescape(response.content.decode())


def field_error(text, field_id):
    """The error message shown at the field (not in the summary)."""
    match = re.search(rf'<p class="kk-error-message" id="{field_id}_error">(.*?)</p>', text, re.S)
    assert match, f"no error message at {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_core_answers_say_what_to_do(form_page, event, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    data = form_data(form_page, event, full_name="", email="", position="", role=None, consent=None)
    response = client.post(form_page.url, data)
    assert response.status_code == 200
    text = page_text(response)
    expected = CORE_MESSAGES[language]
    for name in ("full_name", "municipality", "role", "position", "consent"):
        assert field_error(text, f"id_{name}").endswith(expected[name]), name
    assert field_error(text, "id_email").endswith(expected["email_missing"])
    assert DJANGO_REQUIRED[language] not in text
    # The summary links every message to its field.
    assert 'href="#id_full_name">' in text
    assert expected["full_name"] in text.split('id="kk-error-summary"')[1].split("</div>")[0]
    assert not Application.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_email_in_the_wrong_format_gets_an_example(form_page, event, oslo, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(
        form_page.url, form_data(form_page, event, municipality=oslo.pk, email="kari.example.org")
    )
    text = page_text(response)
    assert field_error(text, "id_email").endswith(CORE_MESSAGES[language]["email"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_editors_questions_get_messages_from_their_label(form_page, event, oslo, language):
    ApplicationFormField.objects.create(
        page=form_page, label="Kva vil du jobbe med?", field_type="singleline", required=True
    )
    ApplicationFormField.objects.create(
        page=form_page, label="Kva dag?", field_type="radio", choices="Måndag,Tysdag", required=True
    )
    ApplicationFormField.objects.create(
        page=form_page, label="Eg kjem", field_type="checkbox", required=True
    )
    ApplicationFormField.objects.create(
        page=form_page, label="Kontakt", field_type="email", required=False
    )
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(
        form_page.url,
        form_data(form_page, event, municipality=oslo.pk, extra_kontakt="ikkje ei adresse"),
    )
    text = page_text(response)
    what_learn, which_day, coming = EXTRA_MESSAGES[language]
    assert field_error(text, "id_extra_kva_vil_du_jobbe_med").endswith(what_learn)
    assert field_error(text, "id_extra_kva_dag").endswith(which_day)
    assert field_error(text, "id_extra_eg_kjem").endswith(coming)
    assert field_error(text, "id_extra_kontakt").endswith(CORE_MESSAGES[language]["email"])
    assert DJANGO_REQUIRED[language] not in text


def test_the_editors_messages_follow_the_readers_language_from_one_form_class(
    form_page, event, oslo
):
    """Form classes are kept per page: their messages must still be translated per request."""
    ApplicationFormField.objects.create(
        page=form_page, label="Kva vil du jobbe med?", field_type="singleline", required=True
    )
    data = form_data(form_page, event, municipality=oslo.pk)
    english = page_text(Client(HTTP_ACCEPT_LANGUAGE="en").post(form_page.url, data))
    nynorsk = page_text(Client(HTTP_ACCEPT_LANGUAGE="nn").post(form_page.url, data))
    assert "Fill in “Kva vil du jobbe med?”" in english
    assert "Fyll ut «Kva vil du jobbe med?»" in nynorsk


@pytest.mark.parametrize(
    ("language", "message"),
    [("nn", "Vel ja eller nei"), ("nb", "Velg ja eller nei"), ("en", "Choose Yes or No")],
)
def test_feedback_without_an_answer_says_what_to_do(event, language, message):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/klimakronsj/feedback/", {"page": event.pk, "comment": "Hei"})
    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    assert DJANGO_REQUIRED[language] not in text


# -- the municipality list with and without JavaScript ------------------------------


@pytest.mark.parametrize(
    ("language", "hint", "typing", "status"),
    [
        ("nn", "Kommunane står fylke for fylke", "Skriv", "{shown} av 357 kommunar"),
        ("nb", "Kommunene står fylke for fylke", "Skriv", "{shown} av 357 kommuner"),
        ("en", "The municipalities are listed by county", "Type", "{shown} of 357 municipalities"),
    ],
)
def test_the_municipality_hint_is_true_without_javascript(
    form_page, language, hint, typing, status
):
    text = page_text(Client(HTTP_ACCEPT_LANGUAGE=language).get(form_page.url))
    shown_hint = re.search(r'<p class="kk-hint" id="id_municipality_hint">(.*?)</p>', text).group(1)
    assert shown_hint.startswith(hint)
    # No promise the native select cannot keep (finding a typed number); the script's
    # own hint, which does, is in a data attribute for it to put in place.
    assert typing not in shown_hint
    select = re.search(r"<select[^>]*>", text).group(0)
    assert f'data-kk-filter-status="{status}"' in select
    assert "data-kk-filter-hint=" in select and "data-kk-filter-label=" in select


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("nn", "{shown} av 1 kommune", "{shown} av 2 kommunar"),
        ("nb", "{shown} av 1 kommune", "{shown} av 2 kommuner"),
        ("en", "{shown} of 1 municipality", "{shown} of 2 municipalities"),
    ],
)
def test_the_filter_status_follows_the_plural_of_the_total(language, one, many):
    with translation.override(language):
        assert filter_texts(1)["data-kk-filter-status"] == one
        assert filter_texts(2)["data-kk-filter-status"] == many


def summary_items(text):
    block = text.split('id="kk-error-summary"')[1].split("</div>")[0]
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_repeats_a_message_that_names_its_field_without_the_label(
    form_page, event, oslo, language
):
    """As at the field (Designsystemet): "Skriv inn fullt namn", not "Fullt namn: Skriv …";
    a message that does not say which answer it is about keeps the label in front."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    data = form_data(form_page, event, municipality=oslo.pk, full_name="", position="x" * 201)
    items = summary_items(page_text(client.post(form_page.url, data)))
    assert items[0] == CORE_MESSAGES[language]["full_name"]
    label = {
        "nn": "Stilling eller sektor",
        "nb": "Stilling eller sektor",
        "en": "Position or sector",
    }
    assert items[1].startswith(label[language] + ": ") and "200" in items[1]
    assert len(items) == 2
