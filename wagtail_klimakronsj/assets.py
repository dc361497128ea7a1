"""What a public page needs in the document besides its content: the stylesheet and
its alternate links (the archive's Atom feed).

Both reach the page without the site editing its base template, which only needs a
``content`` block (``WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE``):

- every page template starts its ``content`` block with ``{% klimakronsj_stylesheet %}``,
  a ``<link rel="stylesheet">`` (allowed in ``<body>``);
- alternate links go out as an HTTP ``Link`` header (``<link rel="alternate">`` is not
  allowed in ``<body>``);
- a base template may also put ``{% load klimakronsj_head %}{% klimakronsj_head %}`` in
  its ``<head>``: the stylesheet and the alternates are then ``<link>`` elements there,
  and the content block adds no second stylesheet link.

A page's context carries one :class:`PageAssets` (``klimakronsj_assets``); the
``<head>`` is rendered before the ``content`` block, so the body knows what the head did.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

from .conf import settings

ASSETS = "klimakronsj_assets"
#: The package's stylesheet, scoped to its own markup (the ``kk-`` classes).
STYLESHEET = "wagtail_klimakronsj/css/klimakronsj.css"


@dataclass(frozen=True)
class Alternate:
    """Another representation of the page: ``<link rel="alternate" …>``."""

    href: str
    type: str
    title: str = ""


@dataclass
class PageAssets:
    alternates: list = field(default_factory=list)
    stylesheet_done: bool = False


def stylesheet_paths():
    """Static paths of the stylesheets to load: ``WAGTAIL_KLIMAKRONSJ_STYLESHEET`` True is
    the package's own, False or None none, a string (or a list of them) the site's own."""
    value = settings.STYLESHEET
    if value is True:
        return [STYLESHEET]
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def page_assets(alternates=()):
    """The ``klimakronsj_assets`` context value of one page render."""
    return PageAssets(alternates=list(alternates))


def stylesheet_links(assets=None):
    """``<link rel="stylesheet">`` elements, once per page render (nothing the second time)."""
    if assets is not None:
        if assets.stylesheet_done:
            return ""
        assets.stylesheet_done = True
    return format_html_join(
        "\n", '<link rel="stylesheet" href="{}">', ((static(path),) for path in stylesheet_paths())
    )


def alternate_links(assets):
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" href="{}"{}>',
        (
            (alt.type, alt.href, format_html(' title="{}"', alt.title) if alt.title else "")
            for alt in assets.alternates
        ),
    )


def link_header_value(alternates):
    """The alternates as an RFC 8288 ``Link`` header; titles as ``title*`` (RFC 8187), so
    Nynorsk letters survive a latin-1 header."""
    parts = []
    for alt in alternates:
        href = quote(str(alt.href), safe="/:?&=%#+;,@!$'()*~")
        part = f'<{href}>; rel="alternate"; type="{alt.type}"'
        if alt.title:
            part += f"; title*=UTF-8''{quote(str(alt.title), safe='')}"
        parts.append(part)
    return ", ".join(parts)


def add_link_header(response):
    """Send the alternates of a page's ``TemplateResponse`` as a ``Link`` header too."""
    context = getattr(response, "context_data", None) or {}
    assets = context.get(ASSETS)
    if assets is not None and assets.alternates:
        value = link_header_value(assets.alternates)
        existing = response.get("Link")
        response["Link"] = f"{existing}, {value}" if existing else value
    return response
