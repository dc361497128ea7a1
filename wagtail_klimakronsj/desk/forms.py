"""What the organiser's desk reads from a request, as Django forms (``params`` fields).

A value the desk cannot read (``²`` for an id, a number no column holds, a NUL) is a
form error or a 400 page that says so, never a 500.
"""

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from ..compat import get_page_model
from ..groups.editing import NEW_GROUP
from ..models import Application, Municipality, ParticipantGroup
from ..params import (
    IdField,
    IdListField,
    TextField,
    has_unsafe_characters,
    read_id,
    reject_unsafe_characters,
)

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


class NextForm(forms.Form):
    """Where to go back to after a decision: a path or URL of this site only."""

    next = TextField(max_length=2000)

    def __init__(self, request):
        super().__init__(request.POST if "next" in request.POST else request.GET)
        self.request = request

    def clean_next(self):
        target = self.cleaned_data["next"]
        if target and not url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            raise forms.ValidationError(_("Only an address on this site."), code="host")
        return target

    def target(self, fallback):
        """The validated ``next``, else ``fallback``."""
        return (self.is_valid() and self.cleaned_data["next"]) or fallback


GROUP_ACTIONS = ("propose", "save", "confirm", "reopen", "email")


class GroupActionForm(forms.Form):
    """Which button of the groups page was pressed."""

    action = forms.ChoiceField(
        choices=[(a, a) for a in GROUP_ACTIONS],
        error_messages=dict.fromkeys(("required", "invalid_choice"), _("Unknown action.")),
    )


def _facilitator_field(name, field_class, **kwargs):
    model_field = ParticipantGroup._meta.get_field(name)
    return field_class(
        required=False,
        label=model_field.verbose_name,
        max_length=model_field.max_length,
        validators=[reject_unsafe_characters],
        **kwargs,
    )


class GroupsForm(forms.Form):
    """The groups page's "Save changes": a facilitator (name, email) per group, named
    ``facilitator_name-<group>`` and ``facilitator_email-<group>``, and a group choice
    per accepted participant, ``group-<application>`` (a group of the event, "" for no
    group or ``new``). A participant whose choice is not in the POST stays where they
    are; a facilitator field not in the POST is empty, as a browser sends it."""

    def __init__(self, data, *, groups, members):
        super().__init__(data)
        self.groups, self.members = list(groups), list(members)
        choices = [("", _("No group"))]
        choices += [(str(g.pk), str(g)) for g in self.groups]
        choices += [(NEW_GROUP, _("A new group"))]
        for group in self.groups:
            self.fields[f"facilitator_name-{group.pk}"] = _facilitator_field(
                "facilitator_name", TextField
            )
            self.fields[f"facilitator_email-{group.pk}"] = _facilitator_field(
                "facilitator_email", forms.EmailField
            )
        for member in self.members:
            self.fields[f"group-{member.pk}"] = forms.ChoiceField(
                required=False,
                choices=choices,
                error_messages={
                    "invalid_choice": _(
                        "Choose one of this event's groups from the list (reload the page "
                        "if the groups were just proposed anew)."
                    )
                },
            )

    def facilitators(self):
        """``{group pk: (name, email)}``"""
        return {
            g.pk: (
                self.cleaned_data[f"facilitator_name-{g.pk}"],
                self.cleaned_data[f"facilitator_email-{g.pk}"],
            )
            for g in self.groups
        }

    def moves(self):
        """``{application pk: group pk, None or NEW_GROUP}`` for the choices sent."""
        moves = {}
        for member in self.members:
            name = f"group-{member.pk}"
            if name not in self.data:
                continue
            value = self.cleaned_data[name]
            # a valid choice: "" (no group), NEW_GROUP, or a group's pk
            if value == "":
                moves[member.pk] = None
            else:
                moves[member.pk] = value if value == NEW_GROUP else int(value)
        return moves

    def error_list(self):
        """``{field name: first message}`` for the page's error summary."""
        return {name: errors[0] for name, errors in self.errors.items()}


class AttendanceForm(forms.Form):
    """The ticks of the attendance page: for each session ``present-<session>``, the
    accepted participants present at it."""

    def __init__(self, data, *, sessions, participants):
        super().__init__(data)
        self.sessions = list(sessions)
        choices = [(str(a.pk), a.full_name) for a in participants]
        for session in self.sessions:
            self.fields[f"present-{session.pk}"] = forms.MultipleChoiceField(
                required=False,
                choices=choices,
                error_messages={
                    "invalid_choice": _(
                        "Tick only accepted participants of this event at %(session)s "
                        "(reload the page to see who they are now)."
                    )
                    % {"session": str(session).replace("%", "%%")},  # Django formats it again
                    "invalid_list": _("Tick the participants present from the list."),
                },
            )

    def present(self):
        """``{session pk: set of application pks}``"""
        return {
            s.pk: {int(pk) for pk in self.cleaned_data[f"present-{s.pk}"]} for s in self.sessions
        }

    def error_list(self):
        return [message for errors in self.errors.values() for message in errors]
