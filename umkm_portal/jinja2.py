"""The Jinja2 environment of the project's second template engine ("jinja2" in settings.TEMPLATES).

Jinja2 renders three hot repeated fragments of the portal, and nothing else:
- the business list's rows (templates/jinja2/registry/business_rows.html): the same 25 rows took about
  2.5 ms through Django's template engine and about 1.4 ms here at a million businesses;
- the public catalogue's product cards (templates/jinja2/programs/catalogue_cards.html): 24 cards took
  about 4.4 ms of CPU through Django's `{% include %}` of programs/catalogue/_card.html and 1.4 ms here
  (docs/performance.md). The Django template stays as the plain reference: a test renders the same
  listings through both and compares them;
- the dashboard's charts (templates/jinja2/reports/chart.html, reports/chart_html.py): rendered when the
  figures are computed, not cached; compared byte for byte with reports/partials/_chart.html.
Everything else stays on Django's templates."""

import html

from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from jinja2 import Environment
from markupsafe import Markup


def day_month_year(value, timezone=None):
    """Django's `date` filter with "d-m-Y" (30-11-2026) in the current time zone (or `timezone`, read once
    per page by the caller), without its format parser: the business list writes 25 of these per page."""
    if not value:
        return ""
    moment = localtime(value, timezone)
    return f"{moment.day:02d}-{moment.month:02d}-{moment.year:04d}"  # strftime's %Y does not pad year 999


def django_escape(value):
    """Django's escape (html.escape: a quote as &quot; and &#x27;, where MarkupSafe writes &#34; and &#39;),
    for the fragments compared byte for byte with a Django template; what is already safe stays as it is."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))  # noqa: S704 - escaped here  # nosec B704


# A stand-in primary key: see address_of.
_PK_MARK = 987654321


def address_of(name, *after):
    """A function of a primary key giving `reverse(name, args=[pk, *after])`, reversed once: a fragment that
    links each of its rows (the business list's 25, the catalogue's 24 cards) reverses a stand-in key once
    and writes each row's key between the two halves (a reversal per row was 6% of the list's time). For a
    URL whose first argument is an `<int:...>`; the fragments' tests compare the result with `{% url %}`'s."""
    head, tail = reverse(name, args=[_PK_MARK, *after]).split(str(_PK_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(**options, autoescape=True)
    env.filters["day_month_year"] = day_month_year
    # The dashboard's charts (reports/chart_html.py): Django's escape, so that their bytes are Django's
    # (MarkupSafe writes a quote as &#39;, Django as &#x27;), its json_script and the portal's number formats.
    from registry.templatetags.umkm import number_id, rupiah_short  # it imports this module

    env.filters["dj"] = django_escape
    env.filters["json_script"] = json_script
    env.filters["number_id"] = number_id
    env.filters["rupiah_short"] = rupiah_short
    return env


def render_fragment(name, context):
    """The Jinja2 template `name` (under templates/jinja2/) rendered with `context`, as a fragment a Django
    template writes as it is: the business list's rows, the catalogue's cards."""
    html = get_template(name, using="jinja2").render(context)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape)  # nosec B308, B703
