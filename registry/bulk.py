"""Fast inserts for imports: COPY into each table, no per-field ORM compilation, with each new row's
history written the same way (who, when, "created").

Django's bulk_create prepares every value of every row through the query compiler, which costs more
than the database's work when a sheet has 100,000 rows. Here ids are taken from the table's sequence
first (so rows can point at each other), then the rows go in with one COPY per table.
"""

import csv
import io
import json

from django.db import connection
from django.utils import timezone
from psycopg2 import sql


def insert(model, objs, *, history_user=None):
    """Insert unsaved `objs` of `model`, give them their primary keys, and write a "+" history row for
    each when the model keeps history. Foreign keys must point at saved rows (their ids are read)."""
    if not objs:
        return objs
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    timestamps = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    pk = model._meta.pk
    for obj, new_id in zip(objs, _next_ids(model._meta.db_table, pk.column, len(objs)), strict=True):
        obj._prepare_related_fields_for_save(operation_name="insert")
        for attname in timestamps:
            setattr(obj, attname, now)
        obj.pk = new_id
        obj._state.adding, obj._state.db = False, "default"
    _copy(model._meta.db_table, [pk, *fields], ([obj.pk, *(getattr(obj, f.attname) for f in fields)] for obj in objs))
    history = getattr(model, "history", None)
    if history is not None:
        _history(history.model, objs, user=history_user, when=now)
    return objs


def _history(history_model, objs, *, user, when):
    fields = [field for field in history_model._meta.concrete_fields if field.name != "history_id"]
    extra = {
        "history_date": when,
        "history_type": "+",
        "history_change_reason": None,
        "history_user_id": getattr(user, "pk", None),
    }
    rows = ([extra[f.attname] if f.attname in extra else getattr(obj, f.attname) for f in fields] for obj in objs)
    _copy(history_model._meta.db_table, fields, rows)


def _next_ids(table, column, count):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table, fields, rows):
    """COPY `rows` in CSV format, written by the csv module (in C): None goes out unquoted, which COPY
    reads as NULL, and every other value quoted, so an empty string stays an empty string."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n")
    convert = [_CONVERT.get(field.get_internal_type()) for field in fields]
    if any(convert):
        rows = ([c(v) if c and v is not None else v for c, v in zip(convert, row, strict=True)] for row in rows)
    writer.writerows(rows)
    buffer.seek(0)
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(field.column) for field in fields)
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.copy_expert(statement.as_string(raw), buffer)


def _array(value):
    """A list as a PostgreSQL array literal."""
    return "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"


# Values the csv module would not write as PostgreSQL reads them, by field type; the rest (text, numbers,
# dates, datetimes with their offset, booleans as True/False) go out as str() writes them.
_CONVERT = {
    "JSONField": lambda v: json.dumps(v, ensure_ascii=False),
    "ArrayField": _array,
    "FileField": lambda v: getattr(v, "name", v) or "",
    "ImageField": lambda v: getattr(v, "name", v) or "",
}
