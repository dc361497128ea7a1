"""The pieces the application form is built from: validators, the municipality list,
the core questions' text fields, and the editor's questions (Wagtail's form builder).

The municipality list (357 options) is rendered without Django's per-option widget
templates: ``MunicipalitySelect`` builds the options HTML with a plain join and marks
the chosen option with one string replace.
"""

import html
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import FormBuilder

from ..models.municipalities import Municipality
from ..params import read_id
from .form_messages import TOO_LONG, extra_question_messages, filter_texts

OTHER_ORGANISATION = "other"

#: C0 and C1 control characters, and the bidirectional overrides and isolates that
#: can disguise text in an email. Tab and newlines are allowed in multi-line answers.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL_CHARS_MULTILINE = re.compile(f"[{_CONTROL}]")
CONTROL_CHARS_LINE = re.compile(f"[{_CONTROL}\t\n\r\u2028\u2029]")


def reject_control_characters(value):
    if isinstance(value, str) and CONTROL_CHARS_LINE.search(value):
        raise ValidationError(_("Remove the invisible control characters."), code="control")


def reject_control_characters_multiline(value):
    if isinstance(value, str) and CONTROL_CHARS_MULTILINE.search(value):
        raise ValidationError(_("Remove the invisible control characters."), code="control")


phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{4,30}$",
    _("Enter a phone number with digits only (a leading + and spaces are fine)."),
    code="phone",
)


# -- the municipality list -------------------------------------------------------


def municipality_rows():
    """Active municipalities as plain tuples (pk, number, name, county), one query."""
    return tuple(
        Municipality.objects.filter(active=True)
        .order_by("county", "name")
        .values_list("pk", "number", "name", "county")
    )


def municipality_options_html(rows):
    """The ``<optgroup>``/``<option>`` HTML for ``rows``, in the active language."""
    escape = html.escape
    placeholder = escape(str(_("Choose your municipality")))
    parts = [f'<option value="">{placeholder}</option>']
    county = None
    for pk, number, name, county_name in rows:
        if county_name != county:
            if county is not None:
                parts.append("</optgroup>")
            group_label = escape(county_name or str(_("Other")))
            parts.append(f'<optgroup label="{group_label}">')
            county = county_name
        parts.append(f'<option value="{pk}">{escape(name)} ({escape(number)})</option>')
    if county is not None:
        parts.append("</optgroup>")
    other_group = escape(str(_("Not a municipality")))
    other_label = escape(str(_("Another organisation (county council, agency, …)")))
    parts.append(f'<optgroup label="{other_group}">')
    parts.append(f'<option value="{OTHER_ORGANISATION}">{other_label}</option>')
    parts.append("</optgroup>")
    return "".join(parts)


class MunicipalitySelect(forms.Widget):
    """A plain ``<select>`` with one ``<optgroup>`` per county, rendered in one join."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.rows = ()

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if final_attrs.get("data-kk-filter"):
            final_attrs.update(filter_texts(len(self.rows)))
        options = municipality_options_html(self.rows)
        if value not in (None, ""):
            needle = f'<option value="{html.escape(str(value))}">'
            options = options.replace(needle, needle[:-1] + " selected>", 1)
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def use_required_attribute(self, initial):
        return True


class MunicipalityField(forms.Field):
    """A municipality's pk (int), or ``OTHER_ORGANISATION`` for "another organisation"."""

    widget = MunicipalitySelect
    default_error_messages = {
        "invalid_choice": _("Choose a municipality from the list, or 'Another organisation'."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows = None

    @property
    def rows(self):
        if self._rows is None:
            self.rows = municipality_rows()
        return self._rows

    @rows.setter
    def rows(self, rows):
        self._rows = rows
        self.widget.rows = rows

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._rows = self._rows
        result.widget.rows = self._rows or ()
        return result

    def to_python(self, value):
        value = (value or "").strip()
        if value in self.empty_values:
            return ""
        if value == OTHER_ORGANISATION:
            return OTHER_ORGANISATION
        pk = read_id(value, Municipality)
        if pk is None or not self.is_active(pk):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return pk

    def is_active(self, pk):
        """From the rows when loaded (rendering), else taken as offered: the database
        decides once, under the event's lock (``seats.apply`` raises
        ``MunicipalityNotOffered``, shown as this field's ``invalid_choice``), so a
        municipality gone or made inactive is never stored."""
        if self._rows is not None:
            return pk in {row[0] for row in self._rows}
        return True

    def prepare_for_render(self):
        self.rows  # noqa: B018  (loads the rows into the widget)


# -- the core questions' text fields -------------------------------------------------


def text_field(
    label, max_length, *, required=True, autocomplete=None, help_text="", missing=None, **attrs
):
    """A one-line answer: a length limit the browser knows too, no control characters."""
    widget_attrs = {"maxlength": max_length, **attrs}
    if autocomplete:
        widget_attrs["autocomplete"] = autocomplete
    messages = {"max_length": TOO_LONG}
    if missing:
        messages["required"] = missing
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages=messages,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs=widget_attrs),
    )


def textarea_field(label, max_length, *, required=True, help_text=""):
    """A multi-line answer (newlines and tabs kept)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG},
        validators=[reject_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": max_length}),
    )


# -- the editor's questions ------------------------------------------------------------


class ExtraQuestionsBuilder(FormBuilder):
    """Wagtail's form builder with length limits, the control-character rule, and error
    messages that name the question (``extra_question_messages``)."""

    def get_field_options(self, field):
        options = super().get_field_options(field)
        options["error_messages"] = extra_question_messages(field)
        return options

    def create_singleline_field(self, field, options):
        options["validators"] = [reject_control_characters]
        options["widget"] = forms.TextInput(attrs={"maxlength": 255})
        return super().create_singleline_field(field, options)

    def create_multiline_field(self, field, options):
        options["max_length"] = 2000
        options["validators"] = [reject_control_characters_multiline]
        options["widget"] = forms.Textarea(attrs={"rows": 5, "maxlength": 2000})
        return super().create_multiline_field(field, options)

    def create_email_field(self, field, options):
        options["max_length"] = 254
        return super().create_email_field(field, options)

    def create_hidden_field(self, field, options):
        options["max_length"] = 255
        options["validators"] = [reject_control_characters]
        return super().create_hidden_field(field, options)
