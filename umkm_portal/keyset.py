"""Walking a large queryset in primary-key chunks, without a server-side cursor.

QuerySet.iterator() streams through a server-side cursor, which PgBouncer in transaction mode loses
between transactions ("cursor does not exist"); with DISABLE_SERVER_SIDE_CURSORS it reads the whole
result into memory instead. A keyset walk needs neither: each chunk is its own small query.
"""

from django.db.models import Model

DEFAULT_CHUNK_SIZE = 2000


def iterate_by_pk(queryset, chunk_size=DEFAULT_CHUNK_SIZE):
    """Yield every row of `queryset` once, in primary-key order, reading at most `chunk_size` rows per
    query (`WHERE pk > last ORDER BY pk LIMIT chunk_size`).

    Use it where `.iterator()` walks a large queryset (exports, recounts, background jobs): memory holds
    one chunk, a late chunk costs what the first does (the pk index), and no server-side cursor is used,
    so it works behind PgBouncer. select_related() and prefetch_related() apply per chunk. The queryset's
    own ordering is replaced by the pk's. Rows of values() must include "pk"; rows of values_list()
    must start with the pk; values_list(flat=True) must be of the pk itself. Raises TypeError on a
    sliced queryset.
    """
    if queryset.query.is_sliced:
        raise TypeError("iterate_by_pk() needs an unsliced queryset.")
    key = _key_of(queryset)
    queryset = queryset.order_by("pk")
    chunk = list(queryset[:chunk_size])
    while chunk:
        yield from chunk
        if len(chunk) < chunk_size:
            return
        chunk = list(queryset.filter(pk__gt=key(chunk[-1]))[:chunk_size])


def _key_of(queryset):
    """How to read the pk of one row of `queryset`, from the row itself: a model instance, a values() dict,
    a values_list() tuple (pk first), or a flat values_list() of the pk."""
    attname = queryset.model._meta.pk.attname

    def key(row):
        if isinstance(row, Model):
            return row.pk
        if isinstance(row, dict):
            return row["pk"] if "pk" in row else row[attname]
        if isinstance(row, tuple):
            return row[0]
        return row

    return key
