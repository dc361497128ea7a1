"""The archive as open data: CSV and JSON of the proposals shown, streamed.

Plain values only, no personal data (a group is a name only). Called by the archive
page's ``export-csv/`` and ``export-json/`` routes with the filtered results.
"""

import html
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..conf import settings
from ..exports import csv_response as streamed_csv
from .archive import is_search_results, prefetch_for_list, with_relations

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
