"""Name search that indexes can serve at a million rows.

`umkm_search_key(text)` is upper(unaccent(text)) declared IMMUTABLE (migration 0015), so GIN trigram
indexes on it serve both "contains" (LIKE '%...%') and "similar words" (pg_trgm's %> operator, whose
threshold is the database's default, set by migration 0023: no per-connection SET, which PgBouncer in
transaction mode would lose). The searched value goes through the same function in SQL,
so "cafe" finds "Café" and "lumpiya" finds "Lumpia".
"""

import json

from django.db.models import Func, Q, TextField, Value

# Typos such as "lumpiya" still find "lumpia"; 0.5 keeps "batik" from matching every "bat...".
# pg_trgm.word_similarity_threshold in the database (migration 0023); a change needs a new migration.
TYPO_SIMILARITY = 0.5


class SearchKey(Func):
    function = "umkm_search_key"
    output_field = TextField()


def name_matches(queryset, value, *, field="name", similar=True):
    """The rows of `queryset` whose `field` contains `value` (case- and accent-blind) or, with
    `similar`, has a word like it; index-served through the search key."""
    key = SearchKey(Value(value))
    condition = Q(search_key__contains=key)
    if similar:
        condition |= Q(search_key__trigram_word_similar=key)
    return queryset.annotate(search_key=SearchKey(field)).filter(condition)


def estimated_rows(queryset):
    """The planner's estimate of how many rows `queryset` gives (EXPLAIN: nothing is read)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
