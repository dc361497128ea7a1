"""The browser-test server's settings, as the second host site (tests/hostsite/).

``WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE`` is the host's base (only a content block), its
own stylesheet is served from here, and its enforcing CSP replaces the test one. With
``KLIMAKRONSJ_HOST_STYLESHEET=0`` in the environment the package's stylesheet is off.
"""

import os
from pathlib import Path

from tests.browser.settings import *  # noqa: F403
from tests.browser.settings import MIDDLEWARE, TEMPLATES

HERE = Path(__file__).resolve().parent

TEMPLATES = [{**TEMPLATES[0], "DIRS": [HERE / "templates"]}]
STATICFILES_DIRS = [HERE / "static"]
MIDDLEWARE = [
    "tests.hostsite.csp.HostCSPMiddleware",
    *(m for m in MIDDLEWARE if m != "tests.browser.csp.StrictCSPMiddleware"),
]
WAGTAIL_KLIMAKRONSJ_BASE_TEMPLATE = "hostsite/base.html"
WAGTAIL_KLIMAKRONSJ_STYLESHEET = os.environ.get("KLIMAKRONSJ_HOST_STYLESHEET", "1") != "0"
