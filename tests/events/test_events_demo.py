"""The demo command builds the 2021 edition and a current one, idempotently."""

import datetime
import re

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page

from wagtail_klimakronsj.models import EventSession, EventStatus, GuidingQuestion
from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage, ProposalArchivePage

pytestmark = pytest.mark.usefixtures("english")


def counts():
    return (
        Page.objects.count(),
        EventSession.objects.count(),
        GuidingQuestion.objects.count(),
        get_image_model().objects.count(),
    )


def test_demo_twice_creates_nothing_new(db, client):
    call_command("klimakronsj_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("klimakronsj_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first

    old = EventPage.objects.get(slug="klimakronsj-2021")
    assert old.title == "Idéverksted om klimavennleg samfunnsutvikling"
    assert "Klimakrønsj 2021" in old.seo_title
    assert [(s.date, s.start_time, s.end_time) for s in old.sessions] == [
        (datetime.date(2021, 9, day), datetime.time(9), datetime.time(13))
        for day in (22, 23, 29, 30)
    ]
    assert old.seat_limit == 50
    assert old.application_deadline_date == datetime.date(2021, 6, 21)
    assert old.event_format == "digital"
    assert old.is_free
    assert old.organiser == "Miljødirektoratet"
    assert old.image_credit == "Illustrasjon: Miljødirektoratet/Hyperredink/Uniform"
    assert old.get_status() == EventStatus.PAST
    assert old.first_published_at.date() == datetime.date(2021, 6, 11)
    subs = [q.text for q in old.guiding_questions if q.is_sub_question]
    assert len(subs) == 6
    assert old.get_question_tree()[4]["question"].text == "Kva skal til for å lykkast? F. eks:"

    html = client.get(old.url).content.decode()
    assert "Published" in html and "11 Jun 2021" in html  # English reader
    nynorsk = client.get(old.url, HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    assert "Publisert" in nynorsk and "11.06.2021" in nynorsk  # as the seed: "Publisert 11.06.2021"
    assert "kk-notice--stale" in html
    assert "Kva er klimakrønsj?" in html
    assert re.search(r"F\. eks:\s*<ul>", html)

    current = EventPage.objects.get(slug="klimakronsj")
    assert current.get_status() == EventStatus.OPEN
    assert current.starts_at > old.ends_at
    form_page = ApplicationFormPage.objects.get()
    assert form_page.event_id == current.pk
    assert current.application_page_id == form_page.pk
    assert form_page.privacy_statement_url
    assert ProposalArchivePage.objects.count() == 1
    current_html = client.get(current.url).content.decode()
    assert f'href="{form_page.url}"' in current_html
    assert current.meeting_url not in current_html
