"""The archive in the admin (topic snippet, proposal editing) and its stylesheet."""

import json

import pytest
from django.urls import reverse

from wagtail_klimakronsj.models import Topic
from wagtail_klimakronsj.pages.models import ProposalArchivePage, ProposalPage


@pytest.fixture
def archive(root_page):
    archive = ProposalArchivePage(title="Forslagsarkiv")
    root_page.add_child(instance=archive)
    archive.save_revision().publish()
    return archive


def test_topic_snippet_list_and_add(admin_client, db):
    Topic.objects.create(name="Transport", slug="transport", sort_order=1)
    Topic.objects.create(name="Arealbruk", slug="arealbruk", sort_order=0)
    response = admin_client.get(reverse("wagtailsnippets_wagtail_klimakronsj_topic:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Arealbruk") < html.index("Transport")  # the editor's order

    response = admin_client.post(
        reverse("wagtailsnippets_wagtail_klimakronsj_topic:add"), {"name": "Natur", "slug": "natur"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(slug="natur")
    assert topic.locale_id is not None


def test_topic_names_are_unique_per_locale(db):
    from django.db import IntegrityError, transaction

    Topic.objects.create(name="Energi", slug="energi")
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.create(name="Energi", slug="energi-2")


def test_topic_translation_copy(db):
    from wagtail.models import Locale

    topic = Topic.objects.create(name="Innkjøp", slug="innkjop")
    english = Locale.objects.create(language_code="en")
    copy = topic.copy_for_translation(english)
    copy.name = "Procurement"
    copy.save()
    assert copy.translation_key == topic.translation_key
    assert topic.get_translation(english).name == "Procurement"


def test_proposal_add_and_edit_views(admin_client, archive):
    add_url = reverse(
        "wagtailadmin_pages:add", args=("wagtail_klimakronsj_pages", "proposalpage", archive.pk)
    )
    assert admin_client.get(add_url).status_code == 200
    proposal = ProposalPage(title="Eit forslag", summary="Kort", live=False)
    archive.add_child(instance=proposal)
    proposal.save_revision()
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(proposal.pk,)))
    assert response.status_code == 200


def test_admin_preview_of_a_proposal(admin_client, archive):
    proposal = ProposalPage(title="Eit forslag", summary="Kort", live=False)
    archive.add_child(instance=proposal)
    proposal.save_revision()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(proposal.pk,))
    data = {
        "title": "Førehandsvist forslag",
        "slug": "eit-forslag",
        "summary": "Kort samandrag",
        "body": json.dumps({"blocks": [], "entityMap": {}}),
        "first_steps": "Steg ein\nSteg to",
        "actor": "municipality",
        "topics": [],
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.json()["is_valid"] is True
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Førehandsvist forslag" in html
    assert "<ol><li>Steg ein</li><li>Steg to</li></ol>" in html
