"""Every choice the package stores or shows: event format, seat policy, statuses, roles,
email kinds, actors. Imports nothing of the package, so any module may use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventFormat(models.TextChoices):
    DIGITAL = "digital", _("Digital")
    PHYSICAL = "physical", _("Physical")
    HYBRID = "hybrid", _("Hybrid (digital and physical)")


class SeatPolicy(models.TextChoices):
    REVIEW = "review", _("Review: the organiser decides every application")
    FIRST_COME = "first_come", _("First come: accepted while seats are left, then a waiting list")


class EventStatus(models.TextChoices):
    NOT_YET_OPEN = "not_yet_open", _("Not yet open for applications")
    OPEN = "open", _("Open for applications")
    WAITING_LIST = "waiting_list", _("Waiting list only")
    FULL = "full", _("Full")
    CLOSED = "closed", _("Applications closed")
    IN_PROGRESS = "in_progress", _("In progress")
    PAST = "past", _("Past")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    UNCONFIRMED = "unconfirmed", _("Seat held until the email is confirmed")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("On the waiting list")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Email not confirmed in time")


#: The statuses that take a seat: accepted, and held for an applicant who has still to
#: confirm their email address (``EventPageMixin.confirm_email``).
SEAT_HOLDING = (ApplicationStatus.ACCEPTED, ApplicationStatus.UNCONFIRMED)


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    ELECTED = "elected", _("Elected official")
    OTHER = "other", _("Other")


class NotificationKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt to the applicant")
    ORGANISER_NOTICE = "organiser_notice", _("Notice to the organiser")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waiting list")
    DECLINED = "declined", _("Declined")
    PROMOTED = "promoted", _("Promoted from the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawal confirmed")
    MANAGE_LINK = "manage_link", _("New link to the applicant's page")
    GROUP = "group", _("Group placement")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Actor(models.TextChoices):
    MUNICIPALITY = "municipality", _("The municipality itself")
    TOGETHER = "together", _("The municipality together with others")
    OTHERS = "others", _("Others than the municipality")
