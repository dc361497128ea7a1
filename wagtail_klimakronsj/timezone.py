"""Dates and times in the workshop's time zone (Europe/Oslo unless configured)."""

import datetime
import zoneinfo

from .conf import settings


def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_datetime(date, time):
    """An aware datetime for a wall-clock date and time in the workshop's zone.

    Correct across daylight-saving changes: zoneinfo resolves the offset for that
    very date (for the one ambiguous hour in autumn, the first occurrence).
    """
    return datetime.datetime.combine(date, time, tzinfo=local_zone())


def end_of_day(date):
    """The instant a date-only deadline ends: midnight at the start of the next day."""
    return local_datetime(date + datetime.timedelta(days=1), datetime.time.min)
