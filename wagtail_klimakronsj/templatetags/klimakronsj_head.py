"""What the package's pages need in the document's ``<head>`` (optional)::

    {% load klimakronsj_head %}
    <head>
      …
      {% klimakronsj_head %}
    </head>

On a page of the package it renders the stylesheet and the alternate links (the
archive's Atom feed); on any other page, nothing. Without it the pages still work: the
stylesheet link comes at the start of the ``content`` block and the alternates as an
HTTP ``Link`` header (see ``wagtail_klimakronsj.assets``).

``{% klimakronsj_stylesheet %}`` is the part the package's own templates put in the
``content`` block; it adds nothing when ``{% klimakronsj_head %}`` has already.
"""

from django import template
from django.utils.html import format_html

from ..assets import ASSETS, alternate_links, stylesheet_links

register = template.Library()


@register.simple_tag(takes_context=True)
def klimakronsj_head(context):
    assets = context.get(ASSETS)
    if assets is None:
        return ""
    return format_html("{}\n{}", stylesheet_links(assets), alternate_links(assets))


@register.simple_tag(takes_context=True)
def klimakronsj_stylesheet(context):
    return stylesheet_links(context.get(ASSETS))
