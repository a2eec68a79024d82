from django.db import migrations

# registry.search.TYPO_SIMILARITY; a later change of it needs a migration like this one.
THRESHOLD = "0.5"

# The database's own default, which every new session starts with and RESET ALL / DISCARD ALL return to:
# behind PgBouncer in transaction mode a per-connection SET is lost or leaks between clients. A role that
# may not alter the database sets it for itself in this database instead. word_similarity() first loads
# pg_trgm, so the parameter is known (PostgreSQL 15 lets only superusers store an unknown one).
SET_DEFAULT = f"""
DO $$
BEGIN
  PERFORM word_similarity('', '');
  BEGIN
    EXECUTE format('ALTER DATABASE %I SET pg_trgm.word_similarity_threshold = {THRESHOLD}', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I SET pg_trgm.word_similarity_threshold = {THRESHOLD}',
                   current_database());
  END;
END $$;
SELECT set_config('pg_trgm.word_similarity_threshold', '{THRESHOLD}', false);
"""

RESET_DEFAULT = """
DO $$
BEGIN
  BEGIN
    EXECUTE format('ALTER DATABASE %I RESET pg_trgm.word_similarity_threshold', current_database());
  EXCEPTION WHEN insufficient_privilege THEN
    EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I RESET pg_trgm.word_similarity_threshold',
                   current_database());
  END;
END $$;
"""


class Migration(migrations.Migration):
    """The typo search's similarity threshold becomes the database's default instead of a SET per connection."""

    dependencies = [
        ("registry", "0022_import_sheet_and_year"),
    ]

    operations = [migrations.RunSQL(SET_DEFAULT, RESET_DEFAULT)]
