"""Page slugs keep æ, ø and å, or write them as Norwegians do; never drop them."""

import re
from pathlib import Path

import pytest
import wagtail
from django.test import override_settings

from wagtail_klimakronsj.demo import events as demo
from wagtail_klimakronsj.demo import proposals
from wagtail_klimakronsj.pages.models import ProposalPage
from wagtail_klimakronsj.slugs import NORWEGIAN_LETTERS, page_slug

TITLE = "Lokalt næringsliv med i klimapartnarskap"


def test_unicode_slugs_keep_the_letters():
    with override_settings(WAGTAIL_ALLOW_UNICODE_SLUGS=True):
        assert page_slug(TITLE) == "lokalt-næringsliv-med-i-klimapartnarskap"
        assert page_slug("Ta vare på myr, og å!") == "ta-vare-på-myr-og-å"


def test_ascii_slugs_write_them_as_norwegians_do():
    with override_settings(WAGTAIL_ALLOW_UNICODE_SLUGS=False):
        assert page_slug(TITLE) == "lokalt-naeringsliv-med-i-klimapartnarskap"
        assert page_slug("Økonomiplan for Årdal") == "okonomiplan-for-ardal"
        assert page_slug("Idéverksted") == "ideverksted"
        assert page_slug("Æ" * 100, max_length=80) == "ae" * 40


def test_the_admin_writes_the_letters_the_same_way():
    """Wagtail's admin (the slug field's urlify, WAGTAIL_ALLOW_UNICODE_SLUGS off) maps
    æ, ø, å as the package does; read from the admin's own script."""
    script = Path(wagtail.__file__).parent / "admin/static/wagtailadmin/js/core.js"
    pairs = dict(re.findall(r'\["([æøå])","([a-z]+)"\]', script.read_text(encoding="utf-8")))
    assert pairs == {letter: NORWEGIAN_LETTERS[ord(letter)] for letter in "æøå"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("unicode", "slug"),
    [
        (True, "lokalt-næringsliv-med-i-klimapartnarskap"),
        (False, "lokalt-naeringsliv-med-i-klimapartnarskap"),
    ],
)
def test_the_demo_proposals_get_such_slugs(root_page, unicode, slug):
    with override_settings(WAGTAIL_ALLOW_UNICODE_SLUGS=unicode):
        pages = demo.create()
        proposals.create(pages["archive"], pages["event_2021"])
        page = ProposalPage.objects.get(title=TITLE)
        assert page.slug == slug
        assert not ProposalPage.objects.filter(slug__contains="nringsliv").exists()
        # The demo paths the browser tests use are unchanged.
        assert [pages[k].url for k in ("event_2021", "application_page", "archive")] == [
            "/klimakronsj-2021/",
            "/klimakronsj/sok-om-plass/",
            "/forslag/",
        ]
        # Run again: nothing new, also when the slugs were made differently before.
        ProposalPage.objects.filter(pk=page.pk).update(slug="lokalt-nringsliv")
        assert proposals.create(pages["archive"], pages["event_2021"]) == []
