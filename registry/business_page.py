"""The business page's record and its parts in one statement (issue 17, item 6): the page's faster path.

The plain path is Django's own (`plain`): `select_related` for the owner and the regions, then one
`prefetch_related` query per relation (products, their photos, documents, yearly figures, groups, exports,
the user who registered it): seven queries after the business's. `one_statement` reads the same rows in the
business's own query: one JSON object beside the business's row holds its owner's, desa's and kecamatan's
(with the kabupaten) rows and each relation's rows (`to_jsonb` of each row, in the order the plain path
uses; the relations' managers filter nothing), turned back into model instances with each field's own
`to_python` and put where `select_related` and `prefetch_related` put what they read, so the template
cannot tell the two apart.
tests/registry/test_business_page.py renders the page both ways and compares the HTML.
"""

import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Prefetch
from django.db.models.expressions import RawSQL

from registry.models import (
    BusinessGroup,
    Desa,
    ExportValue,
    Kabupaten,
    Kecamatan,
    LegalDocument,
    Owner,
    Product,
    ProductPhoto,
    YearlyFigure,
)

# What the page shows of each relation, in its order (the plain path's prefetches and the fast path's arrays).
PHOTO_ORDER = ("created_at", "pk")
PRODUCT_ORDER = ("name", "pk")
DOCUMENT_ORDER = ("kind", "pk")
FIGURE_ORDER = ("year",)
EXPORT_ORDER = ("-year", "country")  # ExportValue's Meta ordering, within one business
GROUP_ORDER = ("name", "pk")  # the model orders by kecamatan first: a join, for one business


def plain(queryset):
    """The business with its parts, through the ORM's prefetches (the reference the fast path must match)."""
    photos = Prefetch("photos", queryset=ProductPhoto.objects.order_by(*PHOTO_ORDER))
    return (
        queryset.select_related("owner", "desa", "kecamatan__kabupaten")
        .prefetch_related(
            "registered_by",
            Prefetch("products", queryset=Product.objects.prefetch_related(photos).order_by(*PRODUCT_ORDER)),
            Prefetch("documents", queryset=LegalDocument.objects.select_related("product").order_by(*DOCUMENT_ORDER)),
            Prefetch("yearly_figures", queryset=YearlyFigure.objects.order_by(*FIGURE_ORDER)),
            Prefetch("groups", queryset=BusinessGroup.objects.order_by(*GROUP_ORDER)),
            Prefetch("exports", queryset=ExportValue.objects.order_by(*EXPORT_ORDER)),
        )
        .get()
    )


def one_statement(queryset):
    """The same business and parts as `plain`, read in one query. The owner and the regions come in the JSON
    object too, not as joins: PostgreSQL planned the five-table join in 1.1 to 1.6 ms, the business's row
    alone with its subqueries in 0.45 to 0.57 ms (and the ORM compiled 100 columns fewer)."""
    user_model = get_user_model()
    parts = RawSQL(PARTS_SQL, [], output_field=models.TextField())  # noqa: S611 - a constant, no input  # nosec B611
    business = queryset.annotate(parts=parts).get()
    db, parts = business._state.db, json.loads(business.parts, parse_float=Decimal)
    del business.parts
    business.owner = _instance(Owner, parts["owner"], db)
    business.desa = _instance(Desa, parts["desa"], db)
    kecamatan = _instance(Kecamatan, parts["kecamatan"], db)
    kecamatan.kabupaten = _instance(Kabupaten, parts["kecamatan"]["kabupaten"], db)
    business.kecamatan = kecamatan
    products = []
    for row in parts["products"]:
        product = _instance(Product, row, db)
        _prefetched(product, "photos", [_instance(ProductPhoto, photo, db) for photo in row["photos"]])
        products.append(product)
    _prefetched(business, "products", products)
    documents = []
    for row in parts["documents"]:
        document = _instance(LegalDocument, row, db)
        document.product = _instance(Product, row["product"], db) if row["product"] else None
        documents.append(document)
    _prefetched(business, "documents", documents)
    _prefetched(business, "yearly_figures", [_instance(YearlyFigure, row, db) for row in parts["figures"]])
    _prefetched(business, "groups", [_instance(BusinessGroup, row, db) for row in parts["groups"]])
    _prefetched(business, "exports", [_instance(ExportValue, row, db) for row in parts["exports"]])
    if business.registered_by_id is not None:
        business.registered_by = _instance(user_model, parts["registered_by"], db)
    return business


# One JSON object: the owner, desa and kecamatan (with its kabupaten) rows, and each relation's rows (`to_jsonb`
# of the row, keyed by column) in the plain path's order.
# Written out: the ORM's expressions for the relations' 150 fields cost more Python than the seven queries.
PARTS_SQL = """
jsonb_build_object(
  'owner', (SELECT to_jsonb(o) FROM registry_owner o WHERE o.id = registry_business.owner_id),
  'desa', (SELECT to_jsonb(ds) FROM registry_desa ds WHERE ds.code = registry_business.desa_id),
  'kecamatan', (SELECT to_jsonb(k) || jsonb_build_object('kabupaten', (
                  SELECT to_jsonb(kb) FROM registry_kabupaten kb WHERE kb.code = k.kabupaten_id))
                FROM registry_kecamatan k WHERE k.code = registry_business.kecamatan_id),
  'products', (SELECT coalesce(jsonb_agg(to_jsonb(p) || jsonb_build_object('photos', (
                  SELECT coalesce(jsonb_agg(to_jsonb(ph) ORDER BY ph.created_at, ph.id), '[]')
                  FROM registry_productphoto ph WHERE ph.product_id = p.id)) ORDER BY p.name, p.id), '[]')
               FROM registry_product p WHERE p.business_id = registry_business.id),
  'documents', (SELECT coalesce(jsonb_agg(to_jsonb(d) || jsonb_build_object('product', (
                   SELECT to_jsonb(dp) FROM registry_product dp WHERE dp.id = d.product_id))
                   ORDER BY d.kind, d.id), '[]')
                FROM registry_legaldocument d WHERE d.business_id = registry_business.id),
  'figures', (SELECT coalesce(jsonb_agg(to_jsonb(f) ORDER BY f.year), '[]')
              FROM registry_yearlyfigure f WHERE f.business_id = registry_business.id),
  'groups', (SELECT coalesce(jsonb_agg(to_jsonb(g) ORDER BY g.name, g.id), '[]')
             FROM registry_businessgroup g JOIN registry_business_groups m ON m.businessgroup_id = g.id
             WHERE m.business_id = registry_business.id),
  'exports', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.year DESC, e.country), '[]')
              FROM registry_exportvalue e WHERE e.business_id = registry_business.id),
  'registered_by', (SELECT to_jsonb(u) FROM auth_user u WHERE u.id = registry_business.registered_by_id)
)::text
"""


def _instance(model, row, db):
    """A model instance from its row's JSON object, each value through its field's `to_python`, as loaded
    from the database (`Model.from_db`)."""
    fields = model._meta.concrete_fields
    values = [field.to_python(row[field.column]) for field in fields]
    return model.from_db(db, [field.attname for field in fields], values)


def _prefetched(instance, name, objects):
    """Put `objects` where `prefetch_related` puts relation `name`'s rows, so `instance.<name>.all()` reads
    them without a query (django.db.models.query.prefetch_one_level does the same)."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset
