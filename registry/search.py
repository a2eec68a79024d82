"""Name search that indexes can serve at a million rows.

`umkm_search_key(text)` is upper(unaccent(text)) declared IMMUTABLE (migration 0015), so GIN trigram
indexes on it serve both "contains" (LIKE '%...%') and "similar words" (pg_trgm's %> operator, whose
threshold is the database's default, set by migration 0023: no per-connection SET, which PgBouncer in
transaction mode would lose). The searched value goes through the same function in SQL,
so "cafe" finds "Café" and "lumpiya" finds "Lumpia".
"""

import json
import re

from django.core.exceptions import ValidationError
from django.db.models import Func, Q, TextField, Value
from django.utils.translation import gettext_lazy as _

# Typos such as "lumpiya" still find "lumpia"; 0.5 keeps "batik" from matching every "bat...".
# pg_trgm.word_similarity_threshold in the database (migration 0023); a change needs a new migration.
TYPO_SIMILARITY = 0.5


class SearchKey(Func):
    function = "umkm_search_key"
    output_field = TextField()


# A trigram index serves a LIKE '%...%' only through the trigrams of the searched text, and a run of fewer than
# three letters or digits has none: "cv", "ud" or "%" read the whole index and then every row it points at (17 to
# 24 s for the business list at a million businesses). A search needs such a run (validate_searchable).
_INDEXED_RUN = re.compile(r"[^\W_]{3}")


def searchable(value):
    """Whether a search for `value` can be served by the names' trigram indexes: three letters or digits in a
    row somewhere in it ("cv maju" can, "cv" cannot)."""
    return bool(_INDEXED_RUN.search(value or ""))


TOO_SHORT = _("Ketik paling sedikit 3 huruf atau angka berurutan untuk mencari, misalnya “maju” dari “CV Maju”.")


def too_short(value):
    """TOO_SHORT (the message) when `value` is a search that searchable() refuses; "" for an empty one, which
    searches nothing, or one that can be searched."""
    return TOO_SHORT if value and value.strip() and not searchable(value) else ""


def validate_searchable(value):
    """A search box's validator: see too_short()."""
    if too_short(value):
        raise ValidationError(TOO_SHORT, code="too_short")


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
