"""Event status at its boundaries: one second before and at/after each limit, across DST."""

import datetime

import pytest

from tests.conftest import make_event as make_saved_event
from wagtail_klimakronsj.models import EventSession, EventStatus
from wagtail_klimakronsj.pages.models import EventPage
from wagtail_klimakronsj.timezone import local_datetime

UTC = datetime.UTC
SEC = datetime.timedelta(seconds=1)
D = datetime.date
T = datetime.time


def make_event(_parent, *, sessions, **fields):
    """An unsaved event page with its sessions in memory (status logic needs no database)."""
    fields.setdefault("seat_limit", 50)
    page = EventPage(title="Klimakrønsj", **fields)
    for date, start, end in sessions:
        page.klimakronsj_sessions.add(EventSession(date=date, start_time=start, end_time=end))
    page.seats_taken = 0  # no accepted applications
    return page


@pytest.fixture
def root_page(db):
    # Building an unsaved page may look up the default locale; nothing is saved.
    return None


@pytest.fixture
def sept_event(root_page):
    """Like 2021: sessions 22, 23, 29, 30 Sept 09:00–13:00, deadline 21 June (date only)."""
    return make_event(
        root_page,
        sessions=[(D(2031, 9, day), T(9), T(13)) for day in (22, 23, 29, 30)],
        applications_open_date=D(2031, 6, 1),
        applications_open_time=T(8),
        application_deadline_date=D(2031, 6, 21),
    )


def test_opening(sept_event):
    opens = local_datetime(D(2031, 6, 1), T(8))
    assert opens == datetime.datetime(2031, 6, 1, 6, 0, tzinfo=UTC)
    assert sept_event.get_status(opens - SEC) == EventStatus.NOT_YET_OPEN
    assert sept_event.get_status(opens) == EventStatus.OPEN
    assert sept_event.get_status(opens + SEC) == EventStatus.OPEN


def test_date_only_deadline_includes_the_whole_day(sept_event):
    last_second = local_datetime(D(2031, 6, 21), T(23, 59, 59))
    assert sept_event.get_status(last_second) == EventStatus.OPEN
    assert sept_event.applications_open(last_second)
    assert sept_event.get_status(last_second + SEC) == EventStatus.CLOSED
    assert not sept_event.applications_open(last_second + SEC)
    # 22 June 00:00 in Oslo (summer time) is 21 June 22:00 UTC.
    assert sept_event.closes_at == datetime.datetime(2031, 6, 21, 22, 0, tzinfo=UTC)


def test_deadline_with_time(root_page):
    event = make_event(
        root_page,
        sessions=[(D(2031, 9, 22), T(9), T(13))],
        application_deadline_date=D(2031, 6, 21),
        application_deadline_time=T(12),
    )
    deadline = local_datetime(D(2031, 6, 21), T(12))
    assert event.get_status(deadline - SEC) == EventStatus.OPEN
    assert event.get_status(deadline) == EventStatus.CLOSED
    assert event.get_status(deadline + SEC) == EventStatus.CLOSED


def test_first_session_start_and_last_session_end(sept_event):
    start = local_datetime(D(2031, 9, 22), T(9))
    end = local_datetime(D(2031, 9, 30), T(13))
    assert sept_event.get_status(start - SEC) == EventStatus.CLOSED
    assert sept_event.get_status(start) == EventStatus.IN_PROGRESS
    # Between sessions (a week apart) it is still in progress.
    assert sept_event.get_status(local_datetime(D(2031, 9, 26), T(12))) == EventStatus.IN_PROGRESS
    assert sept_event.get_status(end - SEC) == EventStatus.IN_PROGRESS
    assert sept_event.get_status(end) == EventStatus.PAST
    assert sept_event.get_status(end + SEC) == EventStatus.PAST


def test_no_deadline_open_until_first_session(root_page):
    event = make_event(
        root_page,
        sessions=[(D(2031, 9, 22), T(9), T(13))],
        application_deadline_date=None,
    )
    start = local_datetime(D(2031, 9, 22), T(9))
    assert event.get_status(start - SEC) == EventStatus.OPEN
    assert event.get_status(start) == EventStatus.IN_PROGRESS


def test_across_the_autumn_dst_change(root_page):
    """Summer time ends 26 Oct 2031 at 03:00 (clocks go back to 02:00): a 25-hour day."""
    event = make_event(
        root_page,
        sessions=[
            (D(2031, 10, 25), T(9), T(13)),  # CEST, UTC+2
            (D(2031, 10, 27), T(9), T(13)),  # CET, UTC+1
        ],
        application_deadline_date=D(2031, 10, 24),
    )
    # Deadline (date only): the end of 24 Oct in Oslo = 22:00 UTC (still summer time).
    assert event.closes_at == datetime.datetime(2031, 10, 24, 22, 0, tzinfo=UTC)
    assert event.get_status(datetime.datetime(2031, 10, 24, 21, 59, 59, tzinfo=UTC)) == "open"
    assert event.get_status(datetime.datetime(2031, 10, 24, 22, 0, 0, tzinfo=UTC)) == "closed"
    # The last session ends 13:00 CET = 12:00 UTC (not 11:00 as in summer).
    end = datetime.datetime(2031, 10, 27, 12, 0, tzinfo=UTC)
    assert event.ends_at == end
    assert event.get_status(end - SEC) == EventStatus.IN_PROGRESS
    assert event.get_status(end) == EventStatus.PAST


def test_date_only_deadline_on_the_dst_day_lasts_25_hours(root_page):
    event = make_event(
        root_page,
        sessions=[(D(2031, 11, 3), T(9), T(13))],
        application_deadline_date=D(2031, 10, 26),
    )
    # 27 Oct 00:00 CET = 26 Oct 23:00 UTC.
    closes = datetime.datetime(2031, 10, 26, 23, 0, tzinfo=UTC)
    assert event.closes_at == closes
    assert event.get_status(closes - SEC) == EventStatus.OPEN
    assert event.get_status(closes) == EventStatus.CLOSED


def test_repeated_hour_compared_as_instants(root_page):
    """A deadline at 02:30 on the DST day is the first 02:30 (CEST); a local 'now' in the
    second 02:30 (CET, fold=1) is after it, though the wall clocks are equal."""
    event = make_event(
        root_page,
        sessions=[(D(2031, 11, 3), T(9), T(13))],
        application_deadline_date=D(2031, 10, 26),
        application_deadline_time=T(2, 30),
    )
    first = local_datetime(D(2031, 10, 26), T(2, 30))
    second = first.replace(fold=1)
    assert first.astimezone(UTC) < second.astimezone(UTC)
    assert event.get_status(first - SEC) == EventStatus.OPEN
    assert event.get_status(second) == EventStatus.CLOSED


def test_spring_dst_change(root_page):
    """Summer time starts 30 Mar 2031 at 02:00 -> 03:00: a 23-hour day."""
    event = make_event(
        root_page,
        sessions=[(D(2031, 4, 2), T(9), T(13))],
        application_deadline_date=D(2031, 3, 30),
    )
    closes = datetime.datetime(2031, 3, 30, 22, 0, tzinfo=UTC)  # 31 Mar 00:00 CEST
    assert event.closes_at == closes
    assert event.get_status(closes - SEC) == EventStatus.OPEN
    assert event.get_status(closes) == EventStatus.CLOSED


def test_seats(db):
    from wagtail.models import Site

    from wagtail_klimakronsj.models import Application, ApplicationStatus, Role

    root = Site.objects.get(is_default_site=True).root_page
    event = make_saved_event(root, seat_limit=1, waiting_list=True)
    assert event.get_status() == EventStatus.OPEN
    Application.objects.create(
        event=event, full_name="A", email="a@example.org", role=Role.EMPLOYEE,
        status=ApplicationStatus.ACCEPTED,
    )
    event = type(event).objects.get(pk=event.pk)
    assert event.get_status() == EventStatus.WAITING_LIST
    event.waiting_list = False
    assert event.get_status() == EventStatus.FULL
