"""The public templates need nothing a strict Content-Security-Policy forbids.

A static check (no browser, always runs): no inline ``<script>`` except JSON-LD data
blocks, no ``<style>`` elements, no ``style=`` attributes, no ``on*=`` handlers, no
``javascript:`` URLs in the templates that render public pages.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "wagtail_klimakronsj" / "templates"
PUBLIC = TEMPLATES / "wagtail_klimakronsj"
PUBLIC_DIRS = ["pages", "includes", "blocks"]
PUBLIC_FILES = ["base.html", "feedback_error.html"]

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
HANDLER_ATTR = re.compile(r"""\son[a-z]+\s*=\s*["'{]""", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def public_templates():
    paths = [PUBLIC / name for name in PUBLIC_FILES if (PUBLIC / name).exists()]
    for directory in PUBLIC_DIRS:
        paths += sorted((PUBLIC / directory).rglob("*.html"))
    return paths


def problems(text):
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group(1)
        if re.search(r"""\bsrc\s*=""", attrs):
            continue  # an external file from 'self'
        if re.search(r"""\btype\s*=\s*["']application/ld\+json["']""", attrs):
            continue  # a data block, never executed
        found.append(f"inline script: {match.group(0)}")
    for pattern, what in (
        (STYLE_TAG, "<style> element"),
        (STYLE_ATTR, "style attribute"),
        (HANDLER_ATTR, "on* event handler attribute"),
        (JS_URL, "javascript: URL"),
    ):
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {what}: {text[match.start() : match.start() + 60]!r}")
    return found


def test_public_templates_exist():
    names = {p.relative_to(PUBLIC).as_posix() for p in public_templates()}
    assert "base.html" in names
    assert "pages/event_page.html" in names
    assert "pages/application_form_page.html" in names


@pytest.mark.parametrize(
    "path", public_templates(), ids=lambda p: p.relative_to(PUBLIC).as_posix()
)
def test_template_is_csp_clean(path):
    assert problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<div style="color: red">',
        '<button onclick="go()">',
        '<a href="javascript:void(0)">',
        "<style>p { color: red }</style>",
    ],
)
def test_the_check_catches(snippet):
    assert problems(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script type="application/ld+json">{"@type": "Event"}</script>',
        "<script src=\"{% static 'x.js' %}\" defer></script>",
        '<p class="kk-online">online</p>',
        '<input data-style="x">',
    ],
)
def test_the_check_allows(snippet):
    assert problems(snippet) == []
