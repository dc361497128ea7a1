"""A second host site for the tests: its own base template, stylesheet and CSP.

Not the package's example: a base with only ``{% block content %}`` (no title or
extra_head block, no ``{% klimakronsj_head %}``), a serif font, a light and a dark theme
(``prefers-color-scheme``), a narrow column and a strict enforcing CSP, as a real
agency's site would have. ``settings.py`` serves it for tests/browser/test_host_site.py.
"""
