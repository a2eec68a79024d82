"""The dashboard's figures, each counted from the same filter set as the list it links to.

A figure is computed as `ListFilterSet(params).qs` narrowed by a condition from registry.measures or
programs.measures, and its link is that list with the same params plus the filter for the condition:
the number on the dashboard and the rows behind the link cannot disagree. Every query here is an
aggregate or a GROUP BY, so the number of queries does not grow with the number of businesses.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.certificates import tanggal
from programs.models import EventBooth, MarketEvent, Placement
from registry import measures
from registry.countries import country_name
from registry.filtersets import BusinessFilterSet
from registry.kbli import SECTION_LABELS, section_of
from registry.models import AreaAssignment, Business, Category, Kecamatan, Owner, YearlyFigure, group_scoped
from registry.sizing import SizeClass
from reports.counts import LiveCounts, TalliedCounts, recap_columns
from reports.filtersets import DashboardFilterSet
from reports.models import OfficialCount
from reports.official import end_of_year
from reports.tally import registered_by_year_end

SCOPE_KEYS = ["kecamatan", "category", "group", "guided", "is_flagship"]
# The filters the summary table answers (its cells' attributes); any other filter set is counted live.
TALLIED_FILTERS = {"kecamatan", "category", "guided"}


@dataclass
class Figure:
    label: str
    value: int | Decimal
    url: str = ""
    money: bool = False
    note: str = ""


@dataclass
class Chart:
    """One chart and the table beside it.

    Every row is a Figure: a count of businesses (or records) with the link to that list. `series` are
    Rupiah columns beside the count (sales per year, export value); the chart draws them when present.
    """

    key: str
    title: str
    kind: str
    rows: list[Figure]
    value_label: str = _("Jumlah usaha")
    series: list = field(default_factory=list)
    series_labels: list = field(default_factory=list)

    def __post_init__(self):
        # Translated once, in the language of the request that draws the chart: a lazy label is translated
        # again at each use (the heading, the table, the JSON), 250 translations for a dashboard's charts.
        self.title, self.value_label = str(self.title), str(self.value_label)
        self.series_labels = [str(label) for label in self.series_labels]
        for row in self.rows:
            row.label = str(row.label)

    @property
    def total(self):
        return sum(row.value for row in self.rows)

    @property
    def data_id(self):
        return f"chart-{self.key}-data"

    @property
    def lines(self):
        """Each row with its Rupiah values, for the table."""
        return [(row, [values[i] for values in self.series]) for i, row in enumerate(self.rows)]

    def as_data(self):
        """What static/js/charts.js draws: labels and one dataset per column."""
        columns = (
            zip(self.series_labels, self.series, strict=True)
            if self.series
            else [(self.value_label, [row.value for row in self.rows])]
        )
        return {
            "kind": self.kind,
            "money": bool(self.series),
            "labels": [row.label for row in self.rows],
            "datasets": [{"label": label, "data": [float(value) for value in values]} for label, values in columns],
        }

    def table(self):
        """Header and rows (label, count, Rupiah columns...) for the accessible table and the downloads."""
        header = ["", self.value_label, *self.series_labels]
        rows = [[row.label, row.value, *[values[i] for values in self.series]] for i, row in enumerate(self.rows)]
        return header, rows


@dataclass
class OfficialRow:
    """A published count and the registry's own count of the same kabupaten at the end of its year."""

    official: OfficialCount
    portal: int

    @property
    def difference(self):
        return self.portal - self.official.value

    @property
    def coverage(self):
        """The registry's count as a share of the published one, in percent (None when that is zero)."""
        return round(self.portal * 100 / self.official.value, 1) if self.official.value else None


def list_url(name, params, **extra):
    """The URL of a list with the dashboard's params plus the figure's own filter."""
    return with_query(reverse(name), params, **extra)


def with_query(path, params, **extra):
    query = {key: value for key, value in {**params, **extra}.items() if value not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


class Period:
    """The dashboard period: stock figures count businesses registered up to `end`, flows happen within."""

    def __init__(self, start=None, end=None):
        self.start, self.end = start, end

    @property
    def years(self):
        """The years whose yearly figures count, or None for all."""
        if not self.start and not self.end:
            return None
        first = self.start.year if self.start else 1990
        last = self.end.year if self.end else timezone.localdate().year
        return list(range(first, last + 1))


class AreaDashboard:
    """Every figure of the dinas dashboard, for the user's area and the filters in `data` (request.GET)."""

    def __init__(self, request, data):
        self.request = request
        self.user = request.user
        self.filter = DashboardFilterSet(data, queryset=Business.objects.visible_to(self.user), request=request)
        # No filter set: nothing to validate, and the form is built only if the bar is rendered (a kept bar
        # is not: reports.cache.bar_key).
        cleaned = {} if self.filter.is_blank else self.filter.form.cleaned_data if self.filter.is_valid() else {}
        year = int(cleaned["year"]) if cleaned.get("year") else None
        self.period = Period(
            cleaned.get("from_date") or (datetime.date(year, 1, 1) if year else None),
            cleaned.get("to_date") or (datetime.date(year, 12, 31) if year else None),
        )
        scope = {}
        for key in SCOPE_KEYS:
            value = cleaned.get(key)
            if value is not None and value != "":
                scope[key] = value.pk if hasattr(value, "pk") else _param(value)
        self.scope = scope
        self.stock_params = {**scope, "to_date": _param(self.period.end)}
        self.flow_params = {**self.stock_params, "from_date": _param(self.period.start)}
        self.today = timezone.localdate()
        # The summary table serves every figure unless a filter is not a cell attribute (reports.tally), or
        # the user sees only some of a kecamatan's businesses (a group coordinator: its cells count them all).
        used = {name for name, value in cleaned.items() if value not in (None, "")}
        tallied = (
            (not self.filter.is_bound or self.filter.is_valid())
            and used <= TALLIED_FILTERS
            and not group_scoped(self.user)
        )
        self.counts = TalliedCounts(self) if tallied else LiveCounts(self)

    @property
    def tallied(self):
        return self.counts.tallied

    def kecamatan_codes(self):
        return self._kecamatan().values_list("pk", flat=True)

    def _kecamatan(self):
        """The kecamatan the dashboard covers: the user's, or the one the filter names."""
        kecamatan = Kecamatan.objects.visible_to(self.user)
        if "kecamatan" in self.scope:
            kecamatan = kecamatan.filter(pk=self.scope["kecamatan"])
        return kecamatan

    @cached_property
    def businesses(self):
        return self.filtered(BusinessFilterSet, self.stock_params)

    def filtered(self, filterset_class, params, model=None):
        queryset = (model or filterset_class._meta.model).objects.visible_to(self.user)
        clean = {key: value for key, value in params.items() if value not in (None, "")}
        return filterset_class(clean, queryset=queryset, request=self.request).qs

    @cached_property
    def business_list_path(self):
        return reverse("registry:business_list")  # once per dashboard: a dashboard links to it a thousand times

    def business_url(self, params=None, **extra):
        return with_query(self.business_list_path, self.stock_params if params is None else params, **extra)

    def business_url_within(self, **extra):
        """The business list narrowed by `extra` within the filters, or no link when a filter says the opposite
        (binaan among the unguided: the count is 0 and no list holds those rows)."""
        if any(key in self.scope and self.scope[key] != value for key, value in extra.items()):
            return ""
        return self.business_url(**extra)

    # Registered businesses

    def totals(self):
        counts = self.counts.totals()
        registered = self.filtered(BusinessFilterSet, self.flow_params).count() if self.period.start else None
        figures = [
            Figure(_("Usaha terdaftar"), counts["total"], self.business_url()),
            Figure(_("Terverifikasi"), counts["verified"], self.business_url(verification="terverifikasi")),
            Figure(_("Binaan"), counts["guided"], self.business_url_within(guided="true")),
            Figure(_("Unggulan"), counts["flagship"], self.business_url_within(is_flagship="true")),
        ]
        if registered is not None:
            figures.append(Figure(_("Mendaftar dalam periode"), registered, self.business_url(self.flow_params)))
        return figures

    def by_kecamatan(self):
        kecamatan = self._kecamatan().order_by("name")
        counts = self.counts.per_kecamatan()
        rows = [
            Figure(row.name, counts.get(row.pk, 0), self.business_url(kecamatan=row.pk))
            for row in kecamatan.only("code", "name")
        ]
        return Chart("kecamatan", _("Usaha per kecamatan"), "bar", rows)

    def _choice_chart(self, key, title, field_name, choices, param, kind="bar", blank_label=None):
        counts = self.counts.per_value(field_name)
        if param in self.scope:  # filtered to one value: the other rows would link to lists outside the filter
            choices = [(value, label) for value, label in choices if str(value) == self.scope[param]]
        rows = [Figure(label, counts.get(value, 0), self.business_url(**{param: value})) for value, label in choices]
        if blank_label is not None:
            rows.append(Figure(blank_label, counts.get("", 0), self.business_url(**{param: measures.UNCLASSIFIED})))
        return Chart(key, title, kind, rows)

    def by_category(self):
        return self._choice_chart("kategori", _("Usaha per kategori"), "category", Category.choices, "category")

    def by_size(self):
        return self._choice_chart(
            "skala",
            _("Usaha per skala (PP 7/2021, dihitung)"),
            "size_class",
            SizeClass.choices,
            "size_class",
            kind="doughnut",
            blank_label=_("Belum ada data tahunan"),
        )

    def by_sex(self):
        return self._choice_chart(
            "pemilik", _("Usaha per jenis kelamin pemilik"), "owner__sex", Owner.Sex.choices, "sex"
        )

    def by_kbli(self):
        counts = {}
        for version, division, n in self.counts.kbli():
            section = section_of(division, version)
            counts[section] = counts.get(section, 0) + n
        rows = [
            Figure(SECTION_LABELS[section], n, self.business_url(kbli_section=section))
            for section, n in sorted(counts.items(), key=lambda item: (len(item[0]) > 1, item[0]))
        ]
        return Chart("kbli", _("Usaha per kategori KBLI 2020"), "bar", rows)

    def registrations(self):
        """Registrations per month within the period (or over all time), months without any shown as zero."""
        months = self.counts.months()
        first = (self.period.start or min(months, default=self.today)).replace(day=1)
        last = (self.period.end or max(months, default=self.today)).replace(day=1)
        rows = []
        month = first
        while month <= last:
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            start = max(month, self.period.start) if self.period.start else month
            end = following - datetime.timedelta(days=1)
            end = min(end, self.period.end) if self.period.end else end
            params = {**self.scope, "from_date": start.isoformat(), "to_date": end.isoformat()}
            label = date_format(month, "M Y")  # Django's month names: "Agu 2026", "Aug 2026"
            rows.append(Figure(label, months.get(month, 0), self.business_url(params)))
            month = following
        return Chart("pendaftaran", _("Pendaftaran per bulan"), "line", rows, value_label=_("Usaha baru"))

    def official_counts(self):
        """Published counts of the kabupaten the dashboard covers (reports.OfficialCount), each beside the
        registry's count of that kabupaten's businesses registered by 31 December of its year.

        None for users who may not see them. A published count covers the whole kabupaten, so the
        category and guidance filters do not apply; a kecamatan filter picks its kabupaten.
        Two queries however many years are loaded: the counts, then the registrations per month of those
        kabupaten from the summary (reports.tally.registered_by_year_end), or, for a group coordinator
        (whose cells count businesses they do not see), one conditional count per year over the rows.
        """
        if not self.user.has_perm("reports.view_officialcount"):
            return None
        counts = list(
            OfficialCount.objects.visible_to(self.user)
            .filter(kabupaten__in=self._kecamatan().values("kabupaten"))
            .select_related("kabupaten")
            .order_by("kabupaten__name", "measure", "year")
        )
        if not counts:
            return []
        years = sorted({count.year for count in counts})
        kabupaten = {count.kabupaten_id for count in counts}
        if group_scoped(self.user):
            registered = {
                row.pop("kecamatan__kabupaten"): row
                for row in Business.objects.visible_to(self.user)
                .filter(kecamatan__kabupaten__in=kabupaten)
                .order_by()
                .values("kecamatan__kabupaten")
                .annotate(**{f"y{year}": Count("pk", filter=Q(created_at__lt=end_of_year(year))) for year in years})
            }
        else:
            kecamatan = Kecamatan.objects.visible_to(self.user).filter(kabupaten__in=kabupaten)
            registered = registered_by_year_end(kecamatan, years)
        rows = []
        for count in counts:
            portal = registered.get(count.kabupaten_id, {}).get(f"y{count.year}", 0)
            rows.append(OfficialRow(count, portal))
        return rows

    # Legal documents

    def documents(self):
        counts = self.counts.documents()
        coverage = [
            Figure(
                _("Punya %(document)s") % {"document": label},
                counts[f"has_{kind}"],
                self.business_url(document=f"has_{kind}"),
            )
            for kind, label in (("nib", "NIB"), ("pirt", "P-IRT"), ("halal", _("sertifikat halal")))
        ]
        expiring = [
            Figure(
                _("%(document)s habis dalam 6 bulan") % {"document": _capital(str(measures.DOCUMENT_LABELS[kind]))},
                counts[f"expiring_{kind}"],
                self.business_url(expiring=kind),
            )
            for kind in ("pirt", "halal", "bpom")
        ]
        halal_due = Figure(
            _("Wajib halal, belum bersertifikat"),
            counts["halal_due"],
            self.business_url(halal_due="true"),
            note=(
                _("Usaha mikro dan kecil makanan/minuman wajib bersertifikat halal sejak %(date)s.")
                % {"date": tanggal(measures.HALAL_DEADLINE)}
            ),
        )
        return {"coverage": coverage, "expiring": expiring, "halal_due": halal_due}

    # Programs

    def funnels(self):
        """Nominated → attended → completed; submitted → passed → placed; referred → approved → disbursed."""
        funnels = {}
        if self.user.has_perm("programs.view_enrollment"):
            counts = self.counts.funnel("enrollment")
            url = "programs:enrollment_list"
            funnels["pelatihan"] = [
                Figure(_("Dinominasikan"), counts["nominated"], list_url(url, self.flow_params)),
                Figure(_("Hadir"), counts["attended"], list_url(url, self.flow_params, attended="true")),
                Figure(_("Lulus"), counts["completed"], list_url(url, self.flow_params, completed="true")),
            ]
        if self.user.has_perm("programs.view_curationsubmission"):
            counts = self.counts.funnel("curation")
            url = "programs:curationsubmission_list"
            funnels["kurasi"] = [
                Figure(_("Diajukan"), counts["submitted"], list_url(url, self.flow_params)),
                Figure(_("Lolos"), counts["passed"], list_url(url, self.flow_params, decision="lolos")),
                Figure(_("Ditempatkan"), counts["placed"], list_url(url, self.flow_params, placed="true")),
            ]
        if self.user.has_perm("programs.view_bankreferral"):
            counts = self.counts.referrals()
            url = "programs:bankreferral_list"
            funnels["pembiayaan"] = [
                Figure(_("Dirujuk"), counts["dirujuk_n"], list_url(url, self.flow_params, stage="dirujuk")),
                Figure(_("Disetujui"), counts["disetujui_n"], list_url(url, self.flow_params, stage="disetujui")),
                Figure(_("Dicairkan"), counts["dicairkan_n"], list_url(url, self.flow_params, stage="dicairkan")),
            ]
            funnels["pembiayaan_nilai"] = [
                Figure(_("Plafon diajukan"), counts["dirujuk_amount"] or Decimal(0), money=True),
                Figure(_("Plafon disetujui"), counts["disetujui_amount"] or Decimal(0), money=True),
                Figure(_("Dana dicairkan"), counts["dicairkan_amount"] or Decimal(0), money=True),
            ]
        return funnels

    # Growth, sales and exports

    def yearly_figures(self):
        figures = YearlyFigure.objects.filter(business__in=self.businesses.values("pk"))
        if self.period.years is not None:
            figures = figures.filter(year__in=self.period.years)
        return figures

    def level_up(self):
        per_year = self.counts.level_up()
        rows = [Figure(str(year), n, self.business_url(size_rose=year)) for year, n in sorted(per_year.items())]
        return Chart("naik_kelas", _("Naik kelas per tahun (skala dihitung naik dari tahun sebelumnya)"), "bar", rows)

    def sales_by_category(self):
        """Yearly sales per category: one dataset per year; a row links to the businesses with sales that year."""
        totals = self.counts.sales()
        years = sorted({year for year, *_ in totals})
        by_key = {(year, category): (total, n) for year, category, total, n in totals}
        last = years[-1] if years else None
        rows, series = [], [[] for _ in years]
        for value, label in Category.choices:
            if not any((year, value) in by_key for year in years):
                continue
            count = by_key.get((last, value), (0, 0))[1]
            rows.append(Figure(label, count, self.business_url(category=value, sales_year=last)))
            for index, year in enumerate(years):
                series[index].append(by_key.get((year, value), (Decimal(0), 0))[0])
        return Chart(
            "omzet",
            _("Omzet per kategori"),
            "bar",
            rows,
            value_label=_("Usaha dengan omzet %(year)s") % {"year": last} if last else _("Usaha dengan omzet"),
            series=series,
            series_labels=[_("Omzet %(year)s") % {"year": year} for year in years],
        )

    @cached_property
    def exports(self):
        return self.counts.exports()  # reports.export_sales: both records of an export, counted once

    def exports_by_country(self):
        years = self.period.years
        year_params = {"export_from": years[0], "export_to": years[-1]} if years else {}
        rows = [
            Figure(
                country_name(total.key),
                total.n,
                self.business_url(export_country=total.key, **year_params),
            )
            for total in self.exports["country"]
        ]
        return Chart(
            "ekspor",
            _("Ekspor per negara tujuan"),
            "bar",
            rows,
            value_label=_("Usaha pengekspor"),
            series=[[total.value for total in self.exports["country"]]],
            series_labels=[_("Nilai ekspor (Rp)")],
        )

    def exports_by_category(self):
        labels = dict(Category.choices)
        rows = [Figure(labels.get(total.key, total.key), total.n) for total in self.exports["category"]]
        return Chart(
            "ekspor_kategori",
            _("Ekspor per kategori"),
            "bar",
            rows,
            value_label=_("Usaha pengekspor"),
            series=[[total.value for total in self.exports["category"]]],
            series_labels=[_("Nilai ekspor (Rp)")],
        )

    # Placements

    @cached_property
    def placements(self):
        return self.counts.placements()

    def placements_by_channel(self):
        """Products placed per channel within the period; a row opens the placement list of that channel."""
        per_channel = {}
        for (channel, _retailer), n in self.placements.items():
            per_channel[channel] = per_channel.get(channel, 0) + n
        url = "programs:placement_list"
        rows = [
            Figure(label, per_channel.get(value, 0), list_url(url, self.flow_params, channel=value))
            for value, label in Placement.Channel.choices
        ]
        return Chart("penempatan", _("Produk ditempatkan per saluran"), "bar", rows, value_label=_("Penempatan"))

    def placements_by_retailer(self):
        """Products placed per retailer (within its channel), most first."""
        labels = dict(Placement.Channel.choices)
        url = "programs:placement_list"
        rows = [
            Figure(
                f"{retailer} ({labels.get(channel, channel)})",
                n,
                list_url(url, self.flow_params, channel=channel, retailer=retailer),
            )
            for (channel, retailer), n in sorted(self.placements.items(), key=lambda item: (-item[1], item[0]))
        ]
        return Chart("peritel", _("Produk ditempatkan per peritel"), "bar", rows, value_label=_("Penempatan"))

    def events_by_year(self):
        return events_by_year(self)

    def kecamatan_recap(self):
        """One row per kecamatan of the area: the counts a per-kecamatan recap table shows."""
        per_kecamatan = self.counts.recap()
        kecamatan = self._kecamatan().order_by("name")
        empty = dict.fromkeys(recap_columns(self.today), 0)
        return [(row.name, per_kecamatan.get(row.pk, empty)) for row in kecamatan.only("code", "name")]

    # Chart key (as in the CSV download's URL) -> the method that draws it, in page order.
    CHARTS = {
        "kecamatan": "by_kecamatan",
        "kategori": "by_category",
        "kbli": "by_kbli",
        "skala": "by_size",
        "pemilik": "by_sex",
        "pendaftaran": "registrations",
        "naik_kelas": "level_up",
        "omzet": "sales_by_category",
        "ekspor": "exports_by_country",
        "ekspor_kategori": "exports_by_category",
        "penempatan": "placements_by_channel",
        "peritel": "placements_by_retailer",
        "acara": "events_by_year",
    }
    # Charts of records that not every dashboard user may list.
    CHART_PERMISSIONS = {
        "penempatan": "programs.view_placement",
        "peritel": "programs.view_placement",
        "acara": "programs.view_marketevent",
    }

    def chart_keys(self):
        """The keys of the charts this user sees, in page order."""
        return [
            key
            for key in self.CHARTS
            if key not in self.CHART_PERMISSIONS or self.user.has_perm(self.CHART_PERMISSIONS[key])
        ]

    def charts(self):
        return [getattr(self, self.CHARTS[key])() for key in self.chart_keys()]

    def chart(self, key):
        """One chart by its key, computing only that one; None for an unknown key or one not for this user."""
        return getattr(self, self.CHARTS[key])() if key in self.chart_keys() else None


def _param(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def area_name(user):
    """How a report names the user's area: "Kabupaten Sidoarjo", or the kecamatan of a coordinator."""
    names = []
    for assignment in AreaAssignment.objects.filter(user=user).select_related("kabupaten", "kecamatan__kabupaten"):
        if assignment.kecamatan:
            names.append(f"Kecamatan {assignment.kecamatan.name}, {assignment.kecamatan.kabupaten.name}")
        else:
            names.append(assignment.kabupaten.name)
    if not names and user.is_superuser:
        return _("Seluruh wilayah")
    return "; ".join(names)


def _capital(text):
    """First letter up, the rest untouched ("P-IRT" stays "P-IRT")."""
    return text[:1].upper() + text[1:]


#
# Buyer inquiries (issue 20, item 3): counted from their rows, inside the cached figures (reports.cache.figures_html);
# a write to an inquiry marks its business's cell (reports/migrations/0014), so the recount moves the generation.
#


class Median(Aggregate):
    """PostgreSQL's median of an interval or a number: percentile_cont(0.5)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


class InquiryFigures:
    """Inquiries per month, time to first contact, orders and their value, per kecamatan, category and
    buyer kind (the channel), for the dashboard's filters: its area, kecamatan, category, group, binaan,
    unggulan, and its period on the day an inquiry came in. Two queries, whatever the number of rows (the
    totals, and the charts' groups: `groups`); one when the totals find none (most areas: the charts of no
    inquiry are empty, so they are not asked for)."""

    CHARTS = {
        "permintaan_bulan": "per_month",
        "permintaan_kecamatan": "per_kecamatan",
        "permintaan_kategori": "per_category",
        "permintaan_pembeli": "per_buyer_kind",
    }
    URL = "programs:inquiry_list"

    def __init__(self, dashboard):
        from programs.inquiry_lists import InquiryFilterSet
        from programs.models import Inquiry

        self.dashboard = dashboard
        self.params = dashboard.flow_params
        self.inquiries = dashboard.filtered(InquiryFilterSet, self.params, model=Inquiry)
        self.Inquiry = Inquiry

    def url(self, **extra):
        return list_url(self.URL, self.params, **extra)

    @cached_property
    def totals(self):
        ordered = Q(order_value__isnull=False)
        counts = self.inquiries.aggregate(
            total=Count("pk"),
            new=Count("pk", filter=Q(status=self.Inquiry.Status.NEW)),
            orders=Count("pk", filter=ordered),
            value=Sum("order_value", filter=ordered),
            placed=Count("pk", filter=Q(status=self.Inquiry.Status.PLACEMENT)),
            to_contact=Median(
                F("first_contact_at") - F("created_at"),
                filter=Q(first_contact_at__isnull=False),
                output_field=DurationField(),
            ),
        )
        return counts

    def figures(self):
        counts, status = self.totals, self.Inquiry.Status
        return [
            Figure(_("Permintaan pembeli"), counts["total"], self.url()),
            Figure(_("Belum dihubungi"), counts["new"], self.url(status=status.NEW)),
            Figure(_("Menjadi pesanan"), counts["orders"], self.url(ordered="true")),
            Figure(_("Nilai pesanan"), counts["value"] or Decimal(0), money=True),
            Figure(_("Ditempatkan atau diekspor"), counts["placed"], self.url(status=status.PLACEMENT)),
        ]

    @property
    def median_contact(self):
        """The median time from an inquiry to its first contact, as text ("3 hari 4 jam"), or None."""
        wait = self.totals["to_contact"]
        if wait is None:
            return None
        hours = round(wait.total_seconds() / 3600)
        days, hours = divmod(hours, 24)
        hours_text = ngettext("%(hours)s jam", "%(hours)s jam", hours) % {"hours": hours}
        if days:
            return ngettext("%(days)s hari", "%(days)s hari", days) % {"days": days} + " " + hours_text
        return hours_text

    # The charts' groups: a set of GROUPING SETS -> its columns in the statement and its readers' keys.
    GROUPS = {
        "month": (("month",), ("month",)),
        "business__kecamatan": (("name", "kecamatan"), ("business__kecamatan__name", "business__kecamatan")),
        "business__category": (("category",), ("business__category",)),
        "buyer_kind": (("buyer_kind",), ("buyer_kind",)),
    }
    _GROUPS_SQL = """
        SELECT GROUPING(month, name, kecamatan, category, buyer_kind) AS grouping, month, name, kecamatan, category,
               buyer_kind, COUNT(*), COUNT(order_value), SUM(order_value)
        FROM ({inquiries}) inquiries (month, name, kecamatan, category, buyer_kind, order_value)
        GROUP BY GROUPING SETS ((month), (name, kecamatan), (category), (buyer_kind))
        ORDER BY grouping, month, name, kecamatan, category, buyer_kind
    """

    @cached_property
    def groups(self):
        """{set: [{its keys..., "n", "orders", "value"}]}, each set as `_grouped(*its keys)` (per month:
        `_per_month_plain()`) gives it, in one statement (GROUPING SETS over the filtered inquiries, the list's
        own SQL): four grouped queries were four round trips and four compilations of the filter set's
        query. tests/programs/test_inquiries.py compares the two."""
        groups = {name: [] for name in self.GROUPS}
        if not self.totals["total"]:
            return groups
        rows = self.inquiries.order_by().annotate(month=TruncMonth("created_at"))
        fields = ["month", "business__kecamatan__name", "business__kecamatan", "business__category", "buyer_kind"]
        inner, params = rows.values_list(*fields, "order_value").query.sql_with_params()
        zone = timezone.get_current_timezone()  # TruncMonth's: the month as an aware datetime, as the ORM gives it
        columns = ["month", "name", "kecamatan", "category", "buyer_kind"]
        sets = {
            sum(1 << (4 - columns.index(c)) for c in columns if c not in cols): (name, cols, keys)
            for name, (cols, keys) in self.GROUPS.items()
        }
        with connection.cursor() as cursor:
            cursor.execute(self._GROUPS_SQL.format(inquiries=inner), params)  # Django's own parametrized SQL
            for grouping, *values, n, orders, value in cursor.fetchall():
                name, cols, keys = sets[grouping]
                row = dict(zip(columns, values, strict=True))
                if row["month"] is not None:
                    row["month"] = timezone.make_aware(row["month"], zone)
                group = {key: row[col] for col, key in zip(cols, keys, strict=True)}
                groups[name].append(group | {"n": n, "orders": orders, "value": value})
        return groups

    def _per_month_plain(self):
        """The per-month groups through the ORM (the reference `groups` is compared with)."""
        if not self.totals["total"]:
            return []
        ordered = Q(order_value__isnull=False)
        return (
            self.inquiries.annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(n=Count("pk"), orders=Count("pk", filter=ordered), value=Sum("order_value", filter=ordered))
            .order_by("month")
        )

    def _grouped(self, *fields):
        if not self.totals["total"]:
            return []
        ordered = Q(order_value__isnull=False)
        return (
            self.inquiries.values(*fields)
            .annotate(n=Count("pk"), orders=Count("pk", filter=ordered), value=Sum("order_value", filter=ordered))
            .order_by(*fields)
        )

    def _chart(self, key, title, rows, groups, kind="bar"):
        """Inquiries per group (the rows, each a link to the list) beside the value of their orders (drawn)."""
        return Chart(
            key,
            title,
            kind,
            rows,
            value_label=_("Permintaan"),
            series=[[group["value"] or Decimal(0) for group in groups]],
            series_labels=[_("Nilai pesanan")],
        )

    def per_month(self):
        groups = self.groups["month"]
        rows = []
        for group in groups:
            month = timezone.localtime(group["month"]).date() if group["month"] else None
            last = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
            params = {**self.params, "from_date": month.isoformat(), "to_date": last.isoformat()}
            rows.append(Figure(date_format(month, "F Y"), group["n"], list_url(self.URL, params)))
        return Chart("permintaan_bulan", _("Permintaan pembeli per bulan"), "bar", rows, value_label=_("Permintaan"))

    def per_kecamatan(self):
        groups = self.groups["business__kecamatan"]
        rows = [
            Figure(g["business__kecamatan__name"], g["n"], self.url(kecamatan=g["business__kecamatan"])) for g in groups
        ]
        return self._chart("permintaan_kecamatan", _("Permintaan pembeli per kecamatan"), rows, groups)

    def per_category(self):
        labels = dict(Category.choices)
        groups = self.groups["business__category"]
        rows = [
            Figure(labels.get(g["business__category"], "-"), g["n"], self.url(category=g["business__category"]))
            for g in groups
        ]
        return self._chart("permintaan_kategori", _("Permintaan pembeli per kategori"), rows, groups)

    def per_buyer_kind(self):
        labels = dict(self.Inquiry.BuyerKind.choices)
        groups = self.groups["buyer_kind"]
        rows = [Figure(labels.get(g["buyer_kind"], "-"), g["n"], self.url(buyer_kind=g["buyer_kind"])) for g in groups]
        return self._chart("permintaan_pembeli", _("Permintaan pembeli per jenis pembeli (saluran)"), rows, groups)

    def charts(self):
        return [getattr(self, method)() for method in self.CHARTS.values()]

    def chart(self, key):
        return getattr(self, self.CHARTS[key])() if key in self.CHARTS else None


#
# Selling events (pameran, bazar, belanja produk lokal): kept apart from the figures above (programs/events.py
# writes them; a booth's write marks its business's tally cell, reports/migrations/0011_event_tally_triggers.py).
# A participation counts when its event starts within the period and its business is within the dashboard's
# filters (kecamatan, category, group, binaan, unggulan) and the user's area, and the event was not cancelled;
# an event counts when one of those took part.
#


def event_booths(dashboard):
    """The participations (EventBooth) the dashboard counts; built once per dashboard (its filter set checks
    the filters' choices with queries of its own)."""
    if getattr(dashboard, "_event_booths", None) is not None:
        return dashboard._event_booths
    # Without an end date the dashboard's own businesses are these (its stock params add no date): their
    # filter set is built once per dashboard.
    if dashboard.period.end is None:
        businesses = dashboard.businesses
    else:
        businesses = dashboard.filtered(BusinessFilterSet, dashboard.scope)
    booths = EventBooth.objects.filter(
        business__in=businesses.values("pk"),
        event__in=MarketEvent.objects.visible_to(dashboard.user).filter(cancelled_at=None).values("pk"),
    )
    if dashboard.period.start:
        booths = booths.filter(event__starts_on__gte=dashboard.period.start)
    if dashboard.period.end:
        booths = booths.filter(event__starts_on__lte=dashboard.period.end)
    dashboard._event_booths = booths
    return booths


def event_totals(dashboard):
    """Events, participating businesses, their sales and transactions (one query, once per dashboard)."""
    if getattr(dashboard, "_event_totals", None) is None:
        dashboard._event_totals = event_booths(dashboard).aggregate(
            events=Count("event", distinct=True),
            businesses=Count("business", distinct=True),
            sales=Sum("sales"),
            transactions=Sum("transactions"),
        )
    return dashboard._event_totals


def event_figures(dashboard):
    """The cards of reports/partials/_event_figures.html (event_totals); None for a user who does not see
    events."""
    if not dashboard.user.has_perm("programs.view_marketevent"):
        return None
    totals = event_totals(dashboard)
    years = dashboard.period.years
    events_url = reverse("programs:event_list")
    return [
        Figure(
            _("Acara dengan peserta"),
            totals["events"],
            with_query(events_url, {"year": years[0]} if years and len(years) == 1 else {}),
        ),
        Figure(_("Usaha peserta acara"), totals["businesses"]),
        Figure(_("Penjualan di acara"), totals["sales"] or Decimal(0), money=True),
        Figure(_("Transaksi di acara"), totals["transactions"] or 0),
    ]


def events_by_year(dashboard):
    """Events and their sales per year of the events' start (one query, with the totals the cards show; none
    more when they count no event); a row opens that year's events."""
    rows = []
    if event_totals(dashboard)["events"]:
        rows = list(
            event_booths(dashboard)
            .annotate(year=ExtractYear("event__starts_on"))
            .values("year")
            .annotate(events=Count("event", distinct=True), sales=Sum("sales"))
            .order_by("year")
        )
    events_url = reverse("programs:event_list")
    return Chart(
        "acara",
        _("Acara pemasaran per tahun"),
        "bar",
        [Figure(str(row["year"]), row["events"], with_query(events_url, {"year": row["year"]})) for row in rows],
        value_label=_("Acara"),
        series=[[row["sales"] or Decimal(0) for row in rows]],
        series_labels=[_("Penjualan di acara (Rp)")],
    )
