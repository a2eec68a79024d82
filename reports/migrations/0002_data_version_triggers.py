from django.db import migrations

# Tables whose writes changed a dashboard figure (migration 0009 drops these triggers).
COUNTED_TABLES = [
    "registry_business",
    "registry_business_groups",
    "registry_owner",
    "registry_product",
    "registry_productphoto",
    "registry_legaldocument",
    "registry_yearlyfigure",
    "registry_exportvalue",
    "registry_kecamatan",
    "programs_training",
    "programs_enrollment",
    "programs_curationsubmission",
    "programs_placement",
    "programs_bankreferral",
    "programs_exportfacilitation",
]

FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS reports_data_version;
CREATE OR REPLACE FUNCTION reports_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('reports_data_version');
    RETURN NULL;
END $$;
"""


def triggers(table):
    return (
        f"CREATE TRIGGER reports_version_now AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version();"
        f"CREATE CONSTRAINT TRIGGER reports_version_commit AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reports_bump_data_version();"
    )


def drop(table):
    return (
        f"DROP TRIGGER IF EXISTS reports_version_now ON {table};"
        f"DROP TRIGGER IF EXISTS reports_version_commit ON {table};"
    )


class Migration(migrations.Migration):
    """A version number that moves whenever data the dashboards count is written (reports/cache.py)."""

    dependencies = [
        ("reports", "0001_snapshots_and_report_jobs"),
        ("registry", "0015_indexed_name_search"),
        ("programs", "0009_provenance_of_program_records"),
    ]
    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS reports_bump_data_version() CASCADE;"
                          "DROP SEQUENCE IF EXISTS reports_data_version;"),
        *[migrations.RunSQL(triggers(table), drop(table)) for table in COUNTED_TABLES],
    ]
