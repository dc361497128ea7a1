"""The proposal archive: what the public may see, filters, search and pagination.

The archive page (``pages.ProposalArchivePageMixin``) calls into this module; nothing
here knows about templates. Every list, export (``exports.py``) and feed (``feeds.py``)
starts from :func:`published_proposals`, the one place that decides what the public may
see (live, not behind a view restriction, inside this archive).
"""

import re

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from ..choices import Actor
from ..conf import settings
from ..events.models import GuidingQuestion
from ..params import read_id
from .models import Topic, get_proposal_models

#: Relations every listed proposal needs; fetched in one query each, whatever the count.
LIST_PREFETCH = ("event", "guiding_question", "group")


def published_proposals(model, archive=None):
    """Live proposals the public may see (no view restriction), newest first."""
    queryset = model.objects.live().public()
    if archive is not None:
        queryset = queryset.descendant_of(archive)
    return queryset.order_by("-first_published_at", "-id")


def with_relations(queryset):
    return queryset.select_related(*LIST_PREFETCH).prefetch_related(topics_prefetch())


def topics_prefetch():
    return Prefetch("topics", queryset=Topic.objects.order_by("sort_order", "name"))


def prefetch_for_list(proposals):
    """Load event, question, group and topics of already fetched proposals (search results)."""
    proposals = list(proposals)
    prefetch_related_objects(proposals, *LIST_PREFETCH, topics_prefetch())
    return proposals


# -- the filter form ------------------------------------------------------------------


class ProposalFilterForm(forms.Form):
    """The GET form of the archive. Invalid values are dropped, never an error page."""

    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    edition = forms.TypedChoiceField(
        label=_("Edition"), required=False, coerce=int, empty_value=None
    )
    question = forms.TypedChoiceField(
        label=_("Guiding question"), required=False, coerce=int, empty_value=None
    )
    topic = forms.MultipleChoiceField(
        label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple
    )
    actor = forms.MultipleChoiceField(
        label=_("Who can act"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, data=None, *, editions=(), questions=(), topics=(), actors=()):
        super().__init__(data)
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.fields["edition"].choices = [("", _("All editions"))] + [
            (edition.pk, edition.title) for edition in editions
        ]
        grouped = {}
        titles = {edition.pk: edition.title for edition in editions}
        for question in questions:
            title = titles.get(question.page_id, "")
            grouped.setdefault(title, []).append((question.pk, question.text))
        self.fields["question"].choices = [("", _("All questions"))] + list(grouped.items())
        self.fields["topic"].choices = [(topic.slug, topic.name) for topic in topics]
        self.fields["actor"].choices = list(actors)
        self.topics_by_slug = {topic.slug: topic for topic in topics}

    def filters(self):
        """The valid part of the submitted filters (an invalid field counts as not set)."""
        if not self.is_bound:
            return {"q": "", "edition": None, "question": None, "topic": [], "actor": []}
        self.is_valid()
        cleaned = {}
        for name in self.fields:
            if name in self.errors:
                continue
            cleaned[name] = self.cleaned_data.get(name)
        cleaned["q"] = (cleaned.get("q") or "").strip()
        cleaned["topic"] = [
            self.topics_by_slug[slug]
            for slug in cleaned.get("topic") or []
            if slug in self.topics_by_slug
        ]
        cleaned["actor"] = cleaned.get("actor") or []
        return cleaned

    @property
    def ignored(self):
        """Labels of fields whose submitted value was not understood."""
        return [self.fields[name].label for name in self.errors if name in self.fields]


def filter_form(data, proposals, locale_id):
    """The archive's GET form; its choices are the editions and questions of ``proposals``
    and the topics of the archive's locale."""
    editions = list(
        Page.objects.filter(pk__in=proposals.values("event_id")).order_by(
            "-first_published_at", "title"
        )
    )
    questions = GuidingQuestion.objects.filter(
        pk__in=proposals.values("guiding_question_id")
    ).order_by("page_id", "sort_order", "pk")
    topics = Topic.objects.filter(locale_id=locale_id).order_by("sort_order", "name")
    return ProposalFilterForm(
        data or None,
        editions=editions,
        questions=list(questions),
        topics=list(topics),
        actors=Actor.choices,
    )


def apply_filters(queryset, filters):
    """Narrow ``queryset`` by edition, question, topics (any of them) and who can act."""
    if filters.get("edition"):
        queryset = queryset.filter(event_id=filters["edition"])
    if filters.get("question"):
        queryset = queryset.filter(guiding_question_id=filters["question"])
    if filters.get("topic"):
        through = queryset.model.topics.through
        source = queryset.model.topics.field.m2m_field_name()
        target = queryset.model.topics.field.m2m_reverse_field_name()
        tagged = through.objects.filter(
            **{f"{target}__in": [topic.pk for topic in filters["topic"]]}
        ).values(f"{source}_id")
        # A sub-query on the primary key keeps the filter usable by Wagtail search.
        queryset = queryset.filter(pk__in=tagged)
    if filters.get("actor"):
        queryset = queryset.filter(actor__in=filters["actor"])
    return queryset


def search_words(query):
    """The words of a visitor's query, lower-cased, without punctuation or operators."""
    return [word.lower() for word in re.findall(r"\w+", query or "")][:20]


def search(queryset, query):
    """Full-text search with Wagtail search, keeping the archive's order (newest first).

    Every word must match. Punctuation is dropped so no input can break the search
    backend's query syntax (SQLite FTS5 and PostgreSQL tsquery alike).
    """
    words = search_words(query)
    if not words:
        return queryset
    return queryset.search(" ".join(words), operator="and", order_by_relevance=False)


def is_search_results(results):
    return not isinstance(results, QuerySet)


# -- pagination -----------------------------------------------------------------------


def paginate(results, number, per_page=None):
    """A page of ``results``; a missing, non-numeric, too small or too big number is clamped."""
    if not is_search_results(results):
        results = with_relations(results)
    paginator = Paginator(results, per_page or settings.PROPOSALS_PER_PAGE)
    number = min(read_id(number) or 1, paginator.num_pages)
    page = paginator.page(number)
    if is_search_results(results):
        page.object_list = prefetch_for_list(page.object_list)
    else:
        page.object_list = list(page.object_list)
    return page


# -- proposals of one event -------------------------------------------------------------


def event_proposal_querysets(event, limit=5):
    """The querysets ``proposals_for_event()`` reads: per proposal model, the newest
    ``limit`` public proposals of ``event``."""
    if event is None or event.pk is None:
        return []
    return [
        published_proposals(model).filter(event_id=event.pk)[:limit]
        for model in get_proposal_models()
    ]


def proposals_for_event(event, limit=5):
    """Up to ``limit`` newest public proposals of ``event`` (one query per proposal model)."""
    found = [proposal for rows in event_proposal_querysets(event, limit) for proposal in rows]
    found.sort(
        key=lambda p: (p.first_published_at is not None, p.first_published_at, p.pk), reverse=True
    )
    return found[:limit]


def event_proposals_version(event, limit=5):
    """What ``proposals_for_event(event, limit)`` is chosen from, without loading pages:
    id, URL path and publication times of each proposal of the same querysets (one query
    per proposal model). It changes when one of them is published, unpublished, moved,
    deleted or put behind a view restriction, or another takes its place."""
    fields = ("pk", "url_path", "first_published_at", "last_published_at")
    return [
        row for rows in event_proposal_querysets(event, limit) for row in rows.values_list(*fields)
    ]


def archive_for_proposals(proposals):
    """The archive page holding the first of ``proposals`` (one query), or None."""
    if not proposals:
        return None
    return proposals[0].get_parent()
