"""Settings of ``python -m bench.desk``: the example site on SQLite, DEBUG off.

Imports the example site's settings and changes only what the desk measurement needs:
- SQLite in a file of its own (``BENCH_DESK_DB``, default in the temp directory), never
  PostgreSQL, whatever ``KLIMAKRONSJ_PG_*`` says;
- ``bench.desk_urls``, which adds Wagtail's own ``ModelViewSet`` over the applications
  as the reference list (nothing of it is in the package);
- a fast password hasher (one superuser is made per run).
"""

import os
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "example_site"))

os.environ.pop("KLIMAKRONSJ_PG_NAME", None)  # the example site would switch to PostgreSQL
os.environ["DJANGO_DEBUG"] = "0"
os.environ.pop("KLIMAKRONSJ_TASKS", None)
DESK_DB = os.environ.get(
    "BENCH_DESK_DB", os.path.join(tempfile.gettempdir(), "klimakronsj-desk-bench.sqlite3")
)
os.environ["KLIMAKRONSJ_SQLITE"] = DESK_DB

from example_site.settings import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = "bench-desk-not-secret-" + "x" * 40
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.desk_urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "wagtail_klimakronsj": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
