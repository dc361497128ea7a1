import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from wagtail.models import Page, Site

from wagtail_klimakronsj.models import EventSession, GuidingQuestion, Municipality
from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage


def restore_migration_data():
    """What migrations create and a transactional test's flush removes."""
    from django.conf import settings
    from wagtail.models import Locale

    from wagtail_klimakronsj.municipalities import load_municipalities, read_municipality_file

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Municipality.objects.exists():
        load_municipalities(read_municipality_file())


@pytest.fixture
def root_page(db):
    """The default site's root page; recreated after a transactional test flushed it."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page
    restore_migration_data()
    tree_root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = tree_root.add_child(instance=Page(title="Home", slug="home"))
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def make_event(parent, *, title="Klimakrønsj", sessions=None, questions=None, **fields):
    """Create and publish an event page; sessions are (date, start, end) tuples."""
    today = timezone.localdate()
    if sessions is None:
        start = today + datetime.timedelta(days=60)
        sessions = [
            (start, datetime.time(9), datetime.time(13)),
            (start + datetime.timedelta(days=1), datetime.time(9), datetime.time(13)),
        ]
    fields.setdefault("seat_limit", 50)
    fields.setdefault("application_deadline_date", today + datetime.timedelta(days=30))
    fields.setdefault("lead", "Eit idéverkstad for tilsette og folkevalde i kommunane.")
    page = EventPage(title=title, **fields)
    for date, start_time, end_time in sessions:
        page.klimakronsj_sessions.add(
            EventSession(date=date, start_time=start_time, end_time=end_time)
        )
    for text, sub in questions or []:
        page.klimakronsj_guiding_questions.add(GuidingQuestion(text=text, is_sub_question=sub))
    parent.add_child(instance=page)
    page.save_revision().publish()
    return EventPage.objects.get(pk=page.pk)


def make_form_page(parent, event, *, title="Søk om plass", **fields):
    page = ApplicationFormPage(title=title, event=event, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    if not event.application_page_id:
        event.application_page = page
        event.save_revision().publish()
    return ApplicationFormPage.objects.get(pk=page.pk)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts and ends with an empty cache (the event page keeps parts in it)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client):
    """Assert on the English source strings, whatever translations are compiled
    (``pytestmark = pytest.mark.usefixtures("english")`` in a module)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def event(root_page):
    return make_event(root_page)


@pytest.fixture
def form_page(root_page, event):
    return make_form_page(root_page, event)


@pytest.fixture
def oslo(root_page):
    return Municipality.objects.get(number="0301")


@pytest.fixture
def site_root(root_page):
    return Page.objects.get(pk=root_page.pk)


def pytest_runtest_setup(item):
    """Tests marked ``postgres`` mean nothing on SQLite (it has no row locks): skip them there."""
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set KLIMAKRONSJ_TEST_POSTGRES)")


@pytest.fixture
def slow_decisions(monkeypatch, request):
    """Widen the window between counting seats and saving, as a slow request would
    (the same delay with and without the lock, so a control run can show the race).
    A module may set ``DECISION_DELAY`` (seconds; 0.02 otherwise)."""
    import time

    from wagtail_klimakronsj.applications import seats

    original = seats._room_for
    delay = getattr(request.module, "DECISION_DELAY", 0.02)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(delay)
        return result

    monkeypatch.setattr(seats, "_room_for", slow)
