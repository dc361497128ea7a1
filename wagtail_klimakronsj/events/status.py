"""When an event takes applications, and how many seats are left: the times of the
event page (opening, deadline, sessions) and its status, derived from its fields and
from the counts of its applications. Mixed into ``EventPageData``."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import cached_property

from ..choices import SEAT_HOLDING, ApplicationStatus, EventStatus, SeatPolicy
from ..conf import settings
from ..timezone import end_of_day, local_datetime


class EventTimesAndSeats:
    """Dates, seats and status of an event page (needs ``sessions`` and the fields)."""

    @property
    def starts_at(self):
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def ends_at(self):
        return max(s.ends_at for s in self.sessions) if self.sessions else None

    @property
    def opens_at(self):
        if not self.applications_open_date:
            return None
        return local_datetime(
            self.applications_open_date, self.applications_open_time or datetime.time.min
        )

    @property
    def closes_at(self):
        """The instant applications close; applying is possible strictly before it."""
        if not self.application_deadline_date:
            return None
        if self.application_deadline_time is None:
            return end_of_day(self.application_deadline_date)
        return local_datetime(self.application_deadline_date, self.application_deadline_time)

    def count_accepted(self):
        """The seats taken: accepted applications, and seats held for applicants who
        have still to confirm their email address."""
        if self.pk is None:
            return 0
        return self.klimakronsj_applications.filter(status__in=SEAT_HOLDING).count()

    def get_seat_counts(self):
        """Seats and applications by status, without names (one query)."""
        counts = self.klimakronsj_applications.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in ApplicationStatus.values}
        )
        taken = counts[ApplicationStatus.ACCEPTED] + counts[ApplicationStatus.UNCONFIRMED]
        return {
            "event": self,
            "limit": self.seat_limit,
            "taken": taken,
            "accepted": counts[ApplicationStatus.ACCEPTED],
            "unconfirmed": counts[ApplicationStatus.UNCONFIRMED],
            "expired": counts[ApplicationStatus.EXPIRED],
            "left": max(self.seat_limit - taken, 0),
            "waiting": counts[ApplicationStatus.WAITLISTED],
            "pending": counts[ApplicationStatus.PENDING],
            "declined": counts[ApplicationStatus.DECLINED],
            "withdrawn": counts[ApplicationStatus.WITHDRAWN],
            "total": sum(counts.values()),
            "cap": self.municipality_cap,
        }

    @property
    def requires_confirmation(self):
        """Whether a new application's seat waits for the applicant's email confirmation."""
        return self.confirm_email and self.seat_policy == SeatPolicy.FIRST_COME

    @cached_property
    def seats_taken(self):
        return self.count_accepted()

    @property
    def seats_left(self):
        return max(self.seat_limit - self.seats_taken, 0)

    @staticmethod
    def _now(now=None):
        # Compare instants in UTC: two datetimes sharing one ZoneInfo are compared by
        # wall clock, which is wrong in the repeated hour when summer time ends.
        return (now or timezone.now()).astimezone(datetime.UTC)

    def applications_open(self, now=None):
        """Whether the server takes an application now (ignores seats)."""
        now = self._now(now)
        if self.ends_at and now >= self.ends_at:
            return False
        if self.starts_at and now >= self.starts_at:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        if self.closes_at and now >= self.closes_at:
            return False
        return True

    def get_status(self, now=None):
        """The honest status at ``now`` (default: the current instant).

        Every limit is an instant: the status changes exactly at it (opening,
        deadline, first session start, last session end).
        """
        now = self._now(now)
        if self.ends_at and now >= self.ends_at:
            return EventStatus.PAST
        if self.starts_at and now >= self.starts_at:
            return EventStatus.IN_PROGRESS
        if self.opens_at and now < self.opens_at:
            return EventStatus.NOT_YET_OPEN
        if self.closes_at and now >= self.closes_at:
            return EventStatus.CLOSED
        if self.seats_left <= 0:
            return EventStatus.WAITING_LIST if self.waiting_list else EventStatus.FULL
        return EventStatus.OPEN

    @property
    def status(self):
        return self.get_status()

    def get_content_valid_until(self, now=None):
        """The next instant after ``now`` at which the page changes by time alone:
        applications open or close, the first session starts, the last one ends, or
        the page becomes old enough for the stale-content notice. None: never."""
        now = self._now(now)
        instants = [self.opens_at, self.closes_at, self.starts_at, self.ends_at]
        published, age = self.get_publication_date(), settings.STALE_CONTENT_AGE_DAYS
        if published and age is not None:
            stale_day = published + datetime.timedelta(days=age + 1)
            instants.append(local_datetime(stale_day, datetime.time.min))
        future = [i.astimezone(datetime.UTC) for i in instants if i is not None]
        future = [i for i in future if i > now]
        return min(future) if future else None
