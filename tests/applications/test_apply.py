"""The application form page: rendering, the rules of a POST, the receipt."""

import datetime
import re

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django.utils.html import escape

from tests.apply_helpers import at, form_data, local
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.applications.fields import MunicipalityField
from wagtail_klimakronsj.applications.spam import make_form_token
from wagtail_klimakronsj.models import (
    Application,
    ApplicationFormField,
    ApplicationStatus,
    Municipality,
    Notification,
    NotificationKind,
    SeatPolicy,
)

pytestmark = pytest.mark.django_db


def post(client, form_page, data, **kwargs):
    return client.post(form_page.url, data, **kwargs)


# -- GET ---------------------------------------------------------------------------


def test_get_renders_the_form_accessibly(client, form_page):
    response = client.get(form_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    for name, autocomplete in [
        ("full_name", "name"),
        ("email", "email"),
        ("phone", "tel"),
        ("organisation", "organization"),
        ("position", "organization-title"),
    ]:
        assert re.search(rf'<input[^>]*name="{name}"[^>]*autocomplete="{autocomplete}"', html) or (
            re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*name="{name}"', html)
        ), name
    # The municipality list: every active municipality, one optgroup per county, and
    # "another organisation".
    select = re.search(r'<select[^>]*name="municipality".*?</select>', html, re.S).group(0)
    assert select.count("<option value=") == Municipality.objects.filter(active=True).count() + 2
    assert select.count("<optgroup") == (
        Municipality.objects.filter(active=True).values("county").distinct().count() + 1
    )
    assert '<option value="other">' in select
    assert 'aria-describedby="id_municipality_hint"' in select
    # Fieldsets with legends; the role radios are a group of their own.
    assert html.count("<legend") >= 5
    # The honeypot is labelled, out of the tab order, without autocomplete.
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', html)
    assert 'for="id_website"' in html
    # Strict CSP: no inline script or style, no on* handlers.
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert "wagtail_klimakronsj/css/klimakronsj.css" in html


def test_inactive_municipalities_are_not_offered(client, form_page):
    gone = Municipality.objects.get(number="0301")
    gone.active = False
    gone.save()
    html = client.get(form_page.url).content.decode()
    assert f'<option value="{gone.pk}">' not in html


def test_a_municipality_made_inactive_meanwhile_is_refused_under_the_lock(
    client, form_page, event, oslo, monkeypatch
):
    """Made inactive after the form checked it (another request, between the check and
    the event's lock): the seat policy checks the one chosen under the lock, so nothing
    is stored for an inactive municipality, and the field says what to do."""
    Municipality.objects.filter(pk=oslo.pk).update(active=False)
    monkeypatch.setattr(MunicipalityField, "is_active", lambda field, pk: True)
    response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="kk-error-summary"' in html and 'href="#id_municipality' in html
    message = str(MunicipalityField.default_error_messages["invalid_choice"])
    assert html.count(escape(message)) == 2  # in the summary and at the field
    assert f'<option value="{oslo.pk}">' not in html
    assert not Application.objects.exists()


def test_the_database_decides_whether_a_municipality_is_active(client, form_page, event, oslo):
    """No list kept between requests: one made inactive is refused at once (the seat
    policy asks the database under the event's lock), a new one is taken at once."""
    Municipality.objects.filter(pk=oslo.pk).update(active=False)
    response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 200
    assert 'href="#id_municipality' in response.content.decode()
    assert not Application.objects.exists()
    new = Municipality.objects.create(number="9999", name="Nykommune", county="Test")
    response = post(client, form_page, form_data(form_page, event, municipality=new.pk))
    assert response.status_code == 302
    assert Application.objects.get().municipality_id == new.pk


def test_extra_questions_from_the_form_builder(client, form_page, event, oslo):
    ApplicationFormField.objects.create(
        page=form_page,
        label="Kva kommune-rolle?",
        field_type="dropdown",
        choices="A,B",
        required=True,
    )
    ApplicationFormField.objects.create(
        page=form_page, label="Dato du kan", field_type="date", required=False
    )
    html = client.get(form_page.url).content.decode()
    assert 'name="extra_kva_kommune_rolle"' in html
    response = post(
        client,
        form_page,
        form_data(
            form_page,
            event,
            municipality=oslo.pk,
            extra_kva_kommune_rolle="B",
            extra_dato_du_kan="2030-01-02",
        ),
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.extra_answers == {"kva_kommune_rolle": "B", "dato_du_kan": "2030-01-02"}


def test_extra_required_question_is_enforced(client, form_page, event, oslo):
    ApplicationFormField.objects.create(
        page=form_page, label="Why", field_type="singleline", required=True
    )
    response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 200
    assert 'href="#id_extra_why"' in response.content.decode()
    assert not Application.objects.exists()


# -- a successful POST ---------------------------------------------------------------


def test_post_redirects_to_a_receipt_and_reload_does_not_resubmit(
    client, form_page, event, oslo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 302
    assert "/receipt/?t=" in response["Location"]
    application = Application.objects.get()
    assert application.status == ApplicationStatus.PENDING  # review is the default
    assert application.municipality == oslo
    assert application.form_page_id == form_page.pk
    assert application.consent_given_at is not None
    assert application.language == "en"
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert "The organiser reviews every application" in receipt.content.decode()
    assert receipt["Cache-Control"] == "private, no-store"
    client.get(response["Location"])  # reload the receipt
    assert Application.objects.count() == 1
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == [NotificationKind.ORGANISER_NOTICE, NotificationKind.RECEIPT]
    assert len(mail.outbox) == 2


def test_receipt_link_tampered_is_a_clear_400(client, form_page):
    response = client.get(form_page.url + "receipt/?t=abc:def")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_first_come_accepts_then_waitlists_with_position(client, first_come, oslo):
    event, form_page = first_come
    statuses = []
    for i in range(4):
        response = post(
            client,
            form_page,
            form_data(form_page, event, email=f"p{i}@example.org", municipality=oslo.pk),
        )
        assert response.status_code == 302
        statuses.append(Application.objects.get(email=f"p{i}@example.org").status)
    assert statuses == ["accepted", "accepted", "waitlisted", "waitlisted"]
    receipt = client.get(response["Location"]).content.decode()
    assert "waiting list, as number 2" in receipt


def test_full_event_with_waiting_list_says_so_on_the_form(client, first_come, oslo):
    event, form_page = first_come
    for i in range(2):
        post(
            client,
            form_page,
            form_data(form_page, event, email=f"p{i}@example.org", municipality=oslo.pk),
        )
    html = client.get(form_page.url).content.decode()
    assert "you will be on the waiting list" in html
    assert "Apply for the waiting list" in html


def test_full_event_without_waiting_list_shows_no_form(client, root_page, oslo):
    event = make_event(
        root_page, seat_limit=1, seat_policy=SeatPolicy.FIRST_COME, waiting_list=False
    )
    form_page = make_form_page(root_page, event)
    post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    response = client.get(form_page.url)
    html = response.content.decode()
    assert "this event has no waiting list" in html
    assert 'class="kk-form"' not in html
    # A form loaded earlier and sent now: a clear message, nothing stored.
    late = post(
        client,
        form_page,
        form_data(form_page, event, email="late@example.org", municipality=oslo.pk),
    )
    assert late.status_code == 409
    assert "Your application was not stored" in late.content.decode()
    assert Application.objects.count() == 1


# -- opening and deadline, for every POST ------------------------------------------------


@pytest.fixture
def dated_event(root_page):
    today = timezone.localdate()
    event = make_event(
        root_page,
        applications_open_date=today + datetime.timedelta(days=1),
        applications_open_time=datetime.time(12, 0),
        application_deadline_date=today + datetime.timedelta(days=10),
        application_deadline_time=datetime.time(15, 0),
    )
    return event, make_form_page(root_page, event)


@pytest.mark.parametrize(
    "offset, stored",
    [
        (datetime.timedelta(microseconds=-1), False),  # just before opening
        (datetime.timedelta(0), True),  # at the opening instant
    ],
)
def test_opening_boundary_on_post(client, dated_event, oslo, monkeypatch, offset, stored):
    event, form_page = dated_event
    moment = event.opens_at + offset
    monkeypatch.setattr(timezone, "now", at(moment))
    data = form_data(form_page, event, municipality=oslo.pk)
    response = post(client, form_page, data)
    assert Application.objects.exists() is stored
    assert response.status_code == (302 if stored else 409)
    if not stored:
        assert "Applications open" in response.content.decode()


@pytest.mark.parametrize(
    "offset, stored",
    [
        (datetime.timedelta(microseconds=-1), True),  # the last instant before the deadline
        (datetime.timedelta(0), False),  # at the deadline
        (datetime.timedelta(hours=1), False),
    ],
)
def test_deadline_boundary_on_post(client, dated_event, oslo, monkeypatch, offset, stored):
    """A form loaded before the deadline and sent after it gets a clear message."""
    event, form_page = dated_event
    loaded = event.closes_at - datetime.timedelta(hours=1)
    token = make_form_token(form_page.pk, event.pk, started=int(loaded.timestamp()))
    monkeypatch.setattr(timezone, "now", at(event.closes_at + offset))
    response = post(
        client, form_page, form_data(form_page, event, token=token, municipality=oslo.pk)
    )
    assert Application.objects.exists() is stored
    if stored:
        assert response.status_code == 302
    else:
        assert response.status_code == 409
        html = response.content.decode()
        assert "Your application was not stored" in html
        assert "Applications are closed" in html


def test_date_only_deadline_runs_to_the_end_of_the_day(client, root_page, oslo, monkeypatch):
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    event = make_event(root_page, application_deadline_date=deadline)
    form_page = make_form_page(root_page, event)
    token = make_form_token(form_page.pk, event.pk, started=int(local(deadline, 20).timestamp()))
    monkeypatch.setattr(timezone, "now", at(local(deadline, 23, 59)))
    assert (
        post(
            client, form_page, form_data(form_page, event, token=token, municipality=oslo.pk)
        ).status_code
        == 302
    )
    monkeypatch.setattr(timezone, "now", at(local(deadline + datetime.timedelta(days=1))))
    late = form_data(form_page, event, token=token, email="late@example.org", municipality=oslo.pk)
    assert post(client, form_page, late).status_code == 409
    assert Application.objects.count() == 1


def test_past_and_in_progress_events_show_a_message(client, root_page, monkeypatch):
    event = make_event(root_page)
    form_page = make_form_page(root_page, event)
    monkeypatch.setattr(timezone, "now", at(event.starts_at + datetime.timedelta(minutes=1)))
    assert "The event has started" in client.get(form_page.url).content.decode()
    monkeypatch.setattr(timezone, "now", at(event.ends_at + datetime.timedelta(days=1)))
    assert "The event is over" in client.get(form_page.url).content.decode()


# -- pages that cannot take applications -------------------------------------------------


def test_unpublished_event_is_404_for_get_and_post(client, form_page, event, oslo):
    event.unpublish()
    assert client.get(form_page.url).status_code == 404
    response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_form_without_event_is_404(client, root_page, event):
    form_page = make_form_page(root_page, event)
    type(form_page).objects.filter(pk=form_page.pk).update(event=None)
    assert client.get(form_page.url).status_code == 404


def test_every_request_sees_the_event_as_it_is_stored(client, form_page, event, oslo):
    """Nothing of the event is kept between requests: a change made with
    ``QuerySet.update()`` (no signal, no publication) is seen at the next request."""
    assert "All seats are taken" not in client.get(form_page.url).content.decode()
    type(event).objects.filter(pk=event.pk).update(seat_limit=0, waiting_list=True)
    assert "All seats are taken" in client.get(form_page.url).content.decode()
    type(event).objects.filter(pk=event.pk).update(live=False)
    assert client.get(form_page.url).status_code == 404
    # Each page object looks the event up once, and gets its own copy.
    page = type(form_page).objects.get(pk=form_page.pk)
    type(event).objects.filter(pk=event.pk).update(live=True)
    first = page.get_event()
    assert first is page.get_event() and first.pk == event.pk and type(first) is type(event)
    assert type(form_page).objects.get(pk=form_page.pk).get_event() is not first


def test_the_form_has_the_questions_as_they_are_now(form_page):
    """The form class is built for each request: a question added outside a publication
    (the ORM, a shell) is asked at once; questions held in memory (a preview, a
    revision) are the ones asked."""
    page_class = type(form_page)
    assert not [
        n
        for n in page_class.objects.get(pk=form_page.pk).get_form_class().base_fields
        if n.startswith("extra_")
    ]
    ApplicationFormField.objects.create(
        page=form_page, label="Kva kommune?", field_type="singleline"
    )
    form_class = page_class.objects.get(pk=form_page.pk).get_form_class()
    assert [n for n in form_class.base_fields if n.startswith("extra_")] == ["extra_kva_kommune"]
    page = page_class.objects.get(pk=form_page.pk)
    page.klimakronsj_form_fields = [
        ApplicationFormField(label="Berre i utkastet", field_type="singleline")
    ]
    drafted = [n for n in page.get_form_class().base_fields if n.startswith("extra_")]
    assert drafted == ["extra_berre_i_utkastet"]


# -- one application per email, one per click -----------------------------------------------


def test_same_email_again_gets_a_new_link_not_a_second_seat(
    client, form_page, event, oslo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = post(
            client,
            form_page,
            form_data(
                form_page,
                event,
                email="  KARI@Example.ORG ",
                full_name="Someone Else",
                municipality=oslo.pk,
            ),
        )
    assert again.status_code == 302
    assert Application.objects.count() == 1
    assert Application.objects.get().full_name == "Kari Nordmann"
    page = client.get(again["Location"]).content.decode()
    assert "You have already applied" in page
    assert "Kari Nordmann" not in page  # nothing of the first application is shown
    assert [m.to for m in mail.outbox] == [["kari@example.org"]]
    assert "/klimakronsj/application/" in mail.outbox[0].body
    assert Notification.objects.filter(kind=NotificationKind.MANAGE_LINK).count() == 1


def test_double_click_submits_once(
    client, form_page, event, oslo, django_capture_on_commit_callbacks
):
    data = form_data(form_page, event, municipality=oslo.pk)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, form_page, data)
        second = post(client, form_page, data)
    assert first.status_code == second.status_code == 302
    assert Application.objects.count() == 1
    # Both clicks land on the receipt of the one application; no "already applied" email.
    assert "Thank you" in client.get(second["Location"]).content.decode()
    assert not Notification.objects.filter(kind=NotificationKind.MANAGE_LINK).exists()
    assert len(mail.outbox) == 2  # receipt + organiser notice, once


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("full_name", "x" * 201),
        ("email", "not-an-email"),
        ("email", "a" * 250 + "@example.org"),
        ("phone", "call me maybe"),
        ("position", "y" * 201),
        ("interests", "z" * 2001),
        ("accessibility_needs", "w" * 1001),
        ("full_name", "Kari\x00Nordmann"),
        ("full_name", "Kari\x1bNordmann"),
        ("full_name", "Kari\nNordmann"),
        ("position", "Rådgjevar\u202e"),
        ("interests", "ok\x07"),
        ("role", "king"),
        ("municipality", "999999"),
        ("municipality", "1 OR 1=1"),
        ("consent", ""),
        ("organisation", "o" * 201),
    ],
)
def test_bad_values_get_a_field_error_and_nothing_is_stored(
    client, form_page, event, oslo, field, value
):
    data = form_data(form_page, event, municipality=oslo.pk)
    data[field] = value
    if field == "consent":
        del data["consent"]
    response = post(client, form_page, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="kk-error-summary"' in html
    assert f'href="#id_{field}' in html
    assert 'aria-invalid="true"' in html
    assert f"id_{field}" in html and "_error" in html
    assert not Application.objects.exists()


def test_multiline_answers_keep_their_newlines(client, form_page, event, oslo):
    post(
        client,
        form_page,
        form_data(form_page, event, municipality=oslo.pk, interests="Eitt\r\nTo\tTre"),
    )
    assert Application.objects.get().interests == "Eitt\r\nTo\tTre"


def test_other_organisation_needs_a_name(client, form_page, event):
    response = post(client, form_page, form_data(form_page, event, municipality="other"))
    assert response.status_code == 200
    assert 'href="#id_organisation"' in response.content.decode()
    response = post(
        client,
        form_page,
        form_data(form_page, event, municipality="other", organisation="Vestland fylkeskommune"),
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.municipality is None
    assert application.organisation == "Vestland fylkeskommune"


def test_organisation_is_dropped_when_a_municipality_is_chosen(client, form_page, event, oslo):
    post(
        client,
        form_page,
        form_data(form_page, event, municipality=oslo.pk, organisation="Leftover"),
    )
    assert Application.objects.get().organisation == ""


@pytest.mark.parametrize(
    "token",
    [
        "",
        "forged",
        "eyJwIjoxfQ:1t:forged",
    ],
)
def test_tampered_hidden_token_is_a_form_error(client, form_page, event, oslo, token):
    response = post(
        client, form_page, form_data(form_page, event, token=token, municipality=oslo.pk)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The form had expired or was changed" in html
    # A fresh token is rendered, so sending again works.
    fresh = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert fresh and fresh != token
    assert not Application.objects.exists()


def test_token_of_another_event_is_refused(client, root_page, form_page, event, oslo):
    other = make_event(root_page, title="Another")
    token = make_form_token(form_page.pk, other.pk, started=int(timezone.now().timestamp()) - 60)
    response = post(
        client, form_page, form_data(form_page, event, token=token, municipality=oslo.pk)
    )
    assert "The form had expired or was changed" in response.content.decode()
    assert not Application.objects.exists()


def test_html_and_script_are_stored_as_text_and_escaped(
    client, form_page, event, oslo, django_capture_on_commit_callbacks
):
    evil = '<script>alert("x")</script><b>'
    data = form_data(
        form_page,
        event,
        municipality="other",
        full_name=evil,
        organisation=evil,
        position=evil,
        interests=evil,
        accessibility_needs=evil,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_page, data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.full_name == evil and application.interests == evil
    receipt = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in receipt
    manage_url = re.search(r'href="(http[^"]*/klimakronsj/application/[^"]+)"', receipt).group(1)
    own_page = client.get(manage_url).content.decode()
    assert "<script>alert" not in own_page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;" in own_page
    for message in mail.outbox:
        html = message.alternatives[0][0] if message.alternatives else ""
        assert "<script>alert" not in html
        assert "<b>" not in html.replace("<b>Held", "")
    organiser = next(m for m in mail.outbox if m.to == ["organiser@example.org"])
    assert evil in organiser.body  # plain text keeps the text as written
    assert "&lt;script&gt;" in organiser.alternatives[0][0]


def test_errors_re_render_user_input_escaped(client, form_page, event):
    response = post(
        client, form_page, form_data(form_page, event, full_name='"><script>x()</script>')
    )
    html = response.content.decode()
    assert "<script>x()" not in html
    assert "&quot;&gt;&lt;script&gt;x()&lt;/script&gt;" in html


def test_missing_or_forged_csrf_token_is_403(form_page, event, oslo):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    data = form_data(form_page, event, municipality=oslo.pk)
    assert client.post(form_page.url, data).status_code == 403
    client.cookies["csrftoken"] = "a" * 32
    assert client.post(form_page.url, {**data, "csrfmiddlewaretoken": "b" * 32}).status_code == 403
    assert not Application.objects.exists()
    # With the token from the page it works.
    html = client.get(form_page.url).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert client.post(form_page.url, {**data, "csrfmiddlewaretoken": csrf}).status_code == 302


# -- spam -------------------------------------------------------------------------------


def test_honeypot_holds_for_review_never_accepts(client, first_come, oslo):
    event, form_page = first_come
    response = post(
        client, form_page, form_data(form_page, event, municipality=oslo.pk, website="http://spam")
    )
    assert response.status_code == 302  # the sender sees a normal receipt
    application = Application.objects.get()
    assert application.held_for_review
    assert application.status == ApplicationStatus.PENDING  # first come, yet not accepted
    assert "robots" in application.hold_reason


def test_too_fast_is_held_for_review(client, first_come, oslo):
    event, form_page = first_come
    post(client, form_page, form_data(form_page, event, seconds_ago=0, municipality=oslo.pk))
    application = Application.objects.get()
    assert application.held_for_review
    assert application.status == ApplicationStatus.PENDING
    assert "seconds after" in application.hold_reason


def test_normal_submission_is_not_held(client, first_come, oslo):
    event, form_page = first_come
    post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert not Application.objects.get().held_for_review


@override_settings(WAGTAIL_KLIMAKRONSJ_RATE_LIMIT_PER_EMAIL=(2, 3600))
def test_rate_limit_per_email_is_a_clear_429(client, form_page, event, oslo):
    for _ in range(2):
        assert (
            post(client, form_page, form_data(form_page, event, municipality=oslo.pk)).status_code
            == 302
        )
    response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 429
    assert "Your application was not stored" in response.content.decode()
    # Another address from the same network is fine.
    other = form_data(form_page, event, email="ola@example.org", municipality=oslo.pk)
    assert post(client, form_page, other).status_code == 302


@override_settings(WAGTAIL_KLIMAKRONSJ_RATE_LIMIT_PER_IP=(3, 3600))
def test_rate_limit_per_ip(client, form_page, event, oslo):
    codes = [
        post(
            client,
            form_page,
            form_data(form_page, event, email=f"p{i}@example.org", municipality=oslo.pk),
        ).status_code
        for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert Application.objects.count() == 3
    other_ip = form_data(form_page, event, email="x@example.org", municipality=oslo.pk)
    assert post(client, form_page, other_ip, REMOTE_ADDR="10.0.0.9").status_code == 302


# -- embedding (the cost: test_apply_cost.py) -----------------------------------------------


def test_form_embeds_on_the_event_page(form_page, event):
    request = RequestFactory().get(event.url)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = Template("{% load klimakronsj_apply %}{% klimakronsj_application_form event %}").render(
        Context({"event": event, "request": request})
    )
    assert f'action="{form_page.url}"' in html
    assert 'name="form_token"' in html and 'name="municipality"' in html


def test_embed_renders_nothing_when_closed(root_page):
    event = make_event(
        root_page, application_deadline_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    make_form_page(root_page, event)
    event.refresh_from_db()
    html = Template("{% load klimakronsj_apply %}{% klimakronsj_application_form event %}").render(
        Context({"event": event, "request": RequestFactory().get("/")})
    )
    assert html == ""


def test_error_summary_label_has_no_double_punctuation():
    from wagtail_klimakronsj.templatetags.klimakronsj_apply import summary_label

    assert summary_label("I consent as the privacy statement describes.") == (
        "I consent as the privacy statement describes"
    )
    assert summary_label("Full name") == "Full name"
