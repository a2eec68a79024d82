"""The Jinja2 environment of the project's second template engine ("jinja2" in settings.TEMPLATES).

Jinja2 renders the business list's rows (templates/jinja2/registry/business_rows.html), the hottest
template of the portal: the same 25 rows took about 2.5 ms through Django's template engine and about
1.4 ms here at a million businesses (docs/performance.md). Everything else stays on Django's templates."""

from django.template.defaultfilters import date as django_date
from django.utils.timezone import localtime
from jinja2 import Environment


def date(value, format_string):
    """Django's `date` filter on the value in the current time zone, as Django's templates show it."""
    return django_date(localtime(value), format_string) if value else ""


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(**options, autoescape=True)
    env.filters["date"] = date
    return env
