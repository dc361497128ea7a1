"""The pages inside a host's base template that has a content block and nothing else.

The host bases are in tests/hostsite/templates/: ``hostsite/base.html`` (no head hook,
no title or extra_head block), ``hostsite/base_with_head.html`` (``{% klimakronsj_head %}``
in its head) and ``hostsite/no_content.html`` (no content block: a check error).
"""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.template import Context, Template

from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.assets import Alternate, link_header_value
from wagtail_klimakronsj.checks import check_base_template, check_settings
from wagtail_klimakronsj.pages.models import EventPage, ProposalArchivePage, ProposalPage

HOST_TEMPLATES = Path(__file__).resolve().parents[1] / "hostsite" / "templates"
STYLESHEET = '<link rel="stylesheet" href="/static/wagtail_klimakronsj/css/klimakronsj.css">'
PUBLIC = Path(__file__).resolve().parents[2] / "wagtail_klimakronsj/templates/wagtail_klimakronsj"


@pytest.fixture
def host(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [HOST_TEMPLATES]}]
    settings.WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE = "hostsite/base.html"
    cache.clear()  # the event page's parts are cached per page version
    yield settings
    cache.clear()


@pytest.fixture
def archive(root_page):
    archive = ProposalArchivePage(title="Forslagsarkiv", slug="forslag")
    root_page.add_child(instance=archive)
    archive.save_revision().publish()
    proposal = ProposalPage(title="Klimabudsjett", summary="Kort")
    archive.add_child(instance=proposal)
    proposal.save_revision().publish()
    return archive


def split(html):
    head, _, body = html.partition("</head>")
    return head, body


def main(html):
    return re.search(r"<main[^>]*>(.*)</main>", html, re.S).group(1)


def test_event_and_form_page_link_the_stylesheet_in_the_content(host, client, form_page):
    for url in (form_page.event.url, form_page.url):
        html = client.get(url).content.decode()
        assert html.count(STYLESHEET) == 1, url
        assert STYLESHEET in main(html)  # the host's head has no block for it
        assert "host.css" not in main(html)


def test_archive_feed_in_a_link_header_and_not_in_the_body(host, client, archive):
    response = client.get(archive.url + "?q=klima")
    html = response.content.decode()
    assert response["Link"] == (
        f'<{archive.url}feed/?q=klima>; rel="alternate"; type="application/atom+xml"; '
        "title*=UTF-8''Forslagsarkiv%3A%20nye%20forslag"
    )
    assert 'rel="alternate"' not in html  # not allowed in <body>; no head hook
    assert html.count(STYLESHEET) == 1
    assert STYLESHEET in main(html)


def test_a_head_hook_gets_the_stylesheet_and_the_feed_once(host, client, archive, form_page):
    host.WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE = "hostsite/base_with_head.html"
    html = client.get(archive.url).content.decode()
    head, body = split(html)
    assert html.count(STYLESHEET) == 1 and STYLESHEET in head
    assert re.search(
        rf'<link rel="alternate" type="application/atom\+xml" href="{archive.url}feed/" '
        r'title="Forslagsarkiv: nye forslag">',
        head,
    )
    for url in (form_page.event.url, form_page.url):
        head, body = split(client.get(url).content.decode())
        assert STYLESHEET in head and STYLESHEET not in body, url
    proposal = archive.get_children().get()
    head, body = split(client.get(proposal.url).content.decode())
    assert STYLESHEET in head and STYLESHEET not in body


def test_the_default_base_links_it_in_the_head(client, archive, event):
    for url in (archive.url, event.url):
        head, body = split(client.get(url).content.decode())
        assert STYLESHEET in head and STYLESHEET not in body
        assert "/static/wagtail_klimakronsj/css/site.css" in head
    head, body = split(client.get(archive.url).content.decode())
    assert head.count('rel="alternate"') == 1 and 'rel="alternate"' not in body


def test_the_head_tag_renders_nothing_on_other_pages():
    html = Template("{% load klimakronsj_head %}{% klimakronsj_head %}").render(Context({}))
    assert html.strip() == ""


def test_stylesheet_switched_off(host, client, form_page, archive):
    host.WAGTAIL_KLIMAKRONSJ_STYLESHEET = False
    for url in (form_page.event.url, form_page.url, archive.url):
        assert "klimakronsj.css" not in client.get(url).content.decode(), url
    host.WAGTAIL_KLIMAKRONSJ_STYLESHEET = "mysite/klimakronsj.css"
    assert '<link rel="stylesheet" href="/static/mysite/klimakronsj.css">' in main(
        client.get(form_page.url).content.decode()
    )


def test_embedded_form_on_a_host_page_links_the_stylesheet(host, rf, form_page):
    event = EventPage.objects.get(pk=form_page.event_id)
    request = rf.get("/")
    html = Template(
        "{% load klimakronsj_apply %}{% klimakronsj_application_form event %}"
    ).render(Context({"event": event, "request": request}))
    assert 'class="kk-form"' in html
    assert html.count(STYLESHEET) == 1


def test_embedded_form_on_the_event_page_links_it_once(host, client, root_page):
    event = make_event(root_page, title="Med skjema", embed_application_form=True)
    make_form_page(root_page, event, title="Skjema", slug="skjema")
    html = client.get(event.url).content.decode()
    assert 'class="kk-form"' in html
    assert html.count(STYLESHEET) == 1


def test_honeypots_hidden_by_the_hidden_attribute(host, client, form_page):
    for url in (form_page.url, form_page.event.url):
        html = client.get(url).content.decode()
        wrappers = re.findall(r'<(?:div|p) class="kk-hp"[^>]*>', html)
        assert wrappers, url
        for wrapper in wrappers:
            assert " hidden" in wrapper and 'aria-hidden="true"' in wrapper
        for field in re.findall(r'<input[^>]*name="website"[^>]*>', html):
            assert 'tabindex="-1"' in field
            assert 'autocomplete="off"' in field
            assert 'aria-hidden="true"' in field


def test_link_header_encodes_titles():
    value = link_header_value([Alternate("/a/feed/?q=æ", "application/atom+xml", "Æ, ø og å")])
    value.encode("latin-1")
    assert value == (
        '</a/feed/?q=%C3%A6>; rel="alternate"; type="application/atom+xml"; '
        "title*=UTF-8''%C3%86%2C%20%C3%B8%20og%20%C3%A5"
    )


# -- the system check of the base template ---------------------------------------------


def check_ids(template, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [HOST_TEMPLATES]}]
    settings.WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE = template
    return [message.id for message in check_base_template()]


@pytest.mark.parametrize(
    ("template", "ids"),
    [
        ("wagtail_klimakronsj/base.html", []),
        ("hostsite/base_with_head.html", []),
        ("hostsite/base.html", ["wagtail_klimakronsj.I001"]),
        ("hostsite/no_content.html", ["wagtail_klimakronsj.E006"]),
        ("hostsite/missing.html", ["wagtail_klimakronsj.E005"]),
        # a base that extends another: the blocks of its parent count
        ("wagtailadmin/base.html", ["wagtail_klimakronsj.I001"]),
    ],
)
def test_base_template_check(settings, template, ids):
    assert check_ids(template, settings) == ids


def test_base_template_check_messages_say_what_to_do(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [HOST_TEMPLATES]}]
    settings.WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE = "hostsite/no_content.html"
    (error,) = check_base_template()
    assert "{% block content %}" in error.msg and "{% block content %}" in error.hint
    settings.WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE = "hostsite/base.html"
    (info,) = check_base_template()
    assert "Link header" in info.msg
    assert "{% klimakronsj_head %}" in info.hint and "<head>" in info.hint


@pytest.mark.parametrize(
    ("value", "ok"),
    [(True, True), (False, True), ("a.css", True), (["a.css", "b.css"], True), (1, False), ([""], False)],
)
def test_stylesheet_setting_check(settings, value, ok):
    settings.WAGTAIL_KLIMAKRONSJ_STYLESHEET = value
    ids = [m.id for m in check_settings()]
    assert ("wagtail_klimakronsj.E007" not in ids) == ok


# -- block.super ----------------------------------------------------------------------

OVERRIDES_ALLOWED = {"content", "title"}  # the page's own content and title


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PUBLIC.rglob("*.html") if "{% extends base_template" in p.read_text()),
    ids=lambda p: p.relative_to(PUBLIC).as_posix(),
)
def test_no_host_block_overridden_without_block_super(path):
    """A page template replaces only the content (and title) of the host's base; any other
    block of the host (extra_head, extra_js …) may hold the host's own markup."""
    text = path.read_text()
    depth, name, start = 0, None, 0
    for match in re.finditer(r"{%\s*(block|endblock)\b\s*(\w*)[^%]*%}", text):
        if match.group(1) == "block":
            if depth == 0:
                name, start = match.group(2), match.end()
            depth += 1
            continue
        depth -= 1
        if depth == 0 and name not in OVERRIDES_ALLOWED:
            assert "block.super" in text[start : match.start()], name
