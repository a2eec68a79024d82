"""Fast inserts for imports: COPY into each table, no per-field ORM compilation, and each new row's
history row (who, when, "created") copied from it inside the database.

Django's bulk_create prepares every value of every row through the query compiler, which costs more
than the database's work when a sheet has 100,000 rows. Here ids are taken from the table's sequence
first (so rows can point at each other), then the rows go in with one COPY per table.
"""

import csv
import functools
import io
import json
from operator import attrgetter

from django.db import connection
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from psycopg2 import sql


def new(model, **values):
    """An unsaved `model` instance as `model(**values)` makes it (each field's default, then `values`, a
    related object by its field's name), made several times faster: an import makes one per new owner,
    business, product and figure, and Model.__init__ matched every field against the keywords."""
    obj = model.__new__(model)
    obj._state = ModelState()
    attributes = obj.__dict__
    for attname, default, per_instance in _defaults(model):
        attributes[attname] = default() if per_instance else default
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


_DEFAULTS = {}


def _defaults(model):
    """(attname, default, whether to call it per instance) of each concrete field: a field's own default
    callable (dict, list, now ...) is called per instance, a plain value is shared."""
    if model not in _DEFAULTS:
        if pre_init.has_listeners(model) or post_init.has_listeners(model):
            raise TypeError(f"{model.__name__} has init signal receivers: make it with {model.__name__}(...)")
        _DEFAULTS[model] = [
            (field.attname, field.default, True)
            if field.has_default() and callable(field.default)
            else (field.attname, field.get_default(), False)
            for field in model._meta.concrete_fields
            if not field.generated
        ]
    return _DEFAULTS[model]


def insert(model, objs, *, history_user=None):
    """Insert unsaved `objs` of `model`, give them their primary keys, and write a "+" history row for
    each when the model keeps history. Foreign keys must point at saved rows (their ids are read)."""
    if not objs:
        return objs
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    timestamps = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    pk = model._meta.pk
    # A related object assigned before it was saved: its id now (what save() checks and does, per field).
    related = [(f.name, f.attname, f.target_field.attname) for f in fields if f.many_to_one or f.one_to_one]
    for obj, new_id in zip(objs, _next_ids(model._meta.db_table, pk.column, len(objs)), strict=True):
        cached = obj._state.fields_cache
        for name, attname, target in related:
            if cached.get(name) is not None:
                target_id = getattr(cached[name], target)
                if target_id is None:
                    raise ValueError(f"insert() refused: the related object '{name}' is not saved.")
                obj.__dict__[attname] = target_id  # not through the descriptor, which would forget the object
        for attname in timestamps:
            setattr(obj, attname, now)
        obj.pk = new_id
        obj._state.adding, obj._state.db = False, "default"
    values = attrgetter(pk.attname, *(f.attname for f in fields))  # one tuple per row, read in C
    _copy(model._meta.db_table, [pk, *fields], map(values, objs))
    history = getattr(model, "history", None)
    if history is not None:
        _history(history.model, objs, user=history_user, when=now)
    return objs


def _history(history_model, objs, *, user, when):
    """The "+" history rows of `objs`, copied by the database from the rows just written: nothing about
    them goes through Python or the wire twice."""
    model = history_model.instance_type
    user_id = getattr(user, "pk", None)
    extra = {"history_date": when, "history_type": "+", "history_change_reason": None, "history_user_id": user_id}
    targets, sources, params = [], [], []
    for field in history_model._meta.concrete_fields:
        if field.name == "history_id":
            continue
        targets.append(sql.Identifier(field.column))
        if field.attname in extra:
            sources.append(sql.Placeholder())
            params.append(extra[field.attname])
        else:
            sources.append(sql.Identifier(model._meta.get_field(field.name).column))
    statement = sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} = ANY(%s) ORDER BY {}").format(
        sql.Identifier(history_model._meta.db_table),
        sql.SQL(", ").join(targets),
        sql.SQL(", ").join(sources),
        sql.Identifier(model._meta.db_table),
        sql.Identifier(model._meta.pk.column),
        sql.Identifier(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.cursor), [*params, [obj.pk for obj in objs]])


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
    convert = [(i, c) for i, c in enumerate(_CONVERT.get(field.get_internal_type()) for field in fields) if c]
    if convert:
        rows = map(functools.partial(_converted, convert), rows)
    writer.writerows(rows)
    buffer.seek(0)
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(field.column) for field in fields)
    )
    with connection.cursor() as cursor, connection.wrap_database_errors:  # an IntegrityError as Django raises it
        raw = cursor.cursor
        raw.copy_expert(statement.as_string(raw), buffer)


def _converted(convert, row):
    """`row` with the values of the fields that need it (JSON, arrays, files) written as COPY reads them."""
    row = list(row)
    for i, to_text in convert:
        if row[i] is not None:
            row[i] = to_text(row[i])
    return row


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
