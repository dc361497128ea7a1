"""Ids, numbers and words from a query string or a POST, read with Django form fields.

``str.isdigit()`` is true for ``²`` and ``①``, which ``int()`` refuses, and for any
number of digits, which the database refuses (SQLite stops at 2**63, an ``integer``
column on PostgreSQL at 2**31). A NUL character reaches PostgreSQL as an error. So
every value a view reads from the request goes through one of these fields, and an
unreadable value is a form error or a 400, never a 500.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils.translation import gettext_lazy as _


def reject_unsafe_characters(value):
    """NUL (which PostgreSQL cannot store) and lone surrogates (which are no text)."""
    if isinstance(value, str) and any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value):
        raise ValidationError(_("Remove the invisible control characters."), code="control")


def has_unsafe_characters(data):
    """Whether any key or value of a ``QueryDict`` holds NUL or a lone surrogate."""
    for key, values in data.lists():
        for text in (key, *values):
            try:
                reject_unsafe_characters(text)
            except ValidationError:
                return True
    return False


def largest_id(model):
    """The largest number the primary key column of ``model`` holds on its database."""
    connection = connections[router.db_for_read(model)]
    return connection.ops.integer_field_range(model._meta.pk.get_internal_type())[1]


class IdField(forms.IntegerField):
    """A row id: a whole number from 1 up to what the id column holds (2**63 - 1 when
    no model is given). Optional unless ``required=True``."""

    def __init__(self, *, model=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", largest_id(model) if model is not None else 2**63 - 1)
        super().__init__(**kwargs)


class IdListField(forms.Field):
    """Several row ids under one key (``?selected=1&selected=2``), as a sorted list."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose from the list.")}

    def __init__(self, *, model=None, **kwargs):
        super().__init__(**kwargs)
        self.id_field = IdField(model=model, required=True)

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, (list, tuple)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return sorted({self.id_field.clean(item) for item in value})
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class TextField(forms.CharField):
    """A line of text without NUL or lone surrogates; optional unless ``required=True``."""

    default_validators = [reject_unsafe_characters]

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def read_id(value, model=None):
    """``value`` as a row id of ``model``, or None when it is none (never an exception)."""
    try:
        return IdField(model=model).clean(value)
    except ValidationError:
        return None
