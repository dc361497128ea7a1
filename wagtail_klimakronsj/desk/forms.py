"""What the organiser's desk reads from a request, as Django forms (``params`` fields).

A value the desk cannot read (``²`` for an id, a number no column holds, a NUL) is a
form error or a 400 page that says so, never a 500.
"""

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..compat import get_page_model
from ..models import Application, Municipality
from ..params import IdField, IdListField, TextField, has_unsafe_characters, read_id

#: Longest search the application list accepts (SQLite refuses a LIKE pattern over
#: 50 000 bytes; no name or email is longer than this).
MAX_SEARCH_LENGTH = 200


class ApplicationListQuery(forms.Form):
    """The application list's own query values (``event`` and ``municipality`` are
    added per request: the page model is swappable); the rest are modeladmin's."""

    county = TextField(max_length=100)
    q = TextField(max_length=MAX_SEARCH_LENGTH)

    def __init__(self, data):
        super().__init__(data)
        self.fields["event"] = IdField(model=get_page_model())
        self.fields["municipality"] = IdField(model=Municipality)

    def clean(self):
        if has_unsafe_characters(self.data):
            raise forms.ValidationError(_("Remove the invisible control characters."))
        return super().clean()


def bad_list_query(request, list_url):
    """The 400 page of a list address with a value the list cannot read."""
    return TemplateResponse(
        request,
        "wagtail_klimakronsj/admin/bad_query.html",
        {"list_url": list_url},
        status=400,
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=())
    selected = IdListField(model=Application)
    confirm = forms.BooleanField(required=False)

    def __init__(self, data, *, decisions):
        super().__init__(data)
        self.fields["decision"].choices = list(decisions.items())


class PoolForm(forms.Form):
    """The fair-selection proposal's settings (a GET form)."""

    propose = forms.BooleanField(required=False)
    balance_roles = forms.BooleanField(required=False)
    per_municipality = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            _("The number per municipality must be a whole number of 1 or more."),
        ),
    )
    seats = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=1_000_000,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), _("The number of seats must be a whole number.")
        ),
    )


class PersonalDataForm(forms.Form):
    """An access or erasure request: the email address, and what to do."""

    email = TextField(max_length=320)
    action = forms.ChoiceField(required=False, choices=[("export", "export"), ("erase", "erase")])
    confirm = forms.BooleanField(required=False)


class IdInUrlMixin:
    """For modeladmin's instance views: an ``instance_pk`` that is no id (``①`` matches
    the URL pattern's ``\\w``) is a 404, not a ValueError from the database."""

    def __init__(self, model_admin, instance_pk):
        if read_id(instance_pk, model_admin.model) is None:
            raise Http404
        super().__init__(model_admin, instance_pk)
