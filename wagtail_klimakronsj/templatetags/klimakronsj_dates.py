"""Dates in the package's own format per language, in the workshop's time zone::

    {% load klimakronsj_dates %}
    {{ event.closes_at|kk_date:"DATETIME_FORMAT" }}   {# 22. september 2027 kl. 23:59 #}
    {{ session.date|kk_date }}                        {# 22 September 2027 (English) #}
    {{ session.starts_at|kk_date:"l" }}               {# a format string works too #}

See ``wagtail_klimakronsj.dates``.
"""

from django import template

from ..dates import format_date

register = template.Library()


@register.filter(expects_localtime=False, is_safe=False)
def kk_date(value, name="DATE_FORMAT"):
    try:
        return format_date(value, name)
    except (AttributeError, TypeError, ValueError):
        return ""
