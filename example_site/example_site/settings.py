"""Settings of the example site: a small Wagtail site with wagtail-klimakronsj installed.

Environment variables (all optional):
  DATABASE_URL-free on purpose: KLIMAKRONSJ_PG_NAME/HOST/PORT/USER/PASSWORD switch to PostgreSQL.
  DJANGO_DEBUG=0 turns debug off (the benchmark does); DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS.
  KLIMAKRONSJ_TASKS=db uses django-tasks-db's worker (`manage.py db_worker`) for email
  (example_site/run sets it and starts the worker; without it mail is sent in the request).
  ANYMAIL_BACKEND / ANYMAIL_API_URL point anymail at a provider (default: anymail's test backend
  when DEBUG is on, so nothing leaves the machine); EMAIL_HOST / EMAIL_PORT at an SMTP server.
  KLIMAKRONSJ_MAIL_TIMEOUT (10): seconds any mail connection waits for the server.
  PORT (8000) and KLIMAKRONSJ_HOST (localhost): where the site is served, for absolute links.
"""

import os
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-site-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "home",
    "wagtail_klimakronsj",
    "wagtail_klimakronsj.pages",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "anymail",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

if os.environ.get("KLIMAKRONSJ_PG_NAME"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ["KLIMAKRONSJ_PG_NAME"],
            "HOST": os.environ.get("KLIMAKRONSJ_PG_HOST", ""),
            "PORT": os.environ.get("KLIMAKRONSJ_PG_PORT", ""),
            "USER": os.environ.get("KLIMAKRONSJ_PG_USER", ""),
            "PASSWORD": os.environ.get("KLIMAKRONSJ_PG_PASSWORD", ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,  # reconnect after a database restart
        }
    }
    INSTALLED_APPS.append("django.contrib.postgres")
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("KLIMAKRONSJ_SQLITE", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("KLIMAKRONSJ_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["KLIMAKRONSJ_CACHE_DIR"],
        }
    }

AUTH_PASSWORD_VALIDATORS = []

LANGUAGE_CODE = "nn"
LANGUAGES = [("nn", "Norsk nynorsk"), ("nb", "Norsk bokmål"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("nn", "Norsk nynorsk")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Klimakrønsj (example site)"
# Where the site is served; example_site/run sets the default Site's hostname and port to
# the same (`manage.py example_site_address`), so links in emails and JSON-LD carry the port.
SITE_HOST = os.environ.get("KLIMAKRONSJ_HOST", "localhost")
SITE_PORT = int(os.environ.get("PORT", "8000"))
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL",
    f"http://{SITE_HOST}" + ("" if SITE_PORT == 80 else f":{SITE_PORT}"),
)
WAGTAIL_I18N_ENABLED = False
# Page addresses in ASCII as Norwegian sites write them (æ, ø, å as ae, o, a): the
# admin proposes such slugs to editors, and the demo makes its own the same way.
WAGTAIL_ALLOW_UNICODE_SLUGS = False

DEFAULT_FROM_EMAIL = "Klimakrønsj <klimakronsj@example.org>"
WAGTAIL_KLIMAKRONSJ_ORGANISER_EMAILS = ["organiser@example.org"]

# Mail goes through django-anymail. Its test backend keeps messages in memory
# (anymail.message.outbox) unless a real provider is configured.
ANYMAIL = {
    "DEBUG_API_REQUESTS": False,
    # basic-auth credentials the provider's webhook must send ("user:password")
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "example:not-secret"),
}
# No mail connection waits longer than this for the server (a server that accepts and
# never answers would otherwise hold the worker, or the request, for ever).
MAIL_TIMEOUT = float(os.environ.get("KLIMAKRONSJ_MAIL_TIMEOUT", "10"))
WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT = MAIL_TIMEOUT
_mail_backend = os.environ.get("ANYMAIL_BACKEND", "anymail.backends.test.EmailBackend")
_mail_options = {}
ANYMAIL["REQUESTS_TIMEOUT"] = MAIL_TIMEOUT  # anymail's providers over HTTP
if os.environ.get("ANYMAIL_API_URL"):
    ANYMAIL["POSTMARK_SERVER_TOKEN"] = os.environ.get("ANYMAIL_TOKEN", "local-test-token")
    ANYMAIL["POSTMARK_API_URL"] = os.environ["ANYMAIL_API_URL"]
    ANYMAIL["REQUESTS_TIMEOUT"] = float(os.environ.get("ANYMAIL_TIMEOUT", "3"))
    _mail_backend = "anymail.backends.postmark.EmailBackend"
elif os.environ.get("EMAIL_HOST"):
    _mail_backend = "django.core.mail.backends.smtp.EmailBackend"
    _mail_options = {
        "host": os.environ["EMAIL_HOST"],
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "timeout": MAIL_TIMEOUT,
    }
if django.VERSION >= (6, 1):
    # Django 6.1: MAILERS, the SMTP timeout in OPTIONS
    MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
else:
    # Django 5.2 and 6.0: EMAIL_BACKEND and the EMAIL_* settings
    EMAIL_BACKEND = _mail_backend
    EMAIL_TIMEOUT = MAIL_TIMEOUT
    if _mail_options:
        EMAIL_HOST = _mail_options["host"]
        EMAIL_PORT = _mail_options["port"]

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if django.VERSION >= (6, 0):
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("KLIMAKRONSJ_TASKS") == "db":
    # Mail is sent by `manage.py db_worker` (django-tasks-db, the `worker` extra), never
    # in the request.
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif django.VERSION < (6, 0):
    INSTALLED_APPS.append("django_tasks")  # the tasks API's backport on Django 5.2

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "wagtail_klimakronsj": {"handlers": ["console"], "level": "INFO"},
        # the immediate task backend logs every task at INFO; keep the console readable
        "django.tasks": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}
