"""The Jinja2 environment of the project's second template engine ("jinja2" in settings.TEMPLATES).

Jinja2 renders the two hottest repeated fragments of the portal, and nothing else:
- the business list's rows (templates/jinja2/registry/business_rows.html): the same 25 rows took about
  2.5 ms through Django's template engine and about 1.4 ms here at a million businesses;
- the public catalogue's product cards (templates/jinja2/programs/catalogue_cards.html): 24 cards took
  about 4.4 ms of CPU through Django's `{% include %}` of programs/catalogue/_card.html and 1.4 ms here
  (docs/performance.md). The Django template stays as the plain reference: a test renders the same
  listings through both and compares them.
Everything else stays on Django's templates."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from jinja2 import Environment


def day_month_year(value, timezone=None):
    """Django's `date` filter with "d-m-Y" (30-11-2026) in the current time zone (or `timezone`, read once
    per page by the caller), without its format parser: the business list writes 25 of these per page."""
    if not value:
        return ""
    moment = localtime(value, timezone)
    return f"{moment.day:02d}-{moment.month:02d}-{moment.year:04d}"  # strftime's %Y does not pad year 999


def url(name, *args):
    """Django's `{% url name arg ... %}`."""
    return reverse(name, args=args)


def environment(**options):
    options.pop("autoescape", None)
    env = Environment(**options, autoescape=True)
    env.filters["day_month_year"] = day_month_year
    env.filters["intcomma"] = intcomma  # Rupiah the Indonesian way (15.000), as Django's humanize writes it
    env.globals["url"] = url
    return env


def render_fragment(name, context):
    """The Jinja2 template `name` (under templates/jinja2/) rendered with `context`, as a fragment a Django
    template writes as it is: the business list's rows, the catalogue's cards."""
    html = get_template(name, using="jinja2").render(context)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value (autoescape)  # nosec B308, B703
