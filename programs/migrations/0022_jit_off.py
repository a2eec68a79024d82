from django.db import migrations

# JIT compilation costs about 350 ms per query whose plan passes jit_above_cost (the catalogue's searches at
# a million, measured in docs/performance.md) and saves nothing on queries that read a few hundred rows.
# Set as the database's own default, which every new session starts with and RESET ALL / DISCARD ALL
# return to: behind PgBouncer in transaction mode a startup `options` or a per-connection SET is lost or
# leaks between clients. A role that may not alter the database sets it for itself in this database.
SET_DEFAULT = """
DO $$
BEGIN
  BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I SET jit = off', current_database());
  END;
END $$;
SELECT set_config('jit', 'off', false);
"""

RESET_DEFAULT = """
DO $$
BEGIN
  BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I RESET jit', current_database());
  END;
END $$;
"""


class Migration(migrations.Migration):
    """JIT off for the application's queries, as the database's default (survives PgBouncer in transaction
    mode, unlike a connection's startup options)."""

    dependencies = [
        ("programs", "0021_catalogue_entries"),
    ]

    operations = [migrations.RunSQL(SET_DEFAULT, RESET_DEFAULT)]
