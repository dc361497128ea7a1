"""Dates in the package's own formats per language (English not American), always in
the workshop's time zone, whatever the host's TIME_ZONE and format modules."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client, override_settings
from django.utils import timezone, translation

from tests.apply_helpers import at
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj import dates, exports
from wagtail_klimakronsj.mail import messages as notifications
from wagtail_klimakronsj.models import PageFeedback

D, T = datetime.date, datetime.time
#: 07:00 UTC on 22 September 2027 is 09:00 in Oslo (summer time).
MORNING_UTC = datetime.datetime(2027, 9, 22, 7, 0, tzinfo=datetime.UTC)

EXPECTED = {
    "nn": {
        "DATE_FORMAT": "22. september 2027",
        "DATETIME_FORMAT": "22. september 2027 kl. 09:00",
        "SHORT_DATE_FORMAT": "22.09.2027",
        "SHORT_DATETIME_FORMAT": "22.09.2027 09:00",
        "l": "onsdag",
    },
    "nb": {
        "DATE_FORMAT": "22. september 2027",
        "DATETIME_FORMAT": "22. september 2027 kl. 09:00",
        "SHORT_DATE_FORMAT": "22.09.2027",
        "SHORT_DATETIME_FORMAT": "22.09.2027 09:00",
        "l": "onsdag",
    },
    "en": {
        "DATE_FORMAT": "22 September 2027",
        "DATETIME_FORMAT": "22 September 2027 at 09:00",
        "SHORT_DATE_FORMAT": "22 Sep 2027",
        "SHORT_DATETIME_FORMAT": "22 Sep 2027, 09:00",
        "l": "Wednesday",
    },
}


@pytest.mark.parametrize("language", ["nn", "nb", "en"])
@override_settings(TIME_ZONE="America/New_York")
def test_format_date_in_each_language_in_the_workshops_zone(language):
    for name, expected in EXPECTED[language].items():
        with translation.override(language):
            assert dates.format_date(MORNING_UTC, name) == expected, name
        assert dates.format_date(MORNING_UTC, name, language=language) == expected, name
    assert dates.format_time_range(T(9), T(13), language) == "09:00–13:00"
    assert dates.format_date(D(2027, 9, 22), language=language) == EXPECTED[language]["DATE_FORMAT"]


@override_settings(TIME_ZONE="UTC", FORMAT_MODULE_PATH=None)
def test_the_hosts_time_zone_does_not_move_a_date():
    """23:30 UTC on 21 September is already the 22nd in Oslo."""
    late = datetime.datetime(2027, 9, 21, 22, 30, tzinfo=datetime.UTC)
    with translation.override("en"):
        rendered = Template(
            "{% load klimakronsj_dates %}{{ when|kk_date:'DATETIME_FORMAT' }}"
        ).render(Context({"when": late}))
    assert rendered == "22 September 2027 at 00:30"


def test_a_language_the_package_has_no_formats_for_falls_back_to_django():
    assert dates.format_date(D(2027, 9, 22), "DATE_FORMAT", language="de") == "22. September 2027"


@pytest.mark.parametrize(
    ("language", "session"),
    [
        ("nn", "onsdag 22. september 2027, 09:00–13:00"),
        ("nb", "onsdag 22. september 2027, 09:00–13:00"),
        ("en", "Wednesday 22 September 2027, 09:00–13:00"),
    ],
)
@override_settings(TIME_ZONE="UTC")
def test_emails_write_the_sessions_in_the_language(root_page, language, session):
    event = make_event(root_page, sessions=[(D(2027, 9, 22), T(9), T(13))])
    with translation.override(language):
        assert notifications.format_sessions(event) == [session]


@pytest.mark.parametrize(
    ("language", "session", "deadline", "closed"),
    [
        (
            "nn",
            "onsdag 22. september 2027, 09:00",
            "1. september 2027 12:00",
            "Fristen var 1. september 2027 kl. 12:00.",
        ),
        (
            "nb",
            "onsdag 22. september 2027, 09:00",
            "1. september 2027 12:00",
            "Fristen var 1. september 2027 kl. 12:00.",
        ),
        (
            "en",
            "Wednesday 22 September 2027, 09:00",
            "1 September 2027 12:00",
            "The deadline was 1 September 2027 at 12:00.",
        ),
    ],
)
@override_settings(TIME_ZONE="UTC")
def test_event_page_and_form_page_dates(
    root_page, monkeypatch, language, session, deadline, closed
):
    cache.clear()
    event = make_event(
        root_page,
        slug=f"datoar-{language}",
        sessions=[(D(2027, 9, 22), T(9), T(13))],
        application_deadline_date=D(2027, 9, 1),
        application_deadline_time=T(12),
    )
    form_page = make_form_page(root_page, event, slug=f"sok-{language}")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    event_html = client.get(event.url).content.decode()
    assert session in event_html
    assert "a.m." not in event_html and "Sept." not in event_html
    assert deadline in client.get(form_page.url).content.decode()
    monkeypatch.setattr(timezone, "now", at(event.closes_at + datetime.timedelta(minutes=1)))
    assert closed in client.get(form_page.url).content.decode()


@override_settings(TIME_ZONE="UTC")
def test_exports_write_times_in_the_workshops_zone():
    assert exports.neutralise(MORNING_UTC) == datetime.datetime(2027, 9, 22, 9, 0)


@override_settings(TIME_ZONE="UTC")
def test_the_admin_reports_write_english_dates_as_the_english_write_them(event, client):
    feedback = PageFeedback.objects.create(page_id=event.pk, helpful=True, comment="Bra")
    PageFeedback.objects.filter(pk=feedback.pk).update(created_at=MORNING_UTC)
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    html = client.get(
        f"/admin/klimakronsj/feedback/{event.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "22 Sep 2027, 09:00" in html
    assert "09/22/2027" not in html
