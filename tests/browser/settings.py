"""Settings of the server the browser tests start (a subprocess, see conftest.py).

The test settings plus: a SQLite file and media folder in a temporary directory,
English under /en/, a strict CSP on public pages, no minimum fill time (the robot is
faster than a human), and emails written to files so a test can follow the link in one.
"""

import os

import django

from tests.settings import *  # noqa: F403
from tests.settings import INSTALLED_APPS, MIDDLEWARE

_dir = os.environ["KLIMAKRONSJ_BROWSER_DIR"]

DEBUG = False
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "django.contrib.postgres"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(_dir, "db.sqlite3"),
        "OPTIONS": {"timeout": 20},
    }
}
MEDIA_ROOT = os.path.join(_dir, "media")
ROOT_URLCONF = "tests.browser.urls"
MIDDLEWARE = ["tests.browser.csp.StrictCSPMiddleware", *MIDDLEWARE]
WAGTAILADMIN_BASE_URL = os.environ.get("KLIMAKRONSJ_BROWSER_URL", "http://127.0.0.1")
WAGTAIL_KLIMAKRONSJ_MIN_FILL_SECONDS = 0

_mail_dir = os.path.join(_dir, "mail")
if django.VERSION >= (6, 1):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": _mail_dir},
        }
    }
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = _mail_dir

# Wagtail's autosave POSTs the create form 0.5 s after each change; a robot clicks
# Publish faster than that, so both requests create the page and the second one fails
# on the slug. Editors are slower; the test switches autosave off to stay deterministic.
WAGTAIL_AUTOSAVE_INTERVAL = 0
