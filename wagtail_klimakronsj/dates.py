"""Dates and times as the package writes them, in the workshop's time zone.

Django's own formats for English are American ("Sept. 22, 2027", "11/27/2026",
"9 a.m."), and a site's ``FORMAT_MODULE_PATH`` is the host's business, so the
package keeps its own few formats per language (``FORMATS``). A language not listed
falls back to Django's formats for it. Times are always 24-hour ("09:00–13:00").
"""

import datetime

from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language, override

from .timezone import local_zone

_NORWEGIAN = {
    "DATE_FORMAT": "j. F Y",
    "DATETIME_FORMAT": r"j. F Y \k\l. H:i",
    "SHORT_DATE_FORMAT": "d.m.Y",
    "SHORT_DATETIME_FORMAT": "d.m.Y H:i",
    "TIME_FORMAT": "H:i",
}

#: Format strings (Django's ``date`` filter syntax) per language code.
FORMATS = {
    "nn": _NORWEGIAN,
    "nb": _NORWEGIAN,
    "no": _NORWEGIAN,
    "en": {
        "DATE_FORMAT": "j F Y",
        "DATETIME_FORMAT": r"j F Y \a\t H:i",
        "SHORT_DATE_FORMAT": "j M Y",
        "SHORT_DATETIME_FORMAT": "j M Y, H:i",
        "TIME_FORMAT": "H:i",
    },
}

NAMED_FORMATS = frozenset(_NORWEGIAN)


def get_format(name, language=None):
    """The format string for ``name`` (e.g. ``"DATE_FORMAT"``) in ``language``.

    A name that is not one of ``NAMED_FORMATS`` is itself a format string ("l", "H:i").
    """
    if name not in NAMED_FORMATS:
        return name
    language = (language or get_language() or "").lower()
    table = FORMATS.get(language) or FORMATS.get(language.split("-")[0])
    if table is None:
        return formats.get_format(name, lang=language or None)
    return table[name]


def in_workshop_zone(value):
    """An aware datetime moved to the workshop's zone; dates and naive values as they are."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, local_zone())
    return value


def format_date(value, name="DATE_FORMAT", language=None):
    """``value`` (date, datetime or time) written in the current (or given) language."""
    if value in (None, ""):
        return ""
    if language:
        with override(language):
            return format_date(value, name)
    fmt = get_format(name)
    value = in_workshop_zone(value)
    if isinstance(value, datetime.time):
        return dateformat.time_format(value, fmt)
    return dateformat.format(value, fmt)


def format_time_range(start, end, language=None):
    """``"09:00–13:00"``: two times (or datetimes, in the workshop's zone)."""
    return (
        f"{format_date(start, 'TIME_FORMAT', language)}–{format_date(end, 'TIME_FORMAT', language)}"
    )
