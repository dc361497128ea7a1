"""The public event page: rendering, calendar, JSON-LD and query counts."""

import datetime
import json
import re

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.events.calendar import build_event_calendar
from wagtail_klimakronsj.pages.models import EventPage

pytestmark = pytest.mark.usefixtures("english")


D = datetime.date
T = datetime.time
SECRET = "https://meet.example.org/very-secret-room"


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_page_renders_what_the_seed_shows(client, root_page):
    event = make_event(
        root_page,
        questions=[("Kva grep kan vi ta? F. eks:", False), ("Korleis sikre planane?", True)],
        meeting_url=SECRET,
        audience="Tilsette og folkevalde",
        organiser="Miljødirektoratet",
        publisher="Statsforvaltaren",
        contact_url="https://example.org/sikker-melding/",
        contact_text="Ta gjerne kontakt med oss via sikker melding",
        application_deadline_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    response = client.get(event.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert "meet.example.org" not in html
    assert "Miljødirektoratet" in html and "Statsforvaltaren" in html
    assert 'href="https://example.org/sikker-melding/"' in html
    assert "kk-status--open" in html
    assert "50 seats left of 50" in html or "50" in html
    assert "23:59" in html  # date-only deadline stated as the end of that day
    # Guiding questions nested.
    assert re.search(r"F\. eks:\s*<ul>\s*<li>Korleis sikre planane\?</li>", html)
    # No inline script other than the JSON-LD data block, no inline styles or handlers.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">']
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    # Feedback form posts without JavaScript, and without a token (no cookie).
    assert 'action="/klimakronsj/feedback/"' in html
    assert "csrfmiddlewaretoken" not in html


def test_free_and_price(client, root_page):
    free = make_event(root_page, title="Free one", price=0)
    assert ">Free<" in client.get(free.url).content.decode() or "Gratis" in client.get(
        free.url
    ).content.decode()
    paid = make_event(root_page, title="Paid one", slug="paid", price=250)
    html = client.get(paid.url).content.decode()
    assert "250" in html
    assert json_ld(html)["offers"]["price"] == "250"


def test_stale_notice(client, root_page, settings):
    old = make_event(root_page, title="Old", slug="old", published_date=D(2021, 6, 11))
    html = client.get(old.url).content.decode()
    assert "kk-notice--stale" in html
    assert "11 Jun 2021" in html  # English short date, not Django's US "06/11/2021"
    nynorsk = client.get(old.url, HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "11.06.2021" in nynorsk  # as the seed shows it: "Publisert 11.06.2021"
    new = make_event(root_page, title="New", slug="new")
    assert "kk-notice--stale" not in client.get(new.url).content.decode()
    settings.WAGTAIL_KLIMAKRONSJ_STALE_CONTENT_AGE_DAYS = 100000
    assert "kk-notice--stale" not in client.get(old.url).content.decode()


def test_dates_follow_the_readers_language(client, root_page):
    event = make_event(root_page, title="Datoar", slug="datoar", sessions=[(D(2027, 9, 22), T(9), T(13))])
    english = client.get(event.url).content.decode()
    assert "Wednesday 22 September 2027, 09:00" in english
    assert "Sept. 22" not in english and "a.m." not in english
    nynorsk = client.get(event.url, HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "onsdag 22. september 2027, 09:00" in nynorsk
    bokmal = client.get(event.url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "onsdag 22. september 2027, 09:00" in bokmal


def test_editor_text_is_escaped(client, root_page):
    evil = '</script><script>alert(1)</script><b onclick="x">'
    event = make_event(
        root_page,
        title=evil,
        lead=evil,
        audience=evil,
        questions=[(evil, False)],
    )
    html = client.get(event.url).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;" in html
    data = json_ld(html)  # the JSON-LD block was not closed early
    assert data["name"] == evil


def test_status_shown_for_each_state(client, root_page):
    today = timezone.localdate()
    past = make_event(
        root_page,
        title="Past",
        slug="past",
        sessions=[(D(2021, 9, 22), T(9), T(13))],
        application_deadline_date=D(2021, 6, 21),
    )
    html = client.get(past.url).content.decode()
    assert "kk-status--past" in html
    assert "Apply for a seat" not in html
    later = make_event(
        root_page,
        title="Later",
        slug="later",
        applications_open_date=today + datetime.timedelta(days=5),
    )
    assert "kk-status--not_yet_open" in client.get(later.url).content.decode()


def test_apply_link_to_form_page_or_external(client, root_page):
    event = make_event(root_page)
    form_page = make_form_page(root_page, event)
    html = client.get(event.url).content.decode()
    assert f'href="{form_page.url}"' in html
    other = make_event(
        root_page, title="External", slug="ext", external_application_url="https://example.org/form"
    )
    assert 'href="https://example.org/form"' in client.get(other.url).content.decode()


def test_calendar_download(client, root_page):
    event = make_event(
        root_page,
        sessions=[
            (D(2031, 10, 25), T(9), T(13)),
            (D(2031, 10, 27), T(9), T(13)),
        ],
        application_deadline_date=D(2031, 10, 1),
        meeting_url=SECRET,
    )
    response = client.get(event.url + "ical/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    assert ".ics" in response["Content-Disposition"]
    assert SECRET.encode() not in response.content

    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    first, second = events
    assert first["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert first.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2031, 10, 25, 7, 0, tzinfo=datetime.UTC
    )  # CEST
    assert second.decoded("DTEND").astimezone(datetime.UTC) == datetime.datetime(
        2031, 10, 27, 12, 0, tzinfo=datetime.UTC
    )  # CET, after the change
    assert str(first["URL"]).endswith(event.url)
    assert first["LOCATION"] == "Digital"

    # UIDs stable across downloads, distinct per session.
    again = icalendar.Calendar.from_ical(client.get(event.url + "ical/").content)
    uids = [str(e["UID"]) for e in events]
    assert uids == [str(e["UID"]) for e in again.walk("VEVENT")]
    assert len(set(uids)) == 2


def test_calendar_private_version_has_the_meeting_link(root_page):
    event = make_event(root_page, meeting_url=SECRET)
    public = build_event_calendar(event)
    private = build_event_calendar(event, include_private=True)
    assert SECRET.encode() not in public
    cal = icalendar.Calendar.from_ical(private)
    vevent = cal.walk("VEVENT")[0]
    assert SECRET in str(vevent["LOCATION"]) or SECRET in str(vevent["DESCRIPTION"])


def test_json_ld(client, root_page):
    event = make_event(
        root_page,
        organiser="Miljødirektoratet",
        organiser_url="https://www.miljodirektoratet.no/",
        event_format="hybrid",
        location_name="Rådhuset",
        address="Storgata 1\n0155 Oslo",
        meeting_url=SECRET,
        seat_limit=50,
    )
    html = client.get(event.url).content.decode()
    data = json_ld(html)
    assert data["@type"] == "Event"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    types = sorted(place["@type"] for place in data["location"])
    assert types == ["Place", "VirtualLocation"]
    assert SECRET not in json.dumps(data)
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Miljødirektoratet",
        "url": "https://www.miljodirektoratet.no/",
    }
    assert data["offers"]["price"] == "0"
    assert data["offers"]["priceCurrency"] == "NOK"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["maximumAttendeeCapacity"] == 50
    assert data["remainingAttendeeCapacity"] == 50
    assert len(data["subEvent"]) == 2
    start = datetime.datetime.fromisoformat(data["startDate"])
    assert start == event.starts_at
    assert data["isAccessibleForFree"] is True


def test_json_ld_hides_remaining_seats_when_policy_says_so(client, root_page):
    event = make_event(root_page, show_seats_left=False, sessions=[(D(2031, 9, 1), T(9), T(13))])
    html = client.get(event.url).content.decode()
    data = json_ld(html)
    assert "remainingAttendeeCapacity" not in data
    assert "subEvent" not in data
    assert data["location"]["@type"] == "VirtualLocation"
    assert "seats left" not in html


def _count_queries(client, url):
    client.get(url)  # warm caches that are per process (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_constant_number_of_queries(client, root_page, django_assert_num_queries):
    """The live parts (status, seats, apply link, proposals) cost the same whatever the
    number of sessions, questions and applications; the rest comes from the cache."""
    from tests.desk_helpers import seed

    start = D(2031, 9, 1)
    one = make_event(
        root_page,
        title="One",
        slug="one",
        sessions=[(start, T(9), T(13))],
        questions=[("Q", False)],
    )
    ten = make_event(
        root_page,
        title="Ten",
        slug="ten",
        sessions=[(start + datetime.timedelta(days=i), T(9), T(13)) for i in range(10)],
        questions=[(f"Q{i}", i % 2 == 1) for i in range(10)],
        seat_limit=40,
    )
    make_form_page(root_page, one, title="Form one", slug="form-one")
    make_form_page(root_page, ten, title="Form ten", slug="form-ten")
    seed(ten, 30, status="accepted")
    seed(ten, 20, start=30, status="waitlisted")
    n_one = _count_queries(client, one.url)
    print(f"event page queries: {n_one}")
    # Wagtail's routing and view restrictions (5); the sessions and the seats taken
    # (status), the form page (apply link), the edition's proposals (2)
    assert n_one <= 10
    client.get(ten.url)
    with django_assert_num_queries(n_one):
        html = client.get(ten.url).content.decode()
    assert "10 seats left of 40" in html


def test_event_page_subclass_uses_package_template(client, root_page):
    from tests.testapp.models import CustomEventPage
    from wagtail_klimakronsj.models import EventSession

    page = CustomEventPage(title="Custom", slug="custom", hashtag="#klima")
    page.klimakronsj_sessions.add(EventSession(date=D(2031, 9, 1), start_time=T(9), end_time=T(13)))
    root_page.add_child(instance=page)
    page.save_revision().publish()
    response = client.get(page.url)
    assert response.status_code == 200
    assert "kk-status" in response.content.decode()
    assert [t.heading for t in CustomEventPage.get_edit_handler().children][:3] == [
        "Content",
        "Sessions and questions",
        "Applications",
    ]


@pytest.mark.parametrize("model", [EventPage])
def test_edit_handler_has_tabs(model):
    headings = [str(t.heading) for t in model.get_edit_handler().children]
    assert len(headings) == 5
