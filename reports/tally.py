"""Dashboard counts kept in a summary table, so a dashboard costs about the same at a million businesses.

A *cell* is (kecamatan, category, guided): the dashboard filters that are attributes of a business. For
each cell, `reports_tally` holds how many businesses or program records fall in each bucket of each
measure: ("all", ""), ("verification", "terverifikasi"), ("size", "mikro"), ("doc:pirt", "2027-12-31"),
("sales", "2025") with the Rupiah total, ..., and the registrations of a year as one row ("months", "2026")
with the twelve months' counts in `months` (read as ("month", "2026-11") buckets: TallyCounts).

Statement triggers (migrations 0004, 0005 and 0009) write the cells a write touches into `reports_tallydirty`.
A worker recomputes those cells within seconds (`refresh()`, scheduled by umkm_portal.schedule while `pending()`),
with the very conditions of registry.measures and programs.measures; a dashboard only reads the table, so a
page view never writes and costs the same after a write. Until the worker has caught up, the dashboard says
that recent changes are still being counted (`pending(kecamatan)`). What depends on the
date (a document still valid today, one expiring within six months) is kept as the date its validity
ends, and "today" is applied when reading. Filters that are not cell attributes (a period, a group)
are counted live instead (reports.counts). Each recount moves the summary's generation (`generation()`),
under which reports.cache keeps the rendered figures, live or tallied.
"""

import datetime
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.functional import cached_property

from programs import measures as program_measures
from programs.models import BankReferral, CurationSubmission, Enrollment
from registry import measures
from registry.models import Business, LegalDocument, YearlyFigure
from registry.sizing import SizeClass
from reports import export_sales
from reports.models import Tally, TallyDirty, TallyGeneration
from umkm_portal.keyset import iterate_by_pk

NEVER = "never"  # the bucket of a document without an expiry date
NONE = "none"  # halal_due: no halal certificate at all
HALAL_DUE_SIZES = [SizeClass.MIKRO, SizeClass.KECIL, ""]
# Up to this many dirty cells are recomputed by name; more, by their kecamatan.
CELLS_BY_NAME = 40
_LOCK = 0x7A11  # pg_advisory_xact_lock key: one refresh at a time


def enrollment_steps():
    """The training funnel: step -> the enrollments that reached it (the summary and a live count both)."""
    return {"nominated": Q(), "attended": program_measures.attended(), "completed": program_measures.completed()}


def curation_steps():
    """The curation funnel: step -> the submissions that reached it."""
    return {"submitted": Q(), "passed": program_measures.passed(), "placed": program_measures.placed()}


# The financing funnel: a referral's stage and the amount the referrals that reached it add up.
REFERRAL_STAGES = (("dirujuk", "amount_requested"), ("disetujui", "amount_approved"), ("dicairkan", "amount_disbursed"))


def referral_aggregates():
    """Per stage, how many referrals reached it (`<stage>_n`) and their amount (`<stage>_amount`)."""
    aggregates = {}
    for stage, field in REFERRAL_STAGES:
        reached = program_measures.referral_reached(stage)
        aggregates[f"{stage}_n"] = Count("pk", filter=reached)
        aggregates[f"{stage}_amount"] = Sum(field, filter=reached)
    return aggregates


def pending(kecamatan=None):
    """Whether writes have marked cells not recounted yet (in these kecamatan, when given)."""
    marks = TallyDirty.objects.all()
    if kecamatan is not None:
        marks = marks.filter(kecamatan__in=kecamatan)
    return marks.exists()


def new_generation(token=None):
    """Move the summary's generation (inside the caller's transaction): dashboards cached under the old one
    (reports.cache) are computed afresh once it commits. For a write the marks do not cover (official counts).
    `token`: the one drawn by the caller (a fresh one otherwise). Returns the new generation_key().
    An upsert: the row is there from migration 0009, unless a test's flush or an operator took it away."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_tallygeneration (id, number, counted_at, token) VALUES (1, 1, now(), %s) "
            "ON CONFLICT (id) DO UPDATE SET number = reports_tallygeneration.number + 1, counted_at = now(), "
            "token = EXCLUDED.token RETURNING number, token",
            [token or uuid.uuid4()],
        )
        number, token = cursor.fetchone()
    return f"{number}:{token}"


def generation():
    """The summary's generation number (it only grows)."""
    return TallyGeneration.objects.values_list("number", flat=True).filter(pk=1).first() or 0


def generation_key(pending_in=None, **values):
    """The summary's generation as reports.cache keys the dashboard's figures by it: its number and the token
    of the transaction that moved it. With `pending_in` (kecamatan codes, or a queryset of them), also whether
    writes there wait for a recount (`pending`), read in the same query: (key, pending). With `values`
    (name=expression), those too, in the same query: (key, pending, {name: value}); without the generation's
    row (a test's flush) each is None."""
    state = TallyGeneration.objects.filter(pk=1)
    if pending_in is not None:
        state = state.annotate(pending=Exists(TallyDirty.objects.filter(kecamatan__in=pending_in)))
    state = state.annotate(**values)
    row = state.values_list("number", "token", *(["pending"] if pending_in is not None else []), *values).first()
    key = f"{row[0]}:{row[1]}" if row else "0"
    if pending_in is None:
        return key
    # Without the generation's row (a test's flush) the marks are asked for on their own.
    result = key, row[2] if row else pending(pending_in)
    if values:
        result += (dict(zip(values, row[3:], strict=True)) if row else dict.fromkeys(values),)
    return result


def refresh():
    """Recompute the cells that writes have marked; return how many (refresh_cells says which)."""
    return len(refresh_cells())


def refresh_cells(before_commit=None):
    """Recompute the cells that writes have marked; return them, as (kecamatan, category, guided). Runs in its
    own transaction, one at a time: a second caller waits, then finds nothing left to do. The generation moves
    in the same transaction, so dashboards cached before (reports.cache) show the new figures as soon as the
    new summary is seen. When cells were recounted, `before_commit(cells, key)` runs in that transaction
    before the generation moves: what it reads is the new summary, and what it caches under `key` (the
    generation_key() this transaction is about to make, with a token drawn here) is there the moment that
    generation is seen (reports.tasks.refresh_tallies warms the dashboards this way). The generation's row is
    locked only from its update to the commit, so nothing else that moves it (official counts) waits for
    the warm-up. Should something else move it meanwhile, the key is never made and its copies never read."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            cursor.execute("DELETE FROM reports_tallydirty RETURNING kecamatan, category, guided")
            cells = set(cursor.fetchall())
        if len(cells) <= CELLS_BY_NAME:
            _recount(cells)
        else:
            for kecamatan in sorted({cell[0] for cell in cells}):
                _recount_kecamatan(kecamatan)
        if cells:
            token = uuid.uuid4()
            if before_commit is not None:
                before_commit(cells, f"{generation() + 1}:{token}")
            new_generation(token)
    return cells


def refresh_after_import(sender, batch, **kwargs):
    """An import has written many rows: recount their cells now, not in the next dashboard view."""
    refresh()


def rebuild():
    """Recompute every cell (after a restore, or data loaded with the triggers off), a kecamatan at a time."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        TallyDirty.objects.all().delete()
        Tally.objects.all().delete()
        for kecamatan in Business.objects.order_by("kecamatan").values_list("kecamatan", flat=True).distinct():
            _recount_kecamatan(kecamatan)
        new_generation()


def _recount(cells):
    if not cells:
        return
    scope, stale = Q(), Q()
    for kecamatan, category, guided in cells:
        scope |= Q(kecamatan=kecamatan, category=category) & (~Q(guided_by="") if guided else Q(guided_by=""))
        stale |= Q(kecamatan=kecamatan, category=category, guided=guided)
    Tally.objects.filter(stale).delete()
    Tally.objects.bulk_create(_count(Business.objects.filter(scope)), batch_size=5000)


def _recount_kecamatan(kecamatan):
    Tally.objects.filter(kecamatan=kecamatan).delete()
    Tally.objects.bulk_create(_count(Business.objects.filter(kecamatan=kecamatan)), batch_size=5000)


def _documents(kind):
    return LegalDocument.objects.filter(business=OuterRef("pk"), kind__in=measures.DOCUMENT_KINDS[kind])


def _validity(kind):
    """For one document kind: whether a business has one without expiry, and the latest expiry. It holds
    one today <=> that, or the latest expiry >= today (registry.measures.holds_document)."""
    never = Exists(_documents(kind).filter(expires_on__isnull=True))
    last = Subquery(_documents(kind).order_by("-expires_on").values("expires_on")[:1])
    return {f"{kind}_never": never, f"{kind}_last": last}


def _count(businesses):
    """Tally rows for every cell of `businesses` (a kecamatan at most), bucketed as reports.figures counts:
    one query reads each business with its document validity, and one per kind of linked record."""
    totals = defaultdict(lambda: [0, None])
    months = defaultdict(lambda: [0] * 12)  # (cell, year) -> registrations per month

    def add(cell, measure, bucket, n=1, amount=None):
        entry = totals[(*cell, measure, str(bucket))]
        entry[0] += n
        if amount is not None:
            entry[1] = (entry[1] or 0) + amount

    kinds = list(measures.DOCUMENT_KINDS)
    fields = ["pk", "kecamatan", "category", "guided_by", "verification", "is_flagship", "size_class"]
    fields += ["owner__sex", "kbli_version", "kbli_code", "created_at", "nib"]
    validity = {name: value for kind in kinds for name, value in _validity(kind).items()}
    rows = businesses.order_by().annotate(**validity).values_list(*fields, *validity)
    cell_of = {}
    for pk, k, c, guided_by, verification, flagship, size, sex, version, kbli, created, nib, *docs in iterate_by_pk(
        rows
    ):
        cell = cell_of[pk] = (k, c, guided_by != "")
        add(cell, "all", "")
        add(cell, "verification", verification)
        if flagship:
            add(cell, "flagship", "1")
        add(cell, "size", size)
        add(cell, "sex", sex)
        add(cell, "kbli", f"{version}:{kbli[:2]}")
        registered = timezone.localtime(created)
        months[(cell, str(registered.year))][registered.month - 1] += 1
        for kind, never, last in zip(kinds, docs[0::2], docs[1::2], strict=True):
            never = never or (kind == "nib" and nib != "")
            bucket = NEVER if never else last
            if bucket:
                add(cell, f"doc:{kind}", bucket)
            if kind == "halal" and c in measures.HALAL_CATEGORIES and size in HALAL_DUE_SIZES:
                add(cell, "halal_due", bucket or NONE)
    if not cell_of:
        return []

    # Yearly figures and program records count in the cell of their business.
    ids = list(cell_of)
    figures = YearlyFigure.objects.filter(business__in=ids).order_by()
    for business, year in figures.rose().values_list("business", "year"):
        add(cell_of[business], "rose", year)
    for business, year, revenue in figures.filter(revenue__isnull=False).values_list("business", "year", "revenue"):
        add(cell_of[business], "sales", year, amount=revenue)

    def add_steps(rows, measure, **steps):
        """Per business, how many records reached each step of a funnel (`steps`: name -> condition)."""
        counted = rows.order_by().annotate(**{step: Count("pk", filter=q) for step, q in steps.items()})
        for business, *counts in counted:
            for step, n in zip(steps, counts, strict=True):
                if n:
                    add(cell_of[business], measure, step, n)

    add_steps(Enrollment.objects.filter(business__in=ids).values_list("business"), "enrollment", **enrollment_steps())
    submissions = CurationSubmission.objects.filter(product__business__in=ids).values_list("product__business")
    add_steps(submissions, "curation", **curation_steps())
    referrals = BankReferral.objects.filter(business__in=ids).order_by().values_list("business")
    for business, *counts in referrals.annotate(**referral_aggregates()):
        for (stage, _field), n, amount in zip(REFERRAL_STAGES, counts[0::2], counts[1::2], strict=True):
            if n:
                add(cell_of[business], "referral", stage, n, amount)

    # Exports (reports.export_sales): per country, the businesses that exported there and the value; per cell,
    # the businesses that exported anywhere and the value (the dashboard's category axis).
    exporters = defaultdict(Decimal)
    for (business, country), value in export_sales.per_business(businesses).items():
        add(cell_of[business], "export", country, 1, value)
        exporters[business] += value
    for business, value in exporters.items():
        add(cell_of[business], "exporter", "", 1, value)

    rows = [
        Tally(kecamatan=k, category=c, guided=g, measure=measure, bucket=bucket, n=n, amount=amount)
        for (k, c, g, measure, bucket), (n, amount) in totals.items()
    ]
    rows += [
        Tally(kecamatan=k, category=c, guided=g, measure="months", bucket=year, n=sum(counts), months=counts)
        for ((k, c, g), year), counts in months.items()
    ]
    return rows


class TallyCounts:
    """The tally of the cells in a user's area (narrowed by the dashboard's kecamatan, category and guided
    filters), summed three ways in one query: over the area, per category, and per kecamatan and guided
    (the "all" measure: the businesses per kecamatan, and the binaan). The per-category set is grouped
    only by the measures something reads of it (CATEGORY_MEASURES): the other rows fold into one row with
    no measure, which nothing reads. The recap's per-kecamatan measures (KECAMATAN_MEASURES: the Excel and
    PDF report, not the page) are a second query, run when first read.

    A document's expiry date is read as where it falls from today (`today`, which keys the cached figures
    too): "expired", "expiring" (within registry.measures' window) or "later"; "never" and "none" stay. The
    table keeps a bucket per expiry day (thousands of rows in a kabupaten) so that the reading can move with
    the day; the sums come back as five buckets per kind."""

    # What is read per kecamatan by the recap (per_kecamatan, holding_per_kecamatan) and per category
    # (per_category, sales). A new reader of another measure adds it here (tests/reports/test_tally.py
    # compares every figure with a live count).
    KECAMATAN_MEASURES = ("all", "verification", "size", "sex")  # and every "doc:<kind>"
    CATEGORY_MEASURES = ("all", "sales", "exporter")
    EXPIRED, EXPIRING, LATER = "expired", "expiring", "later"

    # The area's rows with each expiry date read from today (two parameters: today, the window's last day).
    _CELLS = f"""
        SELECT kecamatan, category, guided, measure, n, amount,
               CASE WHEN (measure LIKE 'doc:%%' OR measure = 'halal_due') AND bucket NOT IN ('{NEVER}', '{NONE}')
                    THEN CASE WHEN bucket COLLATE "C" < %s THEN '{EXPIRED}' WHEN bucket COLLATE "C" <= %s
                              THEN '{EXPIRING}' ELSE '{LATER}' END
                    ELSE bucket END AS bucket
        FROM reports_tally
        WHERE kecamatan = ANY(%s) AND (%s IS NULL OR category = %s) AND (%s IS NULL OR guided = %s)
          AND measure <> 'months'
    """  # noqa: S608 - constants  # nosec B608
    _SQL = f"""
        SELECT GROUPING(kecamatan, category, guided_all, by_category),
               kecamatan, category, guided_all, measure, bucket, by_category, SUM(n)::bigint, SUM(amount)
        FROM (
            SELECT kecamatan, category, measure, bucket, n, amount,
                   CASE WHEN measure = 'all' THEN guided END AS guided_all,
                   CASE WHEN measure = ANY(%s) THEN measure || ' ' || bucket END AS by_category
            FROM ({_CELLS}) cells
        ) cells
        GROUP BY GROUPING SETS ((measure, bucket), (category, by_category), (kecamatan, guided_all))
    """  # noqa: S608 - constants  # nosec B608
    _RECAP_SQL = f"""
        SELECT kecamatan, measure, bucket, SUM(n)::bigint FROM ({_CELLS}) cells
        WHERE measure = ANY(%s) OR measure LIKE 'doc:%%'
        GROUP BY kecamatan, measure, bucket
    """  # noqa: S608 - constants  # nosec B608
    # The registrations per month, over the area: each year's row holds its twelve months.
    _MONTHS_SQL = f"""
        SELECT bucket, {", ".join(f"SUM(months[{month}])::bigint" for month in range(1, 13))} FROM reports_tally
        WHERE kecamatan = ANY(%s) AND (%s IS NULL OR category = %s) AND (%s IS NULL OR guided = %s)
          AND measure = 'months'
        GROUP BY bucket
    """  # noqa: S608 - a constant  # nosec B608

    def __init__(self, kecamatan, scope, today):
        category = scope.get("category")
        guided = None if "guided" not in scope else scope["guided"] == "true"
        self.today = today
        self.area, self.category, self.guided = {}, {}, {}
        params = [list(kecamatan), category, category, guided, guided]
        last = measures.months_ahead(today, measures.EXPIRY_WINDOW_MONTHS)
        self._cells_params = [today.isoformat(), last.isoformat(), *params]
        with connection.cursor() as cursor:
            cursor.execute(self._SQL, [list(self.CATEGORY_MEASURES), *self._cells_params])
            for grouping, k, c, g, measure, bucket, by_category, n, amount in cursor.fetchall():
                if grouping == 0b1111:  # (measure, bucket): over the area
                    self.area[(measure, bucket)] = (n, amount)
                elif grouping == 0b1010 and by_category is not None:  # (category, by_category)
                    measure, bucket = by_category.split(" ", 1)
                    self.category[(c, measure, bucket)] = (n, amount)
                elif grouping == 0b0101 and g is not None:  # (kecamatan, guided_all)
                    self.guided[(k, g)] = (n, amount)
            cursor.execute(self._MONTHS_SQL, params)
            for year, *counts in cursor.fetchall():
                for month, n in enumerate(counts, start=1):
                    if n:
                        self.area[("month", f"{year}-{month:02d}")] = (n, None)

    @cached_property
    def kecamatan(self):
        """{(kecamatan, measure, bucket): (n, None)} of KECAMATAN_MEASURES and the documents (the recap)."""
        with connection.cursor() as cursor:
            cursor.execute(self._RECAP_SQL, [*self._cells_params, list(self.KECAMATAN_MEASURES)])
            return {(k, measure, bucket): (n, None) for k, measure, bucket, n in cursor.fetchall()}

    def n(self, measure, bucket=""):
        return self.area.get((measure, bucket), (0, None))[0]

    def amount(self, measure, bucket=""):
        return self.area.get((measure, bucket), (0, None))[1]

    def buckets(self, measure):
        """{bucket: n} over the area."""
        return {bucket: n for (m, bucket), (n, _) in self.area.items() if m == measure}

    def per_kecamatan(self, measure, bucket=""):
        if measure == "all" and bucket == "":  # the page's chart: from the main query
            per = defaultdict(int)
            for (k, _g), (n, _) in self.guided.items():
                per[k] += n
            return dict(per)
        return {k: n for (k, m, b), (n, _) in self.kecamatan.items() if m == measure and b == bucket}

    def per_category(self, measure, bucket=""):
        return {c: n for (c, m, b), (n, _) in self.category.items() if m == measure and b == bucket}

    def guided_per_kecamatan(self):
        return {k: n for (k, g), (n, _) in self.guided.items() if g}

    def sales(self):
        """{(year, category): (Rupiah total, businesses)} of the yearly figures with sales."""
        return {(int(b), c): (amount, n) for (c, m, b), (n, amount) in self.category.items() if m == "sales"}

    def exports(self):
        """{"country": {country: (businesses, value)}, "category": {category: (businesses, value)}} of exports."""
        return {
            "country": {bucket: (n, amount) for (m, bucket), (n, amount) in self.area.items() if m == "export"},
            "category": {c: (n, amount) for (c, m, _b), (n, amount) in self.category.items() if m == "exporter"},
        }

    def holding(self, kind):
        """Businesses that hold a valid document of `kind` today."""
        return sum(n for bucket, n in self.buckets(f"doc:{kind}").items() if self._valid(bucket))

    def holding_per_kecamatan(self, kind):
        per = defaultdict(int)
        for (k, m, bucket), (n, _) in self.kecamatan.items():
            if m == f"doc:{kind}" and self._valid(bucket):
                per[k] += n
        return dict(per)

    def expiring(self, kind):
        """Businesses whose latest document of `kind` expires between today and six months from now."""
        return self.n(f"doc:{kind}", self.EXPIRING)

    def halal_due(self):
        return sum(n for bucket, n in self.buckets("halal_due").items() if not self._valid(bucket))

    def _valid(self, bucket):
        return bucket in (NEVER, self.EXPIRING, self.LATER)


_REGISTERED_SQL = """
    SELECT k.kabupaten_id, t.bucket, SUM(t.n)::bigint
    FROM reports_tally t JOIN registry_kecamatan k ON k.code = t.kecamatan
    WHERE t.measure = 'months'"""


def registered_by_year_end(kecamatan, years):
    """{kabupaten: {"y<year>": live businesses registered by 31 December of that year (WIB)}} over `kecamatan`
    (a Kecamatan queryset), from the summary's registrations per year: one query over a few rows per
    kecamatan and year, where counting the businesses themselves reads every row of the kabupaten. A year
    bucket is the year of the registration in the portal's time zone, so "by 31 December" is "in a year up
    to that one"."""
    inner, params = kecamatan.order_by().values("pk").query.sql_with_params()
    sql = f"{_REGISTERED_SQL} AND t.kecamatan IN ({inner}) GROUP BY 1, 2"  # inner: Django's own parametrized SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    per_kabupaten = defaultdict(lambda: dict.fromkeys((f"y{year}" for year in years), 0))
    for kabupaten, bucket, n in rows:
        counts = per_kabupaten[kabupaten]
        for year in years:
            if int(bucket) <= year:
                counts[f"y{year}"] += n
    return dict(per_kabupaten)


def month_of(bucket):
    """ "2026-11" -> date(2026, 11, 1)."""
    year, month = bucket.split("-")
    return datetime.date(int(year), int(month), 1)
