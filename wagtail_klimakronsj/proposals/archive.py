"""The proposal archive: filters, search, pagination, open data and the feed.

The archive page (``ProposalArchivePageMixin``) calls into this module; nothing here
knows about templates. Every list, export and feed starts from
:func:`published_proposals`, the one place that decides what the public may see
(live, not behind a view restriction, inside this archive).
"""

import html
import json
import re

from django import forms
from django.apps import apps
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..conf import settings
from ..params import read_id

#: Relations every listed proposal needs; fetched in one query each, whatever the count.
LIST_PREFETCH = ("event", "guiding_question", "group")


def get_proposal_models():
    """Every concrete proposal page model of the project (usually one)."""
    from ..models import ProposalPageMixin

    return [
        model
        for model in apps.get_models()
        if issubclass(model, ProposalPageMixin) and not model._meta.abstract
    ]


def published_proposals(model, archive=None):
    """Live proposals the public may see (no view restriction), newest first."""
    queryset = model.objects.live().public()
    if archive is not None:
        queryset = queryset.descendant_of(archive)
    return queryset.order_by("-first_published_at", "-id")


def with_relations(queryset):
    return queryset.select_related(*LIST_PREFETCH).prefetch_related(topics_prefetch())


def topics_prefetch():
    from ..models import Topic

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


# -- open data ------------------------------------------------------------------------

EXPORT_FIELDS = (
    ("id", _("id")),
    ("title", _("title")),
    ("url", _("web address")),
    ("summary", _("summary")),
    ("body", _("proposal")),
    ("first_steps", _("concrete first steps")),
    ("guiding_question", _("guiding question")),
    ("topics", _("topics")),
    ("actor", _("who can act (code)")),
    ("actor_label", _("who can act")),
    ("edition", _("edition")),
    ("edition_url", _("edition web address")),
    ("group", _("group")),
    ("first_published_at", _("first published")),
    ("last_published_at", _("last published")),
)


def plain_text(rich_text):
    return html.unescape(strip_tags(rich_text or "")).strip()


def proposal_record(proposal, request=None):
    """One proposal as open data: plain values, no personal data (a group is a name only)."""
    event = proposal.event
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "url": proposal.get_full_url(request),
        "summary": proposal.summary,
        "body": plain_text(proposal.body),
        "first_steps": proposal.get_first_steps(),
        "guiding_question": proposal.guiding_question.text if proposal.guiding_question else "",
        "topics": [topic.name for topic in proposal.topics.all()],
        "actor": proposal.actor,
        "actor_label": str(proposal.get_actor_display()),
        "edition": event.title if event else "",
        "edition_url": (event.get_full_url(request) or "") if event and event.live else "",
        "group": str(proposal.group) if proposal.group else "",
        "first_published_at": proposal.first_published_at,
        "last_published_at": proposal.last_published_at,
    }


def iter_proposals(results, chunk_size=None):
    """Every proposal of ``results`` with its relations, fetched ``chunk_size`` at a time."""
    chunk_size = chunk_size or settings.EXPORT_CHUNK_SIZE
    if not is_search_results(results):
        yield from with_relations(results).iterator(chunk_size=chunk_size)
        return
    start = 0
    while True:
        chunk = prefetch_for_list(results[start : start + chunk_size])
        yield from chunk
        if len(chunk) < chunk_size:
            return
        start += chunk_size


def csv_response(results, filename, request=None):
    from ..exports import csv_response as streamed_csv

    header = [str(label) for _name, label in EXPORT_FIELDS]

    def rows():
        for proposal in iter_proposals(results):
            record = proposal_record(proposal, request)
            record["first_steps"] = "\n".join(record["first_steps"])
            record["topics"] = "; ".join(record["topics"])
            yield [record[name] for name, _label in EXPORT_FIELDS]

    response = streamed_csv(filename, header, rows())
    response["X-Content-Type-Options"] = "nosniff"
    return response


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _json(value):
    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)


def json_response(results, filename, request=None):
    """A JSON array streamed one proposal at a time (``<``, ``>``, ``&`` escaped)."""

    def chunks():
        yield "["
        for index, proposal in enumerate(iter_proposals(results)):
            yield ("," if index else "") + "\n" + _json(proposal_record(proposal, request))
        yield "\n]\n"

    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks()),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_filename(archive, extension):
    return f"{slugify(archive.slug) or 'proposals'}.{extension}"


# -- the feed ---------------------------------------------------------------------------


class ProposalFeed(Feed):
    """An Atom feed of the newest proposals of an archive (following the current filters)."""

    feed_type = Atom1Feed
    limit = 50

    def __init__(self, archive, results):
        super().__init__()
        self.archive = archive
        self.results = results

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.archive.title

    def link(self):
        return self.archive.get_full_url(self.request)

    def feed_url(self):
        return self.request.build_absolute_uri()

    def subtitle(self):
        return _("New proposals from the Klimakrønsj workshops")

    def items(self):
        return prefetch_for_list(self.results[: self.limit])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


# -- proposals of one event -------------------------------------------------------------


def proposals_for_event(event, limit=5):
    """Up to ``limit`` newest public proposals of ``event`` (one query per proposal model)."""
    if event is None or event.pk is None:
        return []
    found = []
    for model in get_proposal_models():
        found += list(published_proposals(model).filter(event_id=event.pk)[:limit])
    found.sort(
        key=lambda p: (p.first_published_at is not None, p.first_published_at, p.pk), reverse=True
    )
    return found[:limit]


def archive_for_proposals(proposals):
    """The archive page holding the first of ``proposals`` (one query), or None."""
    if not proposals:
        return None
    return proposals[0].get_parent()
