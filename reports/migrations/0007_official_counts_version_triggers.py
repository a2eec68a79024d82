from django.db import migrations

# The same triggers as migration 0002 puts on the tables in reports.cache.COUNTED_TABLES: the dashboard
# shows official counts in its cached figures, so loading them must move the data version too.
TABLE = "reports_officialcount"
CREATE = (
    f"CREATE TRIGGER reports_version_now AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version();"
    f"CREATE CONSTRAINT TRIGGER reports_version_commit AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reports_bump_data_version();"
)
DROP = f"DROP TRIGGER IF EXISTS reports_version_now ON {TABLE};DROP TRIGGER IF EXISTS reports_version_commit ON {TABLE};"


class Migration(migrations.Migration):
    """Loading official counts makes the next dashboard view compute its figures afresh (reports/cache.py)."""

    dependencies = [("reports", "0006_official_counts")]
    operations = [migrations.RunSQL(CREATE, DROP)]
