"""What the application form says when an answer is missing or wrong, and the words
of its municipality filter.

Error messages say what to do (Designsystemet's and GOV.UK's guidance), never only
"This field is required": the core questions have their own, the editor's questions
get one built from their label (``extra_question_messages``).
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

EMAIL_INVALID = _("Enter your email address in the right format, for example name@kommune.no")
TOO_LONG = _("Shorten the answer to at most %(limit_value)d characters (it has %(show_value)d).")


def extra_question_messages(field):
    """The error messages for one of the editor's questions, built from its label."""
    label = field.label
    if field.field_type in ("dropdown", "radio", "multiselect", "checkboxes"):
        required = format_lazy(_("Choose an answer to “{label}”"), label=label)
    elif field.field_type == "checkbox":
        required = format_lazy(_("Tick the box “{label}”"), label=label)
    else:
        required = format_lazy(_("Fill in “{label}”"), label=label)
    messages = {"required": required, "max_length": TOO_LONG}
    if field.field_type == "email":
        messages["invalid"] = EMAIL_INVALID
    elif field.field_type == "number":
        messages["invalid"] = format_lazy(_("Enter a number in “{label}”"), label=label)
    elif field.field_type in ("date", "datetime"):
        messages["invalid"] = format_lazy(
            _("Enter a date in “{label}”, for example 2027-09-22"), label=label
        )
    elif field.field_type == "url":
        messages["invalid"] = format_lazy(
            _("Enter a web address in “{label}”, for example https://kommune.no"), label=label
        )
    return messages


def filter_texts(total):
    """What the filter box of application-form.js says, as ``data-*`` attributes: the
    script has no translations of its own (and no inline script may give it any)."""
    status = ngettext(
        "%(shown)s of %(total)s municipality",
        "%(shown)s of %(total)s municipalities",
        total,
    ) % {"shown": "{shown}", "total": total}
    return {
        "data-kk-filter-label": gettext("Find by name or number"),
        "data-kk-filter-hint": gettext(
            "Type the name or the number of your municipality in the search box, then "
            "choose it in the list. Not from a municipality? Choose 'Another organisation' "
            "at the end of the list."
        ),
        "data-kk-filter-status": status,
    }
