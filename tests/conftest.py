import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from wagtail_klimakronsj.models import EventSession, GuidingQuestion, Municipality
from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage


@pytest.fixture
def root_page(db):
    site = Site.objects.get(is_default_site=True)
    return site.root_page


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


@pytest.fixture
def event(root_page):
    return make_event(root_page)


@pytest.fixture
def form_page(root_page, event):
    return make_form_page(root_page, event)


@pytest.fixture
def oslo(db):
    return Municipality.objects.get(number="0301")


@pytest.fixture
def site_root(root_page):
    return Page.objects.get(pk=root_page.pk)
