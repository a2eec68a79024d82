from django import template

from reports import chart_html as charts

register = template.Library()


@register.simple_tag
def chart_html(chart, query):
    """One dashboard chart, rendered by Jinja2 (reports/chart_html.py says why)."""
    return charts.chart_html(chart, query)
