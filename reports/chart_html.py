"""The dashboard's charts rendered by Jinja2: the page's largest repeated fragment.

A dashboard shows up to seventeen charts (templates/reports/partials/_dashboard_figures.html and
_inquiry_figures.html), each a card with its data as JSON and a table of its rows, a link per row: about
55 KB of the 65 KB of figures at Sidoarjo's million businesses. Through Django's `{% include %}` of
reports/partials/_chart.html they took about 7 ms of CPU of an uncached view (quiet machine) and Jinja2's
compiled template renders the same (docs/performance.md, "Issue 17, dashboard (2026-12-01, tenth session)").
`plain` is the framework's path and stays the reference: tests/reports/test_chart_html.py renders every
chart of several dashboards (scopes, filters, both languages, labels with quotes and markup) both ways and
compares the bytes. The figures are cached (reports.cache), so this matters only when they are computed.
"""

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from umkm_portal.jinja2 import render_fragment


def chart_html(chart, query):
    """`chart` (reports.figures.Chart) as reports/partials/_chart.html renders it, by Jinja2
    (templates/jinja2/reports/chart.html)."""
    words = {
        "download": gettext("Unduh CSV"),
        "description": gettext("Uraian"),
        "empty": gettext("Belum ada data untuk pilihan ini."),
    }
    # {% blocktranslate %} escapes the value it puts in and not the translation around it.
    label = gettext("Tabel: %(title)s") % {"title": conditional_escape(chart.title)}
    context = {"chart": chart, "query": query, "words": words, "table_label": mark_safe(label)}  # noqa: S308  # nosec B308, B703
    return render_fragment("reports/chart.html", context)


def plain(chart, query):
    """The same through Django's template engine (the reference)."""
    return render_to_string("reports/partials/_chart.html", {"chart": chart, "query": query})
