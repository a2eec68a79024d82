from django.db import migrations

# The database cache's rows are copies (pages, figures, counters) that a miss rebuilds: they need no
# write-ahead log. Unlogged, a page stored in the cache costs no WAL flush at commit and sends nothing to
# a replica (which never reads the cache: umkm_portal.routers.PRIMARY_ONLY_APPS). After a crash PostgreSQL
# empties the table, as a Redis restart empties Redis: every kept token is then made anew
# (programs.catalogue_cache), which can only cost a rebuild.
SET_UNLOGGED = 'ALTER TABLE "umkm_cache" SET UNLOGGED;'
SET_LOGGED = 'ALTER TABLE "umkm_cache" SET LOGGED;'


class Migration(migrations.Migration):
    """The database cache's table unlogged (reports 0008 made it)."""

    dependencies = [("reports", "0011_event_tally_triggers")]
    operations = [migrations.RunSQL(SET_UNLOGGED, SET_LOGGED)]
