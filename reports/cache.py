"""Dashboard figures cached on the shared cache under the summary's generation.

Every write to a table the dashboards count marks the cells of its businesses (reports.tally's triggers);
the worker recounts them about a second after the commit and moves the generation in the same transaction
(`reports.tally.generation()`). Rendered figures are kept under the generation read before computing them,
and only when it has not moved meanwhile, so a cached view is never older than the summary. Figures
counted live (a period or a group filter) follow the same generation: they are as fresh as the tallied ones,
and until the worker has caught up the dashboard says so. What no mark covers (a kecamatan renamed in the
official list) shows within the TTL; loading official counts moves the generation itself.

The key holds the generation's number and the token of the transaction that moved it (`generation_key`).
In the recount's own transaction, after the recount and just before it moves the generation, the worker
computes the unfiltered dashboard of each person signed in over the recounted kecamatan, in each language,
and caches it under the generation it is about to make (`warm`, called by reports.tasks.refresh_tallies):
it reads the new summary, and its copies are in the cache when the new generation becomes visible, so the
next view after a write is read from the cache. On the database cache they commit with the recount; on
Redis they are written before the commit, under a token no other transaction draws, so a recount that fails
to commit, or a generation moved meanwhile by someone else, leaves copies nobody reads.

The filter bar is kept too (`page_parts`), an hour, under a key naming what it shows: the code, the language,
the year (the year select's options), the query string, and a digest of its selects' options (the kecamatan
and groups the user sees), read in the generation's query; a renamed kecamatan or a new group shows at once.
The figures and the bar are read from the cache in one read.
"""

import datetime
import functools
import hashlib
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.context_processors import PermWrapper
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_filters import ModelChoiceFilter

from registry.models import Kecamatan
from reports.tally import generation_key

TTL_SECONDS = 600
BAR_SECONDS = 60 * 60
_NEWLINE = "E'\\n'"  # in SQL
# The files the filter bar is written from: a deploy that changes one writes new bars (the cache outlives it).
_BAR_SOURCES = [
    "templates/reports/partials/_filter_bar.html",
    "templates/includes/_filter_form.html",
    "registry/templatetags/umkm.py",
    "registry/filtersets.py",
    "reports/filtersets.py",
    "locale/en/LC_MESSAGES/django.mo",
]


def _key(user, params, current):
    parts = [str(user.pk), translation.get_language() or "", timezone.localdate().isoformat(), str(current)]
    parts += [f"{key}={value}" for key, value in sorted(params.items())]
    return "dashboard:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached(user, params, compute, current=None, kept=None):
    """`compute()` for this user and these filters, from the cache while the summary's generation holds
    (`current`: the generation_key() the caller has just read, else it is read here; `kept`: what the
    caller's cache.get_many() of this key, among others, returned)."""
    current = generation_key() if current is None else current
    key = _key(user, params, current)
    value = cache.get(key) if kept is None else kept.get(key)
    if value is None:
        value = compute()
        if generation_key() == current:
            cache.set(key, value, TTL_SECONDS)
    return value


def page_parts(dashboard):
    """The dashboard page's kept parts: (figures_html, bar_html, catching_up). One query reads the generation,
    whether the area's writes wait for a recount, and the digest of the bar's options; one cache read both
    parts. A missing part is rendered and kept (the figures only while the generation holds)."""
    current, catching_up, values = generation_key(
        pending_in=dashboard.kecamatan_codes(), bar_options=bar_options(dashboard)
    )
    user, params = dashboard.user, dashboard.filter.data
    bar = bar_key(dashboard, values["bar_options"])
    kept = cache.get_many([_key(user, params, current), *([bar] if bar else [])])
    figures = cached(user, params, lambda: figures_html(dashboard), current, kept=kept)
    html = kept.get(bar) if bar else None
    if html is None:
        html = render_to_string("reports/partials/_filter_bar.html", {"filter": dashboard.filter})
        if bar:
            cache.set(bar, html, BAR_SECONDS)
    return figures, html, catching_up


def bar_options(dashboard):
    """An expression for the digest of the filter bar's select options (each model select's (pk, label)
    rows, as the select reads them: registry.filtersets.NameChoiceIterator), for generation_key()."""
    parts, params = [], []
    for name, filter_ in dashboard.filter.filters.items():
        if not isinstance(filter_, ModelChoiceFilter):
            continue
        queryset = filter_.get_queryset(dashboard.request)
        try:
            rows = queryset.order_by().values_list("pk", queryset.model.choice_label)
            inner, inner_params = rows.query.sql_with_params()
        except EmptyResultSet:  # no option (a user with no area)
            parts.append(f"'{name}:'")
            continue
        # The filter's name and Django's own SQL; the values are parameters.
        rows = f"SELECT string_agg(o.pk::text || ' ' || o.label, {_NEWLINE} ORDER BY o.pk::text) FROM ({inner}) o(pk, label)"  # noqa: S608, E501  # nosec B608
        parts.append(f"'{name}:' || COALESCE(({rows}), '')")
        params += inner_params
    return RawSQL(f"md5({f' || {_NEWLINE} || '.join(parts)})", params)  # noqa: S611 - as above  # nosec B611


def bar_key(dashboard, options):
    """The shared cache's key of the dashboard's filter bar (None when there is no digest of its options)."""
    if options is None:
        return None
    parts = [_code_version(), translation.get_language() or "", str(dashboard.today.year), options]
    parts.append(dashboard.filter.data.urlencode() if dashboard.filter.data else "")
    return "dashboard-bar:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


@functools.cache
def _code_version():
    """A digest of the files in _BAR_SOURCES (code, not data: it is read once per process)."""
    digest = hashlib.sha256()
    for name in _BAR_SOURCES:
        path = settings.BASE_DIR / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def figures_html(dashboard):
    """The dashboard's figures, rendered (reports/partials/_dashboard_figures.html)."""
    from reports.figures import InquiryFigures, event_figures

    may_see_inquiries = dashboard.user.has_perm("programs.view_inquiry")
    context = {
        "dashboard": dashboard,
        "totals": dashboard.totals(),
        "official": dashboard.official_counts(),
        "documents": dashboard.documents(),
        "funnels": dashboard.funnels(),
        "charts": dashboard.charts(),
        "events": event_figures(dashboard),
        "query": dashboard.filter.data.urlencode() if dashboard.filter.data else "",
        "perms": PermWrapper(dashboard.user),
        "inquiries": InquiryFigures(dashboard) if may_see_inquiries else None,
    }
    return render_to_string("reports/partials/_dashboard_figures.html", context)


def warm(kecamatan, key):
    """Compute the unfiltered dashboard of every active person who signed in within a session's lifetime,
    opens the area dashboard and covers one of `kecamatan`, in each language of the portal, and cache it
    under the generation `key` (the one the recount calling this is about to make)."""
    from reports.figures import AreaDashboard

    signed_in_since = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    kabupaten = Kecamatan.objects.filter(pk__in=kecamatan).values("kabupaten")
    covering = (
        Q(is_superuser=True)
        | Q(area_assignments__kecamatan__in=kecamatan)
        | Q(area_assignments__kabupaten__in=kabupaten)
    )
    people = get_user_model().objects.filter(covering, is_active=True, last_login__gte=signed_in_since).distinct()
    for user in people:
        # Those with the kecamatan worklist open it instead (the navbar's "Dasbor" link): nothing to warm.
        if not user.has_perm("registry.view_business") or user.has_perm("registry.use_worklist"):
            continue
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                blank = QueryDict()
                dashboard = AreaDashboard(SimpleNamespace(user=user, GET=blank), blank)
                cache.set(_key(user, blank, key), figures_html(dashboard), TTL_SECONDS)
