from django.apps import AppConfig


class BenchsiteConfig(AppConfig):
    name = "bench.benchsite"
    label = "benchsite"
    default_auto_field = "django.db.models.BigAutoField"
