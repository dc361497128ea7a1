"""``{% klimakronsj_cache key ["part"] %}…{% endklimakronsj_cache %}``: markup rendered once
per key (and part, when one page has several cached parts; the parts of one key are
stored together and read from the cache once per request).

The page computes ``key`` from everything the markup depends on (see
``wagtail_klimakronsj.caching``); an empty key renders as if the tag were not there.
Blocks inside stay overridable: an override is rendered into the cached markup, so it
must depend only on what the key covers (use ``get_content_cache_parts()`` on the page
to add inputs, or return ``None`` from ``get_content_cache_key()`` to switch it off).
The CSRF token is never cached.
"""

from django import template

from ..caching import render_cached

register = template.Library()


class CacheNode(template.Node):
    def __init__(self, nodelist, key, part=None):
        self.nodelist = nodelist
        self.key = key
        self.part = part

    def render(self, context):
        key = self.key.resolve(context)
        part = self.part.resolve(context) if self.part is not None else "content"
        return render_cached(key, self.nodelist.render, context, part=str(part))


@register.tag("klimakronsj_cache")
def do_cache(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes the key and an optional part")
    nodelist = parser.parse(("endklimakronsj_cache",))
    parser.delete_first_token()
    part = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return CacheNode(nodelist, parser.compile_filter(bits[1]), part)
