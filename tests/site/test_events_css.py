"""The shipped stylesheet styles only the package's own markup and keeps the host's look.

Parsed, not grepped: every selector of every rule (also inside @media) must name a
``kk-`` class; text colours are inherited (the only colours are the custom-property
pairs, which meet WCAG AA in the light and the dark defaults); no fixed widths.
"""

import re
from pathlib import Path

import pytest

import wagtail_klimakronsj

STATIC = Path(wagtail_klimakronsj.__file__).parent / "static/wagtail_klimakronsj/css"
CSS = STATIC / "klimakronsj.css"
SITE_CSS = STATIC / "site.css"


def luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def style_rules(css):
    """``[(at_rules, selector, body)]`` of a stylesheet, @media blocks descended into."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules, stack, start = [], [], 0
    for index, char in enumerate(css):
        if char == "{":
            stack.append(css[start:index].strip())
            start = index + 1
        elif char == "}":
            prelude = stack.pop()
            if not prelude.startswith("@"):
                rules.append((tuple(stack), prelude, css[start:index]))
            start = index + 1
    assert not stack, "unbalanced braces"
    return rules


def selectors(prelude):
    """The complex selectors of a selector list (commas inside :not()/:is() kept)."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def unscoped_selectors(css):
    return [s for _, prelude, _ in style_rules(css) for s in selectors(prelude) if ".kk-" not in s]


@pytest.mark.parametrize("path", [CSS, SITE_CSS], ids=lambda p: p.name)
def test_every_selector_is_under_a_package_class(path):
    assert unscoped_selectors(path.read_text()) == []


@pytest.mark.parametrize(
    "css",
    [
        "body { margin: 0 }",
        "a:visited { color: red }",
        ".kk-event h1, main { padding: 0 }",
        ":root { --kk-accent: red }",
        "@media (max-width: 40rem) { h1 { font-size: 1rem } }",
        ":focus-visible { outline: 0 }",
        "* { box-sizing: border-box }",
    ],
)
def test_the_check_catches_a_bare_selector(css):
    assert unscoped_selectors(css)


def declarations(css, prop):
    found = []
    for at_rules, prelude, body in style_rules(css):
        for name, value in re.findall(r"([-\w]+)\s*:\s*([^;]+)", body):
            if name == prop:
                found.append((at_rules, prelude, value.strip()))
    return found


def test_text_is_never_given_a_colour_of_its_own():
    """Text inherits the host's colour; only the accent pair and fields set one."""
    allowed = {"inherit", "var(--_kk-on-accent)", "var(--_kk-field-fg)"}
    values = {value for _, _, value in declarations(CSS.read_text(), "color")}
    assert values <= allowed, values - allowed
    assert not re.search(r"background(-color)?:\s*#", CSS.read_text())


def custom_defaults(css, dark):
    """``{name: default}`` of the ``--_kk-*`` properties, light or dark."""
    defaults = {}
    for at_rules, _, body in style_rules(css):
        in_dark = any("prefers-color-scheme: dark" in a for a in at_rules)
        if in_dark != dark:
            continue
        for name, public, default in re.findall(
            r"--_kk-([a-z-]+):\s*var\(--kk-([a-z-]+),\s*([^)]+)\)", body
        ):
            assert name == public
            defaults[name] = default.strip()
    return defaults


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_colour_pairs_meet_aa(dark):
    light = custom_defaults(CSS.read_text(), dark=False)
    colours = light | custom_defaults(CSS.read_text(), dark=dark)
    assert contrast(colours["accent"], colours["on-accent"]) >= 4.5
    # text on the page's own background: with the host's colours, nothing to check
    assert colours["surface"] == "transparent"
    assert (colours["field-bg"], colours["field-fg"]) == ("Canvas", "CanvasText")
    if dark:
        # the dark defaults are lighter: bars and borders show on a dark background
        for name in ("accent", "error", "success", "warning"):
            assert luminance(colours[name]) > luminance(light[name]), name


def test_every_colour_can_be_set_by_the_site():
    css = CSS.read_text()
    used = set(re.findall(r"var\(--_kk-([a-z-]+)\)", css))
    assert used <= set(custom_defaults(css, dark=False))
    assert "@media (prefers-color-scheme: dark)" in css


def test_no_fixed_widths():
    """Widths are fluid: only max-/min- limits in rem, never a fixed length above 3rem."""
    for prop in ("width", "height"):
        for _, prelude, value in declarations(CSS.read_text(), prop):
            match = re.fullmatch(r"([\d.]+)(px|rem|em)", value)
            if match:
                size = float(match.group(1)) / (16 if match.group(2) == "px" else 1)
                assert size <= 3, (prelude, prop, value)


def test_focus_and_narrow_screens():
    css = CSS.read_text()
    assert ":focus-visible" in css
    assert not re.search(r"outline:\s*(none|0)", css)
    assert "@media (max-width" in css
    assert ".kk-skip-link:focus" in SITE_CSS.read_text()


def test_default_base_colours_meet_aa():
    css = SITE_CSS.read_text()
    for dark in (False, True):
        values = {}
        for at_rules, _, body in style_rules(css):
            if any("prefers-color-scheme: dark" in a for a in at_rules) == dark or not dark:
                values.update(re.findall(r"--kk-site-([a-z]+):\s*(#[0-9a-f]{6})", body))
        for fg in ("text", "link", "visited"):
            assert contrast(values[fg], values["bg"]) >= 4.5, (dark, fg)
