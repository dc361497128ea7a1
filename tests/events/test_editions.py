"""The demo's home page says which edition is open now and which are past, from the
event pages' status (``{% klimakronsj_editions %}``)."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from tests.conftest import make_event
from wagtail_klimakronsj.demo import events as demo
from wagtail_klimakronsj.events.editions import editions

pytestmark = pytest.mark.django_db


def render(parent, language="en"):
    request = RequestFactory().get("/")
    with translation.override(language):
        html = Template("{% load klimakronsj_editions %}{% klimakronsj_editions page %}").render(
            Context({"page": parent, "request": request})
        )
    return re.sub(r"\s+", " ", html)


def section(html, heading):
    """The list under ``<h3>heading</h3>``."""
    match = re.search(rf"<h3>{re.escape(heading)}</h3> <ul>(.*?)</ul>", html)
    return match.group(1) if match else ""


def test_the_demo_home_page_lists_the_open_and_the_past_edition(root_page):
    pages = demo.create()
    html = render(pages["home"])
    open_now, past = section(html, "Open now"), section(html, "Past editions")
    current = pages["current_event"]
    assert f'href="{current.url}"' in open_now and current.title in open_now
    assert "Open for applications" in open_now
    assert 'href="/klimakronsj-2021/"' in past and "2021" in past
    assert "klimakronsj-2021" not in open_now and current.url not in past
    nynorsk = render(pages["home"], "nn")
    assert "<h3>Ope no</h3>" in nynorsk and "<h3>Tidlegare utgåver</h3>" in nynorsk


def test_an_edition_moves_with_its_status(root_page):
    today = datetime.date.today()
    soon = today + datetime.timedelta(days=40)
    upcoming = make_event(
        root_page,
        title="Neste",
        applications_open_date=today + datetime.timedelta(days=10),
        application_deadline_date=today + datetime.timedelta(days=20),
        sessions=[(soon, datetime.time(9), datetime.time(13))],
    )
    grouped = editions(root_page)
    assert [page.pk for page, _ in grouped["current"]] == [upcoming.pk]
    assert grouped["open"] == [] and grouped["past"] == []
    later = datetime.datetime.combine(
        soon + datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC
    )
    grouped = editions(root_page, now=later)
    assert [page.pk for page, _ in grouped["past"]] == [upcoming.pk]
    html = render(root_page)
    assert "Current and upcoming" in html and "Not yet open for applications" in html
    # An unpublished edition is not listed.
    upcoming.unpublish()
    assert render(root_page).strip() == ""
