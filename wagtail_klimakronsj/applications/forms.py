"""The application form: the core questions every workshop needs, plus the editor's.

The editor's extra questions come from Wagtail's form builder
(``wagtail.contrib.forms.forms.FormBuilder`` over ``page.klimakronsj_form_fields``);
their answers are stored in ``Application.extra_answers`` as ``{clean_name: value}``.

The municipality list (357 options) is rendered without Django's per-option widget
templates: ``MunicipalitySelect`` builds the options HTML once per list version and
language with a plain join, and marks the chosen option with one string replace.
"""

import datetime
import decimal
import re
import time
from collections import OrderedDict

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import FormBuilder

from ..choices import Role
from ..models import Municipality
from ..params import read_id
from . import spam
from .form_messages import EMAIL_INVALID, TOO_LONG, extra_question_messages, filter_texts

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

_OPTIONS_CACHE: "OrderedDict[tuple, str]" = OrderedDict()
_OPTIONS_CACHE_SIZE = 16


def municipality_rows():
    """Active municipalities as plain tuples (pk, number, name, county), one query."""
    return tuple(
        Municipality.objects.filter(active=True)
        .order_by("county", "name")
        .values_list("pk", "number", "name", "county")
    )


#: How long this process keeps the set of active municipality ids, in seconds.
ACTIVE_IDS_MAX_AGE = 300
_active_ids = (float("-inf"), frozenset())


def active_municipality_ids():
    """The ids of the active municipalities, read at most every ``ACTIVE_IDS_MAX_AGE``
    seconds in this process (the list changes once a year)."""
    global _active_ids
    read_at, ids = _active_ids
    now = time.monotonic()
    if now - read_at > ACTIVE_IDS_MAX_AGE:
        ids = frozenset(Municipality.objects.filter(active=True).values_list("pk", flat=True))
        _active_ids = (now, ids)
    return ids


def municipality_options_html(rows, language=None):
    """The ``<optgroup>``/``<option>`` HTML for ``rows``, built once per list and language."""
    language = language or get_language() or ""
    key = (language, hash(rows))
    html = _OPTIONS_CACHE.get(key)
    if html is not None:
        _OPTIONS_CACHE.move_to_end(key)
        return html
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
    html = "".join(parts)
    _OPTIONS_CACHE[key] = html
    while len(_OPTIONS_CACHE) > _OPTIONS_CACHE_SIZE:
        _OPTIONS_CACHE.popitem(last=False)
    return html


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
            needle = f'<option value="{escape(value)}">'
            options = options.replace(needle, needle[:-1] + " selected>", 1)
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")  # noqa: S308

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def use_required_attribute(self, initial):
        return True


class MunicipalityField(forms.Field):
    """A municipality's pk (int), or ``None`` for "another organisation"."""

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
        if pk is None or not self._is_active(pk):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return pk

    def _is_active(self, pk):
        """From the rows when loaded (rendering), else from the ids this process keeps
        (``active_municipality_ids``), asking the database only about an id not among
        them. The seat policy checks the id again under the event's lock
        (``seats.MunicipalityNotOffered``), so a list kept from before a municipality
        was made inactive never stores it."""
        if self._rows is not None:
            return pk in {row[0] for row in self._rows}
        if pk in active_municipality_ids():
            return True
        return Municipality.objects.filter(pk=pk, active=True).exists()

    def prepare_for_render(self):
        self.rows  # noqa: B018  (loads the rows into the widget)


# -- the form ---------------------------------------------------------------------


def _text(
    label, max_length, *, required=True, autocomplete=None, help_text="", missing=None, **attrs
):
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


def _textarea(label, max_length, *, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG},
        validators=[reject_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": max_length}),
    )


class ApplicationForm(forms.Form):
    """Core questions; ``page.get_form_class()`` adds the editor's extra questions."""

    #: Field groups rendered as fieldsets, in order: (legend, [field names]).
    #: ``None`` as a name list stands for the editor's extra questions.
    fieldsets = [
        (_("About you"), ["full_name", "email", "phone"]),
        (_("Where you work"), ["municipality", "organisation", "role", "position"]),
        (_("The workshop"), ["interests", "accessibility_needs"]),
        (_("More questions"), None),
        (pgettext_lazy("application form section", "Privacy"), ["consent"]),
    ]
    extra_prefix = "extra_"

    full_name = _text(_("Full name"), 200, autocomplete="name", missing=_("Enter your full name"))
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the receipt and the decision here."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": EMAIL_INVALID,
            "max_length": TOO_LONG,
        },
        validators=[reject_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email", "maxlength": 254}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        error_messages={"max_length": TOO_LONG},
        validators=[reject_control_characters, phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "maxlength": 40}),
    )
    municipality = MunicipalityField(
        label=_("Municipality"),
        help_text=_(
            "The municipalities are listed by county, with the number after the name. "
            "Not from a municipality? Choose 'Another organisation' at the end of the list."
        ),
        error_messages={"required": _("Choose your municipality")},
        widget=MunicipalitySelect(attrs={"autocomplete": "off", "data-kk-filter": "true"}),
    )
    organisation = _text(
        _("Other organisation"),
        200,
        required=False,
        autocomplete="organization",
        help_text=_("Only if you chose 'Another organisation': for example a county council."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your role")},
    )
    position = _text(
        _("Position or sector"),
        200,
        autocomplete="organization-title",
        missing=_("Enter your position or sector"),
        help_text=_("For example 'climate adviser' or 'planning and building'."),
    )
    interests = _textarea(_("What do you want to work on?"), 2000, required=False)
    accessibility_needs = _textarea(
        _("Accessibility needs"),
        1000,
        required=False,
        help_text=_("Tell us what you need to take part, for example captions or an interpreter."),
    )
    consent = forms.BooleanField(
        label=_("I consent to my answers being processed as the privacy statement describes."),
        error_messages={"required": _("You must consent to apply")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"}
        ),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=500, required=False)

    def __init__(self, *args, page=None, event=None, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.page = page
        self.event = event
        self.user = user
        self.token_data = None
        super().__init__(*args, **kwargs)
        privacy_url = getattr(page, "privacy_statement_url", "")
        if privacy_url:
            self.fields["consent"].help_text = format_html(
                '<a href="{}">{}</a>', privacy_url, _("Read the privacy statement")
            )
        if not self.is_bound or not self.data.get("form_token"):
            self.initial["form_token"] = self.new_token()

    # -- the signed hidden field ------------------------------------------------

    def new_token(self, **kwargs):
        return spam.make_form_token(
            getattr(self.page, "pk", None), getattr(self.event, "pk", None), **kwargs
        )

    def clean_form_token(self):
        try:
            if not self.cleaned_data.get("form_token"):
                raise spam.BadFormToken("missing")
            self.token_data = spam.read_form_token(
                self.cleaned_data["form_token"],
                getattr(self.page, "pk", None),
                getattr(self.event, "pk", None),
            )
        except spam.BadFormToken as exc:
            # Render a fresh token, so sending the corrected form again works.
            self.data = self.data.copy()
            self.data["form_token"] = self.new_token()
            raise ValidationError(
                _("The form had expired or was changed. Check your answers and send it again."),
                code="token",
            ) from exc
        return self.cleaned_data["form_token"]

    # -- rules across fields ----------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        municipality = cleaned.get("municipality")
        if municipality == OTHER_ORGANISATION:
            if not cleaned.get("organisation"):
                self.add_error(
                    "organisation",
                    ValidationError(
                        _("Name your organisation, since you chose 'Another organisation'."),
                        code="required",
                    ),
                )
        elif municipality:
            cleaned["organisation"] = ""
        return cleaned

    # -- what the page and the workflow need -------------------------------------

    @property
    def extra_fields(self):
        return [self[name] for name in self.fields if name.startswith(self.extra_prefix)]

    def get_fieldsets(self):
        """``[(legend, [bound fields])]`` for the template, the extra questions included."""
        result = []
        for legend, names in self.fieldsets:
            fields = (
                self.extra_fields if names is None else [self[n] for n in names if n in self.fields]
            )
            if fields:
                result.append((legend, fields))
        return result

    def hold_reasons(self, now=None):
        return spam.hold_reasons(self.cleaned_data.get(spam.HONEYPOT_FIELD), self.token_data, now)

    def extra_answers(self):
        answers = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(self.extra_prefix):
                answers[name[len(self.extra_prefix) :]] = _json_value(value)
        return answers

    def application_fields(self):
        """Field values for ``Application`` (without event, status and spam flags)."""
        data = self.cleaned_data
        municipality = data.get("municipality")
        return {
            "full_name": data["full_name"],
            "email": data["email"].strip(),
            "phone": data.get("phone", ""),
            "municipality_id": municipality if isinstance(municipality, int) else None,
            "organisation": data.get("organisation", ""),
            "role": data["role"],
            "position": data.get("position", ""),
            "interests": data.get("interests", ""),
            "accessibility_needs": data.get("accessibility_needs", ""),
            "extra_answers": self.extra_answers(),
        }

    def prepare_for_render(self):
        """Set ``aria-describedby`` to each field's hint and error, load the municipalities."""
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_hint")
            if self.is_bound and bound.errors:
                ids.append(f"{bound.auto_id}_error")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)
            if isinstance(field, MunicipalityField):
                field.prepare_for_render()
        return self


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


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


def build_form_class(form_fields, base=ApplicationForm, builder_class=ExtraQuestionsBuilder):
    """The form class for one page: ``base`` plus one field per extra question."""
    extra = builder_class(form_fields).formfields
    attrs = {f"{base.extra_prefix}{name}": field for name, field in extra.items()}
    return type("ApplicationFormWithExtraQuestions", (base,), attrs)
