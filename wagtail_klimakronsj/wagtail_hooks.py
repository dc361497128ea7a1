"""Wagtail admin integration. Each concern registers its hooks in its own module."""
