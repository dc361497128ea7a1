"""Idea-workshop events for Wagtail (Klimakrønsj)."""

__version__ = "0.1.0"
