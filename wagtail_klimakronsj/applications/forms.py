"""The application form: the core questions every workshop needs, plus the editor's.

The editor's extra questions come from Wagtail's form builder
(``fields.ExtraQuestionsBuilder`` over ``page.get_form_fields()``); their answers are
stored in ``Application.extra_answers`` as ``{clean_name: value}``. The form class is
built for each request, as Wagtail's ``FormMixin.get_form_class()`` does.
"""

import datetime
import decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import Role
from . import spam
from .fields import (
    OTHER_ORGANISATION,
    ExtraQuestionsBuilder,
    MunicipalityField,
    MunicipalitySelect,
    phone_validator,
    reject_control_characters,
    text_field,
    textarea_field,
)
from .form_messages import EMAIL_INVALID, TOO_LONG


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

    full_name = text_field(
        _("Full name"), 200, autocomplete="name", missing=_("Enter your full name")
    )
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
    organisation = text_field(
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
    position = text_field(
        _("Position or sector"),
        200,
        autocomplete="organization-title",
        missing=_("Enter your position or sector"),
        help_text=_("For example 'climate adviser' or 'planning and building'."),
    )
    interests = textarea_field(_("What do you want to work on?"), 2000, required=False)
    accessibility_needs = textarea_field(
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


def build_form_class(form_fields, base=ApplicationForm, builder_class=ExtraQuestionsBuilder):
    """The form class for one page: ``base`` plus one field per extra question (``base``
    itself when the page has none)."""
    extra = builder_class(form_fields).formfields
    if not extra:
        return base
    attrs = {f"{base.extra_prefix}{name}": field for name, field in extra.items()}
    return type("ApplicationFormWithExtraQuestions", (base,), attrs)
