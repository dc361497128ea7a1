"""Settings of the example site: a small Wagtail site with wagtail-klimakronsj installed.

Environment variables (all optional):
  DATABASE_URL-free on purpose: KLIMAKRONSJ_PG_NAME/HOST/PORT/USER/PASSWORD switch to PostgreSQL.
  DJANGO_DEBUG=0 turns debug off (the benchmark does); DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS.
  KLIMAKRONSJ_TASKS=db uses django-tasks-db's worker (`manage.py db_worker`) for email.
  ANYMAIL_BACKEND / ANYMAIL_API_URL point anymail at a provider (default: anymail's test backend
  when DEBUG is on, so nothing leaves the machine).
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
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = False

DEFAULT_FROM_EMAIL = "Klimakrønsj <klimakronsj@example.org>"
WAGTAIL_KLIMAKRONSJ_ORGANISER_EMAILS = ["organiser@example.org"]

# Mail goes through django-anymail. Its test backend keeps messages in memory
# (anymail.message.outbox) unless a real provider is configured.
ANYMAIL = {
    "DEBUG_API_REQUESTS": False,
    # basic-auth credentials the provider's webhook must send ("user:password")
    "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET", "example:not-secret"),
}
_mail_backend = os.environ.get("ANYMAIL_BACKEND", "anymail.backends.test.EmailBackend")
if os.environ.get("ANYMAIL_API_URL"):
    ANYMAIL["POSTMARK_SERVER_TOKEN"] = os.environ.get("ANYMAIL_TOKEN", "local-test-token")
    ANYMAIL["POSTMARK_API_URL"] = os.environ["ANYMAIL_API_URL"]
    ANYMAIL["REQUESTS_TIMEOUT"] = float(os.environ.get("ANYMAIL_TIMEOUT", "3"))
    _mail_backend = "anymail.backends.postmark.EmailBackend"
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": _mail_backend}}
else:
    EMAIL_BACKEND = _mail_backend

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if django.VERSION >= (6, 0):
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if os.environ.get("KLIMAKRONSJ_TASKS") == "db":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif django.VERSION < (6, 0):
    INSTALLED_APPS.append("django_tasks")

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
