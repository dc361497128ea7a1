"""Helpers shared by the tests that need a proposal archive (tests/proposals/ and others)."""

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from wagtail_klimakronsj.pages.models import ProposalArchivePage, ProposalPage

ACTORS = ("municipality", "together", "others")


def make_archive(parent, title="Forslagsarkiv"):
    archive = ProposalArchivePage(title=title, intro="<p>Forslag frå Klimakrønsj.</p>")
    parent.add_child(instance=archive)
    archive.save_revision().publish()
    return ProposalArchivePage.objects.get(pk=archive.pk)


def make_proposal(archive, title, *, topics=(), publish=True, when=None, **fields):
    fields.setdefault("summary", f"Samandrag for {title}")
    proposal = ProposalPage(title=title, live=publish, **fields)
    archive.add_child(instance=proposal)
    proposal.topics.set(topics)
    revision = proposal.save_revision()
    if publish:
        revision.publish()
        if when is not None:
            ProposalPage.objects.filter(pk=proposal.pk).update(first_published_at=when)
    return ProposalPage.objects.get(pk=proposal.pk)


def add_proposals(archive, event, n, *, topics=(), questions=()):
    """Add ``n`` live proposals under ``archive`` in a few queries (tests that need many).

    The page rows by ``bulk_create``, each proposal's own row by a raw save (as
    ``loaddata`` does), topics by ``bulk_create``; the tree stays valid and the pages
    are in the search index. Proposal ``i`` has the words "forslag" and "klima", the
    actor ``ACTORS[i % 3]``, and topics and questions taken in turn.
    """
    archive = Page.objects.get(pk=archive.pk)
    last = archive.get_last_child()
    first_step = last._get_lastpos_in_path() + 1 if last else 1
    depth = archive.depth + 1
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(ProposalPage)
    proposals = []
    for i in range(n):
        step = first_step + i
        slug = f"forslag-{step}"
        published = now - datetime.timedelta(minutes=step)
        proposals.append(
            ProposalPage(
                title=f"Forslag {step} om klima",
                draft_title=f"Forslag {step} om klima",
                slug=slug,
                path=ProposalPage._get_path(archive.path, depth, step),
                depth=depth,
                url_path=f"{archive.url_path}{slug}/",
                live=True,
                first_published_at=published,
                last_published_at=published,
                content_type=content_type,
                locale_id=archive.locale_id,
                translation_key=uuid.uuid4(),
                summary=f"Samandrag {step}: klima og plan",
                event=event,
                guiding_question=questions[i % len(questions)] if questions else None,
                actor=ACTORS[i % len(ACTORS)],
            )
        )
    with transaction.atomic():
        fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
        pages = Page.objects.bulk_create(
            [Page(**{f.attname: getattr(p, f.attname) for f in fields}) for p in proposals]
        )
        for proposal, page in zip(proposals, pages, strict=True):
            proposal.id = proposal.page_ptr_id = page.pk
            proposal.save_base(raw=True, force_insert=True)  # this table only, no signals' work
        if topics:
            through = ProposalPage.topics.through
            through.objects.bulk_create(
                through(proposalpage_id=p.pk, topic_id=topics[i % len(topics)].pk)
                for i, p in enumerate(proposals)
            )
        Page.objects.filter(pk=archive.pk).update(numchild=F("numchild") + n)
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(ProposalPage, proposals)
    return proposals
