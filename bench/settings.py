"""Settings of the benchmark and the load/fault tests: the example site on PostgreSQL, DEBUG off.

Imports the example site's settings and changes only what a measurement needs:
- the bench-only app ``bench.benchsite`` (bare view, plain Wagtail page, form-builder page);
- a middleware that counts the database queries of each request (``X-Query-Count``);
- the tasks go to django-tasks-db (the production path: a POST queues, a worker sends);
- rate limits raised, because every simulated applicant comes from 127.0.0.1.

Environment: KLIMAKRONSJ_PG_* (set by ``scripts/pg-throwaway``), BENCH_CACHE=db to put
the rate-limit cache (``WAGTAIL_KLIMAKRONSJ_CACHE``) in the database, shared by all
gunicorn workers as Redis would be; the event page's fragments
(``WAGTAIL_KLIMAKRONSJ_PAGE_CACHE``, ``{% wagtailpagecache %}``) stay in each worker's
local memory, the example site's default: they are keyed on ``Page.cache_key`` and hold
nothing that changes between publications. BENCH_SEAT_LOCKING=0 for the control run of
the seat rush (``benchsite.apps`` takes the seat policy's lock away inside the bench's
processes; the package has no setting for it). BENCH_OUTBOX_LOG: see
``benchsite.middleware``.
"""

import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "example_site"))

if not os.environ.get("KLIMAKRONSJ_PG_NAME"):
    raise RuntimeError("bench.settings needs PostgreSQL: set KLIMAKRONSJ_PG_NAME (bench/run does)")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("KLIMAKRONSJ_TASKS", "db")

from example_site.settings import *  # noqa: E402,F403
from example_site.settings import CACHES, DATABASES, INSTALLED_APPS, MIDDLEWARE  # noqa: E402

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-not-secret-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = ["bench.benchsite", *INSTALLED_APPS]
MIDDLEWARE = ["bench.benchsite.middleware.QueryCountMiddleware", *MIDDLEWARE]

# Persistent connections (one backend per worker, so /proc accounting sees them all),
# checked before reuse so a restarted database is reconnected to at the next request.
DATABASES["default"]["CONN_MAX_AGE"] = None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Every simulated applicant posts from 127.0.0.1: the per-IP limit would hold them for review.
WAGTAIL_KLIMAKRONSJ_RATE_LIMIT_PER_IP = (10**9, 3600)
WAGTAIL_KLIMAKRONSJ_RATE_LIMIT_PER_EMAIL = (10**9, 3600)

if os.environ.get("BENCH_CACHE") == "db":
    CACHES = {
        **CACHES,
        "klimakronsj": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "klimakronsj_cache",
        },
    }
    WAGTAIL_KLIMAKRONSJ_CACHE = "klimakronsj"

# Production static files: collectstatic (bench/lib.sh) into a fresh STATIC_ROOT with
# hashed names; a template naming a missing file fails here.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(BENCH_DIR / "results" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "wagtail_klimakronsj": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
