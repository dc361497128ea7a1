"""The URLs and inputs of ``test_no_5xx``: every public and admin URL of the package
with the query parameters and POST fields its view reads, and the nasty values.

Run ``pytest tests/security/test_no_5xx.py -k covered -s`` to print the matrix.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse

from tests.apply_helpers import form_data
from tests.desk_helpers import LIST_URL

# -- the inputs ---------------------------------------------------------------------

#: ``label: [value, ...]``, each value already percent-encoded as a browser would send
#: it (several values: the key repeated). ``%ED%A0%80`` is the lone surrogate U+D800
#: encoded as UTF-8 would if it could; ``%FF`` is no UTF-8 at all.
NASTY = {
    "superscript two ²": [quote("²")],
    "circled one ①": [quote("①")],
    "Arabic-Indic three ٣": [quote("٣")],
    "NUL": ["%00"],
    "digit then NUL": ["1%00"],
    "lone surrogate %ED%A0%80": ["%ED%A0%80"],
    "invalid UTF-8 %FF": ["%FF"],
    "40 digits": ["9" * 40],
    "2**63": [str(2**63)],
    "-1": ["-1"],
    "100 kB of digits": ["9" * 100_000],
    "100 kB of text": ["x" * 100_000],
    "repeated key": ["1", "2"],
}

#: Values for the parts of a URL, by the name of the part.
PATH_INPUTS = {
    "int": ["0", "9" * 40, str(2**63), "9" * 5000],
    "str": [quote("²"), "%00", "%ED%A0%80", "%FF", "x" * 5000],
    "slug": [quote("①"), "%00", "%ED%A0%80", "9" * 40],
}


# -- the URLs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One URL: how to build it from the world, what it reads, and a valid request."""

    name: str
    url: object  # world -> path
    get: tuple = ()
    post: tuple | None = None  # None: the view answers no POST
    base_get: object = None  # world -> dict of valid query values
    base_post: object = None  # world -> dict of a valid POST
    admin: bool = False
    path: dict | None = None  # part name -> (kind, world -> path with the part replaced)

    def params(self, world, names):
        return [name.format(**world.ids) for name in names]


#: A query parameter every target gets besides its own: a key no view reads.
COMMON_GET = ("zzz",)

LIST_GET = (
    "event",
    "status__exact",
    "county",
    "municipality",
    "role__exact",
    "submitted_at__gte",
    "submitted_at__lt",
    "submitted_at__day",
    "held_for_review__exact",
    "held_for_review__isnull",
    "q",
    "o",
    "ot",
    "p",
    "e",
    "export",
)
#: The list's own values and one filter of each kind, for the two exports.
EXPORT_GET = (
    "event",
    "municipality",
    "county",
    "q",
    "status__exact",
    "submitted_at__gte",
    "export",
)
ARCHIVE_GET = ("q", "edition", "question", "topic", "actor", "page")
FORM_POST = (
    "full_name",
    "email",
    "phone",
    "municipality",
    "organisation",
    "role",
    "position",
    "interests",
    "accessibility_needs",
    "consent",
    "website",
    "form_token",
    "extra_tal_pa_deltakarar",
    "extra_dato",
    "extra_tidspunkt",
    "extra_kjem_du",
    "extra_ønskje",
    "extra_nettstad",
)
SNIPPET_GET = ("q", "p", "ordering", "locale", "sort_order", "export", "next")
SNIPPET_POST = ("name", "slug", "sort_order", "locale", "next", "action-publish")


def _admin(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def _event_id(w):
    return w.event.pk


def _topic_id(w):
    return w.topic.pk


def _app_id(w):
    return w.application.pk


def _snippet(view, *, with_pk=True, get=("next",), post=None, path=True):
    name = f"wagtailsnippets_wagtail_klimakronsj_topic:{view}"
    return Target(
        name,
        _admin(name, _topic_id) if with_pk else _admin(name),
        get=get,
        post=post,
        base_post=(lambda w: {"name": "Ny tema", "slug": "ny-tema"}) if post else None,
        admin=True,
        path={"pk": ("int", lambda w, v: reverse(name, args=[1]).replace("/1/", f"/{v}/"))}
        if with_pk and path
        else None,
    )


def _chooser(view, *, pk=False, post=None):
    name = f"wagtailsnippetchoosers_wagtail_klimakronsj_topic:{view}"
    return Target(
        name,
        _admin(name, lambda w: str(w.topic.pk)) if pk else _admin(name),
        get=("q", "p", "locale", "multiple", "id", "create_action_label"),
        post=post,
        base_post=(lambda w: {"name": "Valt tema", "slug": "valt-tema"}) if post else None,
        admin=True,
        path={"pk": ("str", lambda w, v: reverse(name, args=["1"]).replace("/1/", f"/{v}/"))}
        if pk
        else None,
    )


def _desk(name, *, fmt=None, **kwargs):
    full = f"wagtail_klimakronsj_desk:{name}"
    args = [_event_id] + ([fmt] if fmt else [])

    def with_part(kind_index):
        def build(w, v):
            parts = [str(w.event.pk)] + ([fmt] if fmt else [])
            parts[kind_index] = v
            return (
                reverse(full, args=[1] + (["FMT"] if fmt else []))
                .replace("/1/", f"/{parts[0]}/")
                .replace("/FMT/", f"/{parts[1]}/" if fmt else "/FMT/")
            )

        return build

    path = {"event_id": ("int", with_part(0))}
    if fmt:
        path["fmt"] = ("str", with_part(1))
    return Target(full, _admin(full, *args), admin=True, path=path, **kwargs)


def _modeladmin(action, **kwargs):
    name = f"wagtail_klimakronsj_application_modeladmin_{action}"
    return Target(
        name,
        _admin(name, _app_id),
        admin=True,
        path={
            "instance_pk": ("slug", lambda w, v: reverse(name, args=[1]).replace("/1/", f"/{v}/"))
        },
        **kwargs,
    )


def form_post(w):
    return form_data(w.form_page, w.event, municipality=str(w.oslo.pk))


TARGETS = [
    # -- public: pages and their routes --------------------------------------------
    Target("page:event", lambda w: w.event.url, get=("feedback",)),
    Target("page:event/ical/", lambda w: w.event.url + "ical/"),
    Target("page:form", lambda w: w.form_page.url, post=FORM_POST, base_post=form_post),
    Target("page:form/receipt/", lambda w: w.form_page.url + "receipt/", get=("t",)),
    Target("page:archive", lambda w: w.archive.url, get=ARCHIVE_GET),
    Target("page:archive/export-csv/", lambda w: w.archive.url + "export-csv/", get=ARCHIVE_GET),
    Target("page:archive/export-json/", lambda w: w.archive.url + "export-json/", get=ARCHIVE_GET),
    Target("page:archive/feed/", lambda w: w.archive.url + "feed/", get=ARCHIVE_GET),
    Target("page:proposal", lambda w: w.proposal.url),
    # -- public: the package's urls.py ------------------------------------------------
    Target(
        "wagtail_klimakronsj:feedback",
        lambda w: reverse("wagtail_klimakronsj:feedback"),
        post=("page", "helpful", "comment", "website"),
        base_post=lambda w: {"page": w.event.pk, "helpful": "yes", "comment": "Fint"},
    ),
    Target(
        "wagtail_klimakronsj:applicant",
        lambda w: reverse("wagtail_klimakronsj:applicant", args=[w.token]),
        get=("withdrawn",),
        post=("confirm",),
        base_post=lambda w: {"confirm": "on"},
        path={"token": ("str", lambda w, v: f"/klimakronsj/application/{v}/")},
    ),
    Target(
        "wagtail_klimakronsj:applicant_renew",
        lambda w: reverse("wagtail_klimakronsj:applicant_renew", args=[w.token]),
        post=("confirm",),
        path={"token": ("str", lambda w, v: f"/klimakronsj/application/{v}/renew/")},
    ),
    Target(
        "wagtail_klimakronsj:applicant_confirm",
        lambda w: reverse("wagtail_klimakronsj:applicant_confirm", args=[w.confirm_token]),
        post=("confirm",),
        path={"token": ("str", lambda w, v: f"/klimakronsj/application/{v}/confirm/")},
    ),
    # -- admin: the organiser's desk ------------------------------------------------------
    Target("wagtail_klimakronsj_desk:home", _admin("wagtail_klimakronsj_desk:home"), admin=True),
    Target(
        "wagtail_klimakronsj_desk:decide",
        _admin("wagtail_klimakronsj_desk:decide"),
        post=("decision", "selected", "confirm", "next"),
        base_post=lambda w: {
            "decision": "accepted",
            "selected": [w.application.pk],
            "next": "/admin/",
        },
        admin=True,
    ),
    Target(
        "wagtail_klimakronsj_desk:personal_data",
        _admin("wagtail_klimakronsj_desk:personal_data"),
        get=("email",),
        post=("email", "action", "confirm"),
        base_post=lambda w: {"email": w.application.email, "action": "export"},
        admin=True,
    ),
    _desk("event"),
    _desk(
        "pool",
        get=("propose", "balance_roles", "per_municipality", "seats"),
        base_get=lambda w: {"propose": "1", "balance_roles": "1"},
    ),
    _desk(
        "groups",
        post=(
            "action",
            "facilitator_name-{group}",
            "facilitator_email-{group}",
            "group-{application}",
        ),
        base_post=lambda w: {
            "action": "save",
            f"facilitator_name-{w.group.pk}": "Fasilitator",
            f"facilitator_email-{w.group.pk}": "fasilitator@example.org",
            f"group-{w.application.pk}": str(w.group.pk),
        },
    ),
    _desk("groups_export", fmt="csv"),
    _desk(
        "attendance",
        post=("present-{session}",),
        base_post=lambda w: {f"present-{w.session.pk}": str(w.application.pk)},
    ),
    _desk("attendance_export", fmt="xlsx"),
    # -- admin: the application list (modeladmin) --------------------------------------
    Target(
        "wagtail_klimakronsj_application_modeladmin_index",
        lambda w: LIST_URL,
        get=LIST_GET,
        base_get=lambda w: {"event": w.event.pk},
        admin=True,
    ),
    Target(
        "wagtail_klimakronsj_application_modeladmin_index (CSV export)",
        lambda w: LIST_URL,
        get=EXPORT_GET,
        base_get=lambda w: {"event": w.event.pk, "export": "csv"},
        admin=True,
    ),
    Target(
        "wagtail_klimakronsj_application_modeladmin_index (XLSX export)",
        lambda w: LIST_URL,
        get=EXPORT_GET,
        base_get=lambda w: {"export": "xlsx"},
        admin=True,
    ),
    _modeladmin("inspect"),
    Target(
        "wagtail_klimakronsj_application_modeladmin_create",
        _admin("wagtail_klimakronsj_application_modeladmin_create"),
        post=("full_name", "email"),
        admin=True,
    ),
    _modeladmin("edit", post=("full_name", "email")),
    _modeladmin("delete", post=("confirm",)),
    # -- admin: page feedback --------------------------------------------------------
    Target(
        "klimakronsj_feedback_index", _admin("klimakronsj_feedback_index"), get=("p",), admin=True
    ),
    Target(
        "klimakronsj_feedback_page",
        _admin("klimakronsj_feedback_page", _event_id),
        get=("p",),
        admin=True,
        path={"page_id": ("int", lambda w, v: f"/admin/klimakronsj/feedback/{v}/")},
    ),
    # -- admin: proposal topics (a snippet) --------------------------------------------
    _snippet("list", with_pk=False, get=SNIPPET_GET),
    _snippet("list_results", with_pk=False, get=SNIPPET_GET),
    _snippet("add", with_pk=False, post=SNIPPET_POST),
    _snippet("edit", post=SNIPPET_POST),
    _snippet("delete", post=("next",)),
    _snippet("usage", get=("p", "q")),
    _snippet("history", get=("p", "action", "user", "timestamp_after", "timestamp_before")),
    _snippet("history_results", get=("p", "action", "user")),
    _snippet("reorder", post=("position",), get=()),
    _snippet("copy", get=("next",)),
    _chooser("choose"),
    _chooser("choose_results"),
    _chooser("chosen", pk=True),
    _chooser("chosen_multiple"),
    _chooser("create", post=("name", "slug", "sort_order", "locale")),
]


def _short(value):
    return value if len(value) <= 20 else f"{len(value)} × {value[0]}"


def describe_matrix():
    lines = ["URL (name or page route) | GET parameters | POST fields | URL parts"]
    for target in TARGETS:
        lines.append(
            " | ".join(
                [
                    target.name + (" [superuser]" if target.admin else ""),
                    ", ".join(target.get + COMMON_GET),
                    ", ".join(target.post + ("zzz",)) if target.post is not None else "-",
                    ", ".join(target.path) if target.path else "-",
                ]
            )
        )
    lines.append("Inputs: " + "; ".join(NASTY))
    lines.append(
        "URL parts: "
        + "; ".join(f"{k}: {', '.join(map(_short, v))}" for k, v in PATH_INPUTS.items())
    )
    return lines
