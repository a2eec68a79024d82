"""The public catalogue's narrow entries (programs.models.CatalogueEntry): one row per listing that
`Listing.objects.public()` shows, recomputed from it in the transaction of every write that changes what
the public may see, so the catalogue narrows, orders and counts a kabupaten's listings on the entries'
own indexes instead of joining a million products and businesses.

`refresh(...)` deletes the entries of a scope (businesses, products or listings) and inserts them again
from `Listing.objects.public()` in one `INSERT ... SELECT`; it also forgets the cached pages of every
kabupaten whose entries it touched (after commit, programs.catalogue_cache). Writers reach it through
signals (programs/apps.py: a save or delete of a business, product, document, listing, consent or
curation submission; registry's own `import_finished` and `businesses_changed` for its bulk writes), so
registry never imports programs. `rebuild()` (`manage.py rebuild_catalogue`, and daily on the worker) is
the safety net.

The same statement adds the words of the names it wrote to the kabupaten's vocabulary
(programs.models.CatalogueWord, what a typo search matches first); `rebuild()` also drops the words no entry
has any more. A writer locks the words it finds already there until it commits (`DO UPDATE ... WHERE false`
writes nothing), so a rebuild dropping a word a concurrent writer still needs waits for it and then puts the
word back from the entries it can now see. Writers and the rebuild lock words in one order (kabupaten,
word), so two of them never wait for each other in a circle.

The rows a page shows are still read through `Listing.objects.public()` by the ids the entries give, so
a withdrawal shows at once even if an entry were ever stale.
"""

import datetime

from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from programs import catalogue_cache, public
from programs.models import CatalogueEntry, CatalogueWord, Listing
from registry.models import Business, LegalDocument
from registry.search import SearchKey

NO_END = datetime.date(9999, 12, 31)  # a certificate without an end date: valid on any day
# The certification filter's codes (programs.public.CERTIFICATIONS) and their entry columns.
CERTIFICATE_FIELDS = {code: f"{code}_until" for code in public.CERTIFICATIONS}


def _until(kinds):
    """The last day the product holds one of `kinds` (on itself or on its business), NO_END for a document
    without an end date, None for none."""
    documents = (
        LegalDocument.objects.filter(kind__in=kinds, business=OuterRef("product__business"))
        .filter(Q(product__isnull=True) | Q(product=OuterRef("product")))
        .annotate(until=Coalesce("expires_on", Value(NO_END)))
        .order_by("-until")
        .values("until")[:1]
    )
    return Subquery(documents)


def _columns():
    """(entry column, expression over a Listing) in the order the INSERT names them."""
    columns = [
        ("listing_id", "pk"),
        ("business_id", "product__business"),
        ("kabupaten_id", "product__business__kecamatan__kabupaten"),
        ("kecamatan_id", "product__business__kecamatan"),
        ("category", "product__category"),
        ("export_ready", "export_ready"),
        ("listed_at", "listed_at"),
    ]
    columns += [(field, _until(public.CERTIFICATIONS[code][1])) for code, field in CERTIFICATE_FIELDS.items()]
    columns += [("product_key", SearchKey("product__name")), ("business_key", SearchKey("product__business__name"))]
    return columns


# The words of a search key, as pg_trgm separates them (anything not a letter or a digit); over rows that
# have kabupaten_id, product_key and business_key.
WORDS = (
    "SELECT DISTINCT kabupaten_id, word FROM {rows},"
    " LATERAL regexp_split_to_table(product_key || ' ' || business_key, '[^[:alnum:]]+') AS word WHERE word <> ''"
)


def _statement(entries, listings, *, changed_only=False):
    """One statement: upsert the entries of `listings` (a Listing queryset), delete the entries of
    `entries` (a CatalogueEntry queryset, the scope) that it no longer gives, and return the kabupaten of
    the scope's entries before and after; with `changed_only`, only the kabupaten of entries that were
    added, changed or removed. One statement is atomic by itself, and costs one round trip."""
    columns = _columns()
    names = {f"entry_{column}": F(value) if isinstance(value, str) else value for column, value in columns}
    fresh, fresh_params = listings.order_by().annotate(**names).values_list(*names).query.sql_with_params()
    scope, scope_params = entries.order_by().values("pk").query.sql_with_params()
    table, words_table = CatalogueEntry._meta.db_table, CatalogueWord._meta.db_table
    targets = ", ".join(column for column, _value in columns)
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column, _value in columns[1:])
    unchanged, touched = "", "SELECT kabupaten_id FROM old UNION SELECT kabupaten_id FROM put"
    if changed_only:  # an entry equal to what it would become is neither written nor counted as touched
        mine = ", ".join(f"entry.{column}" for column, _value in columns[1:])
        theirs = ", ".join(f"EXCLUDED.{column}" for column, _value in columns[1:])
        unchanged = f"WHERE ({mine}) IS DISTINCT FROM ({theirs})"
        touched = (
            "SELECT kabupaten_id FROM gone UNION SELECT kabupaten_id FROM put"
            " UNION SELECT old.kabupaten_id FROM old JOIN put USING (listing_id)"
        )
    sql = f"""
        WITH fresh AS ({fresh}),
        old AS (SELECT listing_id, kabupaten_id FROM {table} WHERE listing_id IN ({scope})),
        gone AS (
            DELETE FROM {table} WHERE listing_id IN ({scope})
            AND listing_id NOT IN (SELECT entry_listing_id FROM fresh) RETURNING kabupaten_id
        ),
        put AS (
            INSERT INTO {table} AS entry ({targets}) SELECT * FROM fresh
            ON CONFLICT (listing_id) DO UPDATE SET {updates} {unchanged}
            RETURNING listing_id, kabupaten_id, product_key, business_key
        ),
        words AS (
            INSERT INTO {words_table} AS known (kabupaten_id, word) {WORDS.format(rows="put")} ORDER BY 1, 2
            ON CONFLICT (kabupaten_id, word) DO UPDATE SET word = EXCLUDED.word WHERE false
        )
        {touched}
    """  # noqa: S608 - table and column names are the model's, values are parameters  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, (*fresh_params, *scope_params, *scope_params))
        return {row[0] for row in cursor.fetchall()}


def _refresh(entries, listings, *, changed_only=False):
    touched = _statement(entries, Listing.objects.public().filter(listings), changed_only=changed_only)
    for code in touched:
        catalogue_cache.forget(code)
    return touched


def refresh(*, businesses=(), products=(), listings=()):
    """Recompute the entries of these businesses, products and listings (pks) from Listing.objects.public(),
    in the current transaction, and forget the cached pages of the kabupaten touched (after commit)."""
    businesses, products, listings = set(businesses), set(products), set(listings)
    if not (businesses or products or listings):
        return set()
    scope = Q(business__in=businesses) | Q(listing__product__in=products) | Q(listing__in=listings)
    source = Q(product__business__in=businesses) | Q(product__in=products) | Q(pk__in=listings)
    return _refresh(CatalogueEntry.objects.filter(scope), source)


def rebuild(kabupaten=None):
    """Recompute every entry (or a kabupaten's); returns how many there are now. Only the kabupaten whose
    entries it had to correct lose their kept pages: the daily run of a catalogue kept right by its writers
    moves no generation, so it drops no copy and no printable catalogue being built."""
    if kabupaten is None:
        entries, source = CatalogueEntry.objects.all(), Q()
    else:
        entries, source = (
            CatalogueEntry.objects.filter(kabupaten=kabupaten),
            Q(product__business__kecamatan__kabupaten=kabupaten),
        )
    _refresh(entries, source, changed_only=True)
    rebuild_words(kabupaten)
    return CatalogueEntry.objects.filter(**({} if kabupaten is None else {"kabupaten": kabupaten})).count()


def rebuild_words(kabupaten=None):
    """Drop the words no entry of the kabupaten (or of any) has, then add the entries' words that are
    missing: two statements, so the second sees the writers that the first waited for (see the docstring)."""
    table, words_table = CatalogueEntry._meta.db_table, CatalogueWord._meta.db_table
    code = getattr(kabupaten, "pk", kabupaten)
    scope, params = ("", []) if code is None else ("WHERE kabupaten_id = %s", [code])
    rows = f"(SELECT kabupaten_id, product_key, business_key FROM {table} {scope}) AS entry"  # noqa: S608  # nosec B608
    words = WORDS.format(rows=rows)
    mine = "known.kabupaten_id = %s AND" if params else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM {words_table} WHERE id IN (
                SELECT id FROM {words_table} AS known WHERE {mine} (known.kabupaten_id, known.word) NOT IN ({words})
                ORDER BY kabupaten_id, word FOR UPDATE
            )""",  # noqa: S608  # nosec B608
            params + params,
        )
        cursor.execute(
            f"INSERT INTO {words_table} (kabupaten_id, word) {words} ORDER BY 1, 2 ON CONFLICT DO NOTHING",
            params,
        )


#
# Writers, through signals (connected in programs/apps.py)
#

# A product's save that changes none of these leaves its entry as it is (a price, a description).
PRODUCT_FIELDS = {"name", "category", "business"}


def _business_saved(sender, instance, created, **kwargs):
    # Every save of an existing one: a merge moves listings onto the survivor and then saves only its
    # updated_at (registry.duplicates.merge).
    if not created:  # a new business has no listing yet
        refresh(businesses=[instance.pk])


def _product_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not PRODUCT_FIELDS & set(update_fields)):
        return
    refresh(products=[instance.pk])


def _document_changed(sender, instance, **kwargs):
    if instance.kind in public.SHOWN_KINDS:
        refresh(businesses=[instance.business_id])


def _listing_saved(sender, instance, **kwargs):
    refresh(listings=[instance.pk])


def _consent_saved(sender, instance, **kwargs):
    refresh(businesses=[instance.business_id])


def _submission_changed(sender, instance, **kwargs):
    refresh(products=[instance.product_id])


def _import_finished(sender, batch, **kwargs):
    """An import writes businesses, products and documents in bulk (no save signals): refresh the listed
    businesses it wrote to."""
    since = batch.started_at or batch.created_at
    changed = set()
    for written in ("product__business__updated_at", "product__updated_at", "product__business__documents__updated_at"):
        changed |= set(Listing.objects.filter(**{f"{written}__gte": since}).values_list("product__business", flat=True))
    refresh(businesses=changed)


def _groups_changed(sender, instance, action, pk_set=None, **kwargs):
    """A business's groups set, added or cleared (set_groups, the admin): the group filter and the business
    page name them."""
    if action.startswith("post_"):
        _businesses_changed(sender, businesses=Business.all_objects.filter(pk=instance.pk))


def _businesses_changed(sender, businesses, **kwargs):
    """Registry's own bulk writes (group membership) name the businesses they changed."""
    for code in {kecamatan[:5] for kecamatan in businesses.values_list("kecamatan", flat=True).distinct()}:
        catalogue_cache.forget(code)


def connect():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from programs.models import CurationSubmission, ListingConsent
    from registry.models import Product
    from registry.signals import businesses_changed, import_finished

    post_save.connect(_business_saved, sender=Business, dispatch_uid="catalogue_entries_business")
    post_save.connect(_product_saved, sender=Product, dispatch_uid="catalogue_entries_product")
    post_save.connect(_document_changed, sender=LegalDocument, dispatch_uid="catalogue_entries_document")
    post_delete.connect(_document_changed, sender=LegalDocument, dispatch_uid="catalogue_entries_document_gone")
    post_save.connect(_listing_saved, sender=Listing, dispatch_uid="catalogue_entries_listing")
    post_save.connect(_consent_saved, sender=ListingConsent, dispatch_uid="catalogue_entries_consent")
    post_delete.connect(_consent_saved, sender=ListingConsent, dispatch_uid="catalogue_entries_consent_gone")
    post_save.connect(_submission_changed, sender=CurationSubmission, dispatch_uid="catalogue_entries_submission")
    post_delete.connect(
        _submission_changed, sender=CurationSubmission, dispatch_uid="catalogue_entries_submission_gone"
    )
    import_finished.connect(_import_finished, dispatch_uid="catalogue_entries_import")
    m2m_changed.connect(_groups_changed, sender=Business.groups.through, dispatch_uid="catalogue_entries_groups")
    businesses_changed.connect(_businesses_changed, dispatch_uid="catalogue_entries_businesses")
