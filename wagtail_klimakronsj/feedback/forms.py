"""The "Did you find what you were looking for?" form, shown by ``{% feedback_form %}``
and posted to ``views.feedback_view``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..applications.form_messages import TOO_LONG
from ..params import IdField

THANKS_PARAMETER = "feedback"
ANCHOR = "kk-feedback"


class FeedbackForm(forms.Form):
    page = IdField(required=True, widget=forms.HiddenInput)
    helpful = forms.TypedChoiceField(
        label=_("Did you find what you were looking for?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose Yes or No"),
            "invalid_choice": _("Choose Yes or No"),
        },
    )
    comment = forms.CharField(
        label=_("What were you looking for? (optional)"),
        help_text=_("Do not write personal information. We cannot answer here."),
        required=False,
        max_length=1000,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
    # Honeypot: its wrapper has the hidden attribute (no CSS needed), the field is out of
    # the tab order and the accessibility tree; people never see it, robots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(
            attrs={"tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"}
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "kk-feedback-%s")
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs["aria-describedby"] = "kk-feedback-comment-help"

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))
