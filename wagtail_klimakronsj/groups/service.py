"""The participant groups of an event: propose them (``grouping``), show them, list
them for a spreadsheet, and record the group emails once each confirmed group is
final. The desk's group page (``desk.views.groups``) calls these."""

from collections import defaultdict

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..applications import seats
from ..applications.models import Application
from ..choices import ApplicationStatus, NotificationKind, Role
from ..mail import messages as notification_texts
from ..mail import outbox
from . import grouping
from .models import ParticipantGroup


def accepted_applications(event):
    """The event's accepted applications (the people to group and to mark present)."""
    return Application.objects.filter(
        event_id=event.pk, status=ApplicationStatus.ACCEPTED
    ).select_related("municipality")


def propose_groups(event):
    """Replace the event's (unconfirmed) groups by a fresh proposal; returns the groups."""
    with transaction.atomic():
        seats.lock_event(event.pk)
        if ParticipantGroup.objects.filter(event_id=event.pk, confirmed_at__isnull=False).exists():
            raise ValueError("confirmed")
        Application.objects.filter(event_id=event.pk, group__isnull=False).update(group=None)
        ParticipantGroup.objects.filter(event_id=event.pk).delete()
        people = [
            grouping.Person(
                id=a.pk,
                municipality=(
                    a.municipality.number
                    if a.municipality_id
                    else "org:" + a.organisation.strip().lower()
                ),
                county=a.municipality.county if a.municipality_id else "",
                role=a.role,
                order=index,
            )
            for index, a in enumerate(accepted_applications(event).order_by("submitted_at", "pk"))
        ]
        groups = []
        for number, members in enumerate(grouping.form_groups(people), start=1):
            group = ParticipantGroup.objects.create(event_id=event.pk, number=number)
            Application.objects.filter(pk__in=[p.id for p in members]).update(group=group)
            groups.append(group)
    return groups


def group_context(event):
    """The event's groups, each with ``member_list``, ``clash`` (two of one municipality)
    and ``irregular`` (not 5–6), and the accepted without a group."""
    groups = list(ParticipantGroup.objects.filter(event_id=event.pk).order_by("number"))
    members = defaultdict(list)
    unassigned = []
    for application in accepted_applications(event).order_by("full_name", "pk"):
        if application.group_id:
            members[application.group_id].append(application)
        else:
            unassigned.append(application)
    for group in groups:
        group.member_list = members.get(group.pk, [])
        municipality_counts = defaultdict(int)
        for member in group.member_list:
            if member.municipality_id:
                municipality_counts[member.municipality_id] += 1
        group.clash = any(n > 1 for n in municipality_counts.values())
        group.irregular = not (grouping.MIN_SIZE <= len(group.member_list) <= grouping.MAX_SIZE)
    # members of other events' groups never show up: the queryset is the event's
    return groups, unassigned


def record_group_emails(event):
    """One GROUP email per member and facilitator of each confirmed group, once each.

    Members get the editor's own "Group placement" text of the event when there is one
    (placeholder ``{group}``), else the default listing their group; facilitators get
    the list of their group.
    """
    groups, _unassigned = group_context(event)
    own_text = notification_texts.get_email_text(event, NotificationKind.GROUP) is not None
    reply_to = notification_texts.organiser_reply_to(event)
    notifications = []
    for group in groups:
        if not group.confirmed_at or not group.member_list:
            continue
        context = {"event": event, "group": group, "members": group.member_list}
        subject = _("Your group at %(event)s") % {"event": event.title}
        for member in group.member_list:
            if member.erased_at or not member.email:
                continue
            member.group = group
            if own_text:
                email = notification_texts.applicant_email(NotificationKind.GROUP, member, event)
                member_subject, body = email.subject, email.body_text
            else:
                member_subject = subject
                body = render_to_string(
                    "wagtail_klimakronsj/admin/emails/group.txt", {**context, "recipient": member}
                )
            email = notification_texts.Email(
                kind=NotificationKind.GROUP,
                to=[member.email],
                reply_to=reply_to,
                subject=member_subject,
                body_text=body,
            )
            notifications.append(
                outbox.written(
                    email,
                    dedupe_key=f"group:{group.pk}:{member.pk}",
                    application=member,
                    group=group,
                )
            )
        if group.facilitator_email:
            body = render_to_string(
                "wagtail_klimakronsj/admin/emails/group.txt",
                {**context, "recipient": None, "facilitator": True},
            )
            email = notification_texts.Email(
                kind=NotificationKind.GROUP,
                to=[group.facilitator_email],
                reply_to=reply_to,
                subject=_("Your group at %(event)s (facilitator)") % {"event": event.title},
                body_text=body,
            )
            key = f"group:{group.pk}:facilitator:{group.facilitator_email.lower()}"
            notifications.append(outbox.written(email, dedupe_key=key, group=group))
    ids = outbox.record(notifications)
    return len(ids)


def group_rows(event):
    """The rows of the groups spreadsheet: each member by group, then those without one."""
    groups, unassigned = group_context(event)
    role_labels = dict(Role.choices)
    for group in groups:
        for member in group.member_list:
            m = member.municipality
            yield [
                group.number,
                str(group),
                group.facilitator_name,
                group.facilitator_email,
                member.full_name,
                member.email,
                m.name if m else member.organisation,
                m.county if m else "",
                role_labels.get(member.role, member.role),
            ]
    for member in unassigned:
        m = member.municipality
        yield [
            "",
            _("No group"),
            "",
            "",
            member.full_name,
            member.email,
            m.name if m else member.organisation,
            m.county if m else "",
            role_labels.get(member.role, member.role),
        ]
