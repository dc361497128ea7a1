"""Who of an event's accepted participants was present at each session: the rows the
desk's attendance page and sheet show, and recording what the organiser ticked."""

from django.db import transaction

from ..applications.models import Attendance
from .service import accepted_applications


def attendance_rows(event):
    """The sessions, the accepted participants (by name) and one row per participant
    with a cell per session (``present`` or not)."""
    sessions = list(event.sessions)
    participants = list(accepted_applications(event).order_by("full_name", "pk"))
    present = set(
        Attendance.objects.filter(application__event_id=event.pk, present=True).values_list(
            "application_id", "session_id"
        )
    )
    rows = [
        {
            "application": a,
            "cells": [{"session": s, "present": (a.pk, s.pk) in present} for s in sessions],
        }
        for a in participants
    ]
    return sessions, participants, rows


def record_attendance(sessions, participants, present):
    """Store for every participant and session whether they were present
    (``present``: ``{session pk: set of application pks}``)."""
    records = [
        Attendance(application=a, session=s, present=a.pk in present.get(s.pk, ()))
        for s in sessions
        for a in participants
    ]
    with transaction.atomic():
        Attendance.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["application", "session"],
            update_fields=["present", "recorded_at"],
        )
