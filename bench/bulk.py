"""Many proposals at once, for the archive benchmark (``bench.seed --proposals N``).

``create_many(archive_page, event, n)`` adds ``n`` live proposals under the archive:
the page rows by ``bulk_create``, each proposal's own row by a raw save (as
``loaddata`` saves a multi-table row whose parent exists), the topics by
``bulk_create``. The page tree stays valid (paths after the last child, depth, the
parent's ``numchild``) and the pages are added to the search index. They get no
revisions: they are for measuring, not for editing.
"""

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from wagtail_klimakronsj.demo.proposals import get_topics
from wagtail_klimakronsj.events.models import GuidingQuestion

WORDS = (
    "klima arealbruk transport bygg energi innkjøp natur plan kommune fylke "
    "samarbeid utslepp fortetting kollektiv sykkel myr skog ombruk lading varme"
).split()


def create_many(archive_page, event, n, *, batch_size=1000, now=None):
    """Add ``n`` live proposals under ``archive_page``, tied to ``event``; returns them.

    For proposal models whose only concrete parent is Wagtail's ``Page`` (the default
    ``ProposalPage`` and most site pages).
    """
    archive_page = Page.objects.get(pk=archive_page.pk)
    model = archive_page.specific.get_proposal_model()
    if model._meta.get_parent_list() != [Page]:
        raise ValueError(f"{model.__name__} has concrete parents besides Page")
    topics = list(get_topics(archive_page.locale).values())
    questions = list(GuidingQuestion.objects.filter(page_id=event.pk)) if event else []
    now = now or timezone.now()
    with transaction.atomic():
        last = archive_page.get_last_child()
        first_step = last._get_lastpos_in_path() + 1 if last else 1
        depth = archive_page.depth + 1
        content_type = ContentType.objects.get_for_model(model)
        proposals = []
        for i in range(n):
            step = first_step + i
            words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(6)]
            slug = f"forslag-{step}-{uuid.uuid4().hex[:6]}"
            published = now - datetime.timedelta(minutes=i)
            proposals.append(
                model(
                    title=f"Forslag {step}: {' '.join(words[:3])}",
                    slug=slug,
                    draft_title=f"Forslag {step}",
                    path=model._get_path(archive_page.path, depth, step),
                    depth=depth,
                    numchild=0,
                    url_path=f"{archive_page.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    content_type=content_type,
                    locale_id=archive_page.locale_id,
                    translation_key=uuid.uuid4(),
                    summary=" ".join(words),
                    body=f"<p>{' '.join(reversed(words))}</p>",
                    first_steps="\n".join(words[:3]),
                    event_id=event.pk if event else None,
                    guiding_question=questions[i % len(questions)] if questions else None,
                    actor=("municipality", "together", "others")[i % 3],
                )
            )
        save_pages(proposals, batch_size)
        if topics:
            through = model.topics.through
            source = model.topics.field.m2m_field_name()
            target = model.topics.field.m2m_reverse_field_name()
            links = []
            for i, proposal in enumerate(proposals):
                for topic in {topics[i % len(topics)].pk, topics[(i * 5 + 2) % len(topics)].pk}:
                    links.append(through(**{f"{source}_id": proposal.pk, f"{target}_id": topic}))
            through.objects.bulk_create(links, batch_size=batch_size)
        Page.objects.filter(pk=archive_page.pk).update(numchild=F("numchild") + n)
        for backend in get_search_backends(with_auto_update=True):
            for start in range(0, n, batch_size):
                backend.add_bulk(model, proposals[start : start + batch_size])
    return proposals


def save_pages(objs, batch_size):
    """Insert pages of a model whose concrete parent is ``Page``: the ``Page`` rows in
    bulk, then each page's own row (a raw save writes that table only, sends no
    search or reference-index updates)."""
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    rows = [Page(**{f.attname: getattr(obj, f.attname) for f in page_fields}) for obj in objs]
    Page.objects.bulk_create(rows, batch_size=batch_size)
    for obj, row in zip(objs, rows, strict=True):
        obj.id = obj.page_ptr_id = row.pk
        obj.save_base(raw=True, force_insert=True)
