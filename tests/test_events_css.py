"""The shipped event CSS: text colours meet WCAG AA contrast; focus and skip link styled."""

import re
from pathlib import Path

import wagtail_klimakronsj

CSS = Path(wagtail_klimakronsj.__file__).parent / "static/wagtail_klimakronsj/css/klimakronsj.css"


def luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colour_pairs_meet_aa():
    css = CSS.read_text()
    colours = dict(re.findall(r"--kk-([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [
        ("text", "bg"), ("muted", "bg"), ("link", "bg"), ("link-visited", "bg"),
        ("text", "soft"), ("muted", "soft"), ("link", "soft"),
        ("open-fg", "open-bg"), ("wait-fg", "wait-bg"), ("closed-fg", "closed-bg"),
        ("full-fg", "full-bg"), ("info-fg", "info-bg"), ("text", "focus"),
    ]
    for fg, bg in pairs:
        ratio = contrast(colours[fg], colours[bg])
        assert ratio >= 4.5, (fg, bg, ratio)
    assert contrast("#ffffff", colours["link"]) >= 4.5  # button text


def test_focus_and_skip_link():
    css = CSS.read_text()
    assert ":focus-visible" in css
    assert ".kk-skip-link:focus" in css
    assert "@media (max-width" in css
