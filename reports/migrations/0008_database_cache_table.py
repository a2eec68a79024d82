from django.db import migrations

# The table of Django's database cache (settings: CACHES without CACHE_URL), as `createcachetable` makes
# it. Made by a migration so every database has it whatever CACHE_URL says when it is migrated: a
# portal can then move from Redis back to the database cache without a step of its own.
# `createcachetable` (which Django also runs when it creates a test database) finds it there and skips it.
TABLE = "umkm_cache"
CREATE = (
    f'CREATE TABLE IF NOT EXISTS "{TABLE}" ('
    '"cache_key" varchar(255) NOT NULL PRIMARY KEY, "value" text NOT NULL, "expires" timestamp with time zone NOT NULL);'
    f'CREATE INDEX IF NOT EXISTS "{TABLE}_expires" ON "{TABLE}" ("expires");'
)
DROP = f'DROP TABLE IF EXISTS "{TABLE}";'


class Migration(migrations.Migration):
    """The shared cache's table for deployments without Redis (umkm_portal.settings, "Cache")."""

    dependencies = [("reports", "0007_official_counts_version_triggers")]
    operations = [migrations.RunSQL(CREATE, DROP)]
