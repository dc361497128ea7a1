"""Every page's <title> says what the page is, and after a submit focus lands on the
new page's heading (or the error summary) without JavaScript: ``autofocus`` on an
element that can take focus (``tabindex="-1"``)."""

import datetime
import html as html_lib
import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from tests.apply_helpers import form_data
from tests.conftest import make_event, make_form_page
from tests.proposal_helpers import make_archive, make_proposal
from wagtail_klimakronsj import links
from wagtail_klimakronsj.applications import workflow
from wagtail_klimakronsj.models import SeatPolicy

pytestmark = pytest.mark.django_db


def title(response):
    text = response.content.decode()
    return html_lib.unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip())


def autofocused(response):
    """The opening tags that carry ``autofocus`` (HTML lets only the first one act)."""
    return re.findall(r"<[a-z0-9]+\b[^>]*\bautofocus\b[^>]*>", response.content.decode())


def applicant_url(event, form_page, email="kari@example.org"):
    application, _, _ = workflow.submit(
        event, form_page, {"full_name": "Kari", "email": email, "role": "employee"}
    )
    return links.manage_path(application), application


@pytest.mark.parametrize(
    ("language", "receipt", "error"),
    [("nn", "Kvittering", "Feil:"), ("nb", "Kvittering", "Feil:"), ("en", "Receipt", "Error:")],
)
def test_form_errors_and_receipt(form_page, event, oslo, language, receipt, error):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert title(client.get(form_page.url)) == "Søk om plass"
    assert autofocused(client.get(form_page.url)) == []

    wrong = client.post(form_page.url, form_data(form_page, event, full_name=""))
    assert title(wrong) == f"{error} Søk om plass"
    (summary,) = autofocused(wrong)
    assert 'id="kk-error-summary"' in summary and 'tabindex="-1"' in summary

    sent = client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert sent.status_code == 302
    landing = client.get(sent["Location"])
    assert title(landing) == f"{receipt} – Søk om plass"
    (heading,) = autofocused(landing)
    assert heading.startswith("<h1") and 'tabindex="-1"' in heading


def test_a_broken_receipt_link_is_titled_as_such(client, form_page):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(form_page.url + "receipt/?t=changed")
    assert response.status_code == 400
    assert title(response) == "This receipt link is not valid – Søk om plass"


def test_duplicate_receipt(form_page, event, oslo):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    again = client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert title(client.get(again["Location"])) == "You have already applied – Søk om plass"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nn", "Søknadsperioden er over – Søk om plass"),
        ("nb", "Søknadsperioden er over – Søk om plass"),
        ("en", "Applications closed – Søk om plass"),
    ],
)
def test_closed_form(root_page, language, expected):
    today = timezone.localdate()
    event = make_event(
        root_page, slug="past-deadline", application_deadline_date=today - datetime.timedelta(1)
    )
    form_page = make_form_page(root_page, event, slug="sok-closed")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(form_page.url)
    assert title(response) == expected
    assert autofocused(response) == []  # nobody submitted anything: focus stays put
    late = client.post(form_page.url, form_data(form_page, event))
    assert late.status_code == 409
    assert title(late).endswith(expected) and title(late) != expected  # "Feil: …"
    (heading,) = autofocused(late)
    assert heading.startswith("<h1")


def test_full_form(root_page, oslo):
    event = make_event(
        root_page, seat_limit=1, seat_policy=SeatPolicy.FIRST_COME, waiting_list=False
    )
    form_page = make_form_page(root_page, event)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert title(client.get(form_page.url)) == "All seats are taken – Søk om plass"


@override_settings(WAGTAIL_KLIMAKRONSJ_RATE_LIMIT_PER_EMAIL=(1, 3600))
def test_rate_limited(form_page, event, oslo):
    client = Client(HTTP_ACCEPT_LANGUAGE="nn")
    client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    response = client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 429
    assert title(response) == "Feil: For mange søknader – Søk om plass"
    (heading,) = autofocused(response)
    assert heading.startswith("<h1")


@pytest.mark.parametrize(
    ("language", "own", "withdrawn", "error"),
    [
        ("nn", "Søknaden din", "Søknaden er trekt", "Feil:"),
        ("nb", "Søknaden din", "Søknaden er trukket", "Feil:"),
        ("en", "Your application", "Application withdrawn", "Error:"),
    ],
)
def test_applicant_page(event, form_page, language, own, withdrawn, error):
    url, _ = applicant_url(event, form_page)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    page = client.get(url)
    assert title(page) == f"{own} – {event.title}"
    assert autofocused(page) == []
    unconfirmed = client.post(url, {})
    assert title(unconfirmed) == f"{error} {own} – {event.title}"
    (summary,) = autofocused(unconfirmed)
    assert "kk-error-summary" in summary
    done = client.post(url, {"confirm": "on"})
    after = client.get(done["Location"])
    assert title(after) == f"{withdrawn} – {event.title}"
    (heading,) = autofocused(after)
    assert heading.startswith("<h1") and 'tabindex="-1"' in heading


def test_link_problems_are_titled_by_the_problem(event, form_page, monkeypatch, settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/klimakronsj/application/changed-token/")
    assert response.status_code == 400
    assert title(response) == "This link is not valid – Your application"
    _, application = applicant_url(event, form_page)
    token = links.manage_token(application)
    settings.WAGTAIL_KLIMAKRONSJ_MANAGE_LINK_MAX_AGE_DAYS = 30
    monkeypatch.setattr("time.time", lambda: datetime.datetime.now().timestamp() + 31 * 86400)
    expired = client.get(f"/klimakronsj/application/{token}/")
    assert expired.status_code == 410
    assert title(expired) == "This link has expired – Your application"
    sent = client.post(f"/klimakronsj/application/{token}/renew/")
    renewed = client.get(sent["Location"])
    assert renewed.status_code == 200
    assert title(renewed) == "We have sent you a new link – Your application"
    (heading,) = autofocused(renewed)
    assert heading.startswith("<h1")


def test_feedback_error_page(event):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/klimakronsj/feedback/", {"page": event.pk})
    assert title(response) == "Error: Feedback not sent"


@pytest.mark.parametrize(
    ("language", "found", "page_2"),
    [
        ("nn", "1 forslag funne", "Side 2 av 2"),
        ("nb", "1 forslag funnet", "Side 2 av 2"),
        ("en", "1 proposal found", "Page 2 of 2"),
    ],
)
def test_archive_and_proposal(root_page, settings, language, found, page_2):
    archive = make_archive(root_page)
    proposal = make_proposal(archive, "Bussvegar og fortetting")
    settings.WAGTAIL_KLIMAKRONSJ_PROPOSALS_PER_PAGE = 2
    for number in range(2):
        make_proposal(archive, f"Forslag {number}")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert title(client.get(archive.url)) == "Forslagsarkiv"
    assert title(client.get(archive.url + "?q=Bussvegar")) == f"{found} – Forslagsarkiv"
    assert title(client.get(archive.url + "?page=2")) == f"{page_2} – Forslagsarkiv"
    assert title(client.get(proposal.url)) == "Bussvegar og fortetting – Forslagsarkiv"


def test_the_feedback_thanks_takes_focus(event):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert autofocused(client.get(event.url)) == []
    (heading,) = autofocused(client.get(event.url + "?feedback=thanks"))
    assert heading.startswith("<h2") and 'tabindex="-1"' in heading
