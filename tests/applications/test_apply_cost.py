"""What one request of the application form costs: its queries, constant in the number
of applications, and the event's fields it loads (``event_fields``)."""

import pytest
from django.test import override_settings

from tests import frontend_cache
from tests.apply_helpers import form_data
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.models import Application, SeatPolicy
from wagtail_klimakronsj.pages.models import EventPage

pytestmark = pytest.mark.django_db

FRONTEND_CACHE = {"test": {"BACKEND": "tests.frontend_cache.RecordingBackend"}}


def post(client, form_page, data, **kwargs):
    return client.post(form_page.url, data, **kwargs)


def test_queries_per_submission(client, first_come, oslo, django_assert_max_num_queries):
    event, form_page = first_come
    post(
        client,
        form_page,
        form_data(form_page, event, email="warm@example.org", municipality=oslo.pk),
    )
    # Routing (Wagtail: site, pages, view restrictions) and the event (one query per
    # event page model, two here): 7; the event's sessions (1), the extra questions (1);
    # then the submission in one transaction (the test's savepoint pair and one for the
    # seats: 4): the event row's lock (1), the municipality, active, under the lock (1),
    # the same email or the same form (1), the seat count (1), the application and its
    # audit entry (with Wagtail's content type check: 3), the outbox (the rows, their
    # ids: 2). The emails are rendered when sent.
    with django_assert_max_num_queries(22) as captured:
        response = post(client, form_page, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 302
    print(f"\nqueries for one submission: {len(captured.captured_queries)}")


def test_queries_per_get_do_not_grow_with_applications(
    client, first_come, oslo, django_assert_max_num_queries
):
    event, form_page = first_come
    client.get(form_page.url)
    with django_assert_max_num_queries(12) as first:
        client.get(form_page.url)
    queries = len(first.captured_queries)
    for i in range(5):
        post(
            client,
            form_page,
            form_data(form_page, event, email=f"p{i}@example.org", municipality=oslo.pk),
        )
    with django_assert_max_num_queries(queries):
        client.get(form_page.url)


@pytest.mark.parametrize("confirm_email", [False, True])
def test_the_form_reads_only_the_event_fields_it_loads(
    client, root_page, oslo, monkeypatch, django_capture_on_commit_callbacks, confirm_email
):
    """``find_event`` loads the event's ``event_fields``: the form, an application (its
    emails recorded, the event purged from the frontend cache), its receipt, the same
    email again, the refusal when the event is full and the closed page read no other
    field (a deferred field read would load on its own, with one query each)."""
    event = make_event(
        root_page,
        seat_limit=1,
        seat_policy=SeatPolicy.FIRST_COME,
        waiting_list=False,
        confirm_email=confirm_email,
        organiser_emails="kurs@example.org",
    )
    form_page = make_form_page(root_page, event)

    def refuse(instance, *args, fields=None, **kwargs):
        raise AssertionError(f"{type(instance).__name__}: deferred fields read: {fields}")

    monkeypatch.setattr(EventPage, "refresh_from_db", refuse)
    frontend_cache.PURGED.clear()
    assert client.get(form_page.url).status_code == 200
    data = form_data(form_page, event, municipality=oslo.pk)
    with (
        override_settings(WAGTAILFRONTENDCACHE=FRONTEND_CACHE),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = post(client, form_page, data)
    assert response.status_code == 302 and callbacks
    assert frontend_cache.PURGED == [event.full_url]
    assert client.get(response["Location"]).status_code == 200
    assert post(client, form_page, data).status_code == 302  # the same form sent twice
    again = form_data(form_page, event, municipality=oslo.pk)  # the same email, a new form
    assert "receipt" in post(client, form_page, again)["Location"]
    other = form_data(form_page, event, email="ola@example.org", municipality=oslo.pk)
    assert post(client, form_page, other).status_code == 409
    assert "kk-form" not in client.get(form_page.url).content.decode()
    assert Application.objects.count() == 1
