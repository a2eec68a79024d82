"""A time limit for the statements of one block, for a page that may ask PostgreSQL for much more than it shows."""

from contextlib import contextmanager

from django.db import OperationalError, connections, transaction
from psycopg2 import errorcodes


class TooSlow(Exception):
    """A statement ran past the block's time limit: PostgreSQL cancelled it and the block's transaction was rolled
    back."""


@contextmanager
def time_limit(milliseconds, using):
    """Run the block in a transaction of database `using` (a savepoint inside another) whose statements PostgreSQL
    cancels after `milliseconds` each (statement_timeout); raise TooSlow when it does. The limit ends with the
    block, inside an outer transaction too: SET LOCAL would otherwise hold until that transaction's end. It is a
    transaction's setting, so it holds behind PgBouncer in transaction mode and on a replica."""
    connection = connections[using]
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                    [f"{int(milliseconds)}ms"],
                )
                before = cursor.fetchone()[0]
            yield
            if nested:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == errorcodes.QUERY_CANCELED:
            raise TooSlow from error
        raise
