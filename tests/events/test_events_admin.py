"""Admin validation of the event page: clear messages for editors' mistakes."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.conftest import make_event
from wagtail_klimakronsj.pages.models import EventPage

pytestmark = pytest.mark.usefixtures("english")


D = datetime.date


@pytest.fixture
def admin_user(db):
    from wagtail.users.models import UserProfile

    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def event_data(sessions=None, **overrides):
    sessions = sessions if sessions is not None else [
        {"date": "2031-09-22", "start_time": "09:00", "end_time": "13:00", "title": ""},
    ]
    data = {
        "title": "Klimakrønsj",
        "slug": "klimakronsj",
        "lead": "Lead",
        "image": "",
        "image_alt_text": "",
        "image_credit": "",
        "body": streamfield([]),
        "published_date": "",
        "audience": "",
        "organiser": "",
        "organiser_url": "",
        "publisher": "",
        "price": "0",
        "contact_url": "",
        "contact_text": "",
        "event_format": "digital",
        "location_name": "",
        "address": "",
        "meeting_url": "",
        "klimakronsj_sessions": inline_formset(sessions),
        "klimakronsj_guiding_questions": inline_formset([]),
        "seat_limit": "50",
        "seat_policy": "review",
        "municipality_cap": "",
        "waiting_list": "on",
        "confirmation_hours": "24",
        "show_seats_left": "on",
        "applications_open_date": "",
        "applications_open_time": "",
        "application_deadline_date": "2031-06-21",
        "application_deadline_time": "",
        "application_page": "",
        "external_application_url": "",
        "organiser_emails": "",
        "klimakronsj_email_texts": inline_formset([]),
        "retention_days": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def bound_form(user, data, instance=None):
    form_class = EventPage.get_edit_handler().get_form_class()
    instance = instance or EventPage()
    return form_class(data, instance=instance, for_user=user)


def all_errors(form):
    messages = [str(e) for errors in form.errors.values() for e in errors]
    for formset in form.formsets.values():
        for sub in formset.forms:
            messages += [str(e) for errors in sub.errors.values() for e in errors]
        messages += [str(e) for e in formset.non_form_errors()]
    return messages


def test_valid_event_passes(admin_user):
    form = bound_form(admin_user, event_data())
    assert form.is_valid(), all_errors(form)


def test_session_ending_before_it_starts(admin_user):
    form = bound_form(
        admin_user,
        event_data(
            sessions=[{"date": "2031-09-22", "start_time": "13:00", "end_time": "09:00", "title": ""}]
        ),
    )
    assert not form.is_valid()
    assert "A session must end after it starts." in all_errors(form)


def test_deadline_after_first_session(admin_user):
    form = bound_form(admin_user, event_data(application_deadline_date="2031-09-22"))
    assert not form.is_valid()
    assert form.errors["application_deadline_date"] == [
        "The application deadline must be before the first session starts."
    ]


def test_deadline_day_before_first_session_is_fine(admin_user):
    form = bound_form(admin_user, event_data(application_deadline_date="2031-09-21"))
    assert form.is_valid(), all_errors(form)


def test_deadline_checked_against_earliest_session_in_any_order(admin_user):
    sessions = [
        {"date": "2031-09-29", "start_time": "09:00", "end_time": "13:00", "title": ""},
        {"date": "2031-09-01", "start_time": "09:00", "end_time": "13:00", "title": ""},
    ]
    form = bound_form(
        admin_user, event_data(sessions=sessions, application_deadline_date="2031-09-10")
    )
    assert not form.is_valid()
    assert "application_deadline_date" in form.errors


def test_opening_after_deadline(admin_user):
    form = bound_form(
        admin_user,
        event_data(applications_open_date="2031-06-22", application_deadline_date="2031-06-21"),
    )
    assert not form.is_valid()
    assert "The deadline must be after applications open." in all_errors(form)


def test_seat_limit_below_one(admin_user):
    form = bound_form(admin_user, event_data(seat_limit="0"))
    assert not form.is_valid()
    assert form.errors["seat_limit"] == ["An event needs at least one seat."]


@pytest.mark.parametrize("event_format", ["physical", "hybrid"])
def test_physical_or_hybrid_needs_an_address(admin_user, event_format):
    form = bound_form(admin_user, event_data(event_format=event_format))
    assert not form.is_valid()
    assert form.errors["address"] == ["A physical or hybrid event needs an address."]
    form = bound_form(
        admin_user, event_data(event_format=event_format, address="Storgata 1, Oslo")
    )
    assert form.is_valid(), all_errors(form)


def test_admin_edit_view_shows_the_messages(client, admin_user, root_page):
    event = make_event(root_page, sessions=[(D(2031, 9, 22), datetime.time(9), datetime.time(13))])
    client.force_login(admin_user)
    url = f"/admin/pages/{event.pk}/edit/"
    assert client.get(url).status_code == 200
    data = event_data(
        sessions=[
            {
                "id": str(event.sessions[0].pk),
                "date": "2031-09-22",
                "start_time": "13:00",
                "end_time": "09:00",
                "title": "",
            }
        ],
        slug=event.slug,
        seat_limit="0",
        application_deadline_date="2031-09-23",
    )
    response = client.post(url, data)
    assert response.status_code == 200  # re-rendered with errors, not saved
    html = response.content.decode()
    assert "A session must end after it starts." in html
    assert "An event needs at least one seat." in html
    event.refresh_from_db()
    assert event.seat_limit == 50
