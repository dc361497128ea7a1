"""Test settings. PostgreSQL when KLIMAKRONSJ_TEST_POSTGRES is set (by .ci/run), else SQLite."""

import os

import django

SECRET_KEY = "tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "Europe/Oslo"
LANGUAGE_CODE = "nn"
LANGUAGES = [("nn", "Norsk nynorsk"), ("nb", "Norsk bokmål"), ("en", "English")]
USE_I18N = True

INSTALLED_APPS = [
    "tests.testapp",
    "wagtail_klimakronsj",
    "wagtail_klimakronsj.pages",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_tasks_db",  # tests/applications/test_apply_mail_timeout.py queues mail in the database
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
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
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

if os.environ.get("KLIMAKRONSJ_TEST_POSTGRES"):
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("KLIMAKRONSJ_PG_NAME", "klimakronsj"),
            "HOST": os.environ.get("KLIMAKRONSJ_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("KLIMAKRONSJ_PG_PORT", "5432"),
            "USER": os.environ.get("KLIMAKRONSJ_PG_USER", "postgres"),
            "PASSWORD": os.environ.get("KLIMAKRONSJ_PG_PASSWORD", ""),
        }
    }
    INSTALLED_APPS.append("django.contrib.postgres")
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(os.path.dirname(__file__), "_media")
WAGTAIL_SITE_NAME = "Klimakrønsj tests"
WAGTAILADMIN_BASE_URL = "http://testserver"
DEFAULT_FROM_EMAIL = "Klimakrønsj <klimakronsj@example.org>"
WAGTAIL_KLIMAKRONSJ_ORGANISER_EMAILS = ["organiser@example.org"]

if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if django.VERSION >= (6, 0):
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    INSTALLED_APPS.append("django_tasks")
