"""Follow a dashboard figure to its list and count the list's rows the way the list view does."""

from urllib.parse import urlsplit

from django.http import QueryDict
from django.test import RequestFactory
from django.urls import resolve

from reports.figures import Chart, Figure


def list_count(url, user):
    """The number of rows the list at `url` shows `user` (its view's filter set over its visible rows)."""
    parts = urlsplit(url)
    view = resolve(parts.path).func.view_class
    request = RequestFactory().get(url)
    request.user = user
    filterset = view.filterset_class(
        QueryDict(parts.query), queryset=view.model.objects.visible_to(user), request=request
    )
    assert filterset.is_valid(), (url, filterset.errors)
    return filterset.qs.count()


def linked_figures(*groups):
    """Every Figure with a link among figures, lists of figures, dicts of them and charts."""
    for group in groups:
        if isinstance(group, Figure):
            if group.url:
                yield group
        elif isinstance(group, Chart):
            yield from linked_figures(*group.rows)
        elif isinstance(group, dict):
            yield from linked_figures(*group.values())
        elif isinstance(group, list | tuple):
            yield from linked_figures(*group)
