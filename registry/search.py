"""Name search that indexes can serve at a million rows.

`umkm_search_key(text)` is upper(unaccent(text)) declared IMMUTABLE (migration 0015), so GIN trigram
indexes on it serve both "contains" (LIKE '%...%') and "similar words" (pg_trgm's %> operator, with
the threshold set per connection below). The searched value goes through the same function in SQL,
so "cafe" finds "Café" and "lumpiya" finds "Lumpia".
"""

import json

from django.db.models import Func, Q, TextField, Value

# Typos such as "lumpiya" still find "lumpia"; 0.5 keeps "batik" from matching every "bat...".
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


def set_similarity_threshold(sender, connection, **kwargs):
    """connection_created: the threshold of pg_trgm's word-similarity operator, for every connection."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [TYPO_SIMILARITY])


def estimated_rows(queryset):
    """The planner's estimate of how many rows `queryset` gives (EXPLAIN: nothing is read)."""
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])
