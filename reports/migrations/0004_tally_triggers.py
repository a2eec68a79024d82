from django.db import migrations

# How each table reaches the business whose cell a written row belongs to ("r" is the written row).
PATHS = {
    "registry_business": "{rows} b",
    "registry_owner": "{rows} r JOIN registry_business b ON b.owner_id = r.id",
    "registry_product": "{rows} r JOIN registry_business b ON b.id = r.business_id",
    "registry_legaldocument": "{rows} r JOIN registry_business b ON b.id = r.business_id",
    "registry_yearlyfigure": "{rows} r JOIN registry_business b ON b.id = r.business_id",
    "programs_enrollment": "{rows} r JOIN registry_business b ON b.id = r.business_id",
    "programs_attendance": (
        "{rows} r JOIN programs_enrollment e ON e.id = r.enrollment_id JOIN registry_business b ON b.id = e.business_id"
    ),
    "programs_curationsubmission": (
        "{rows} r JOIN registry_product p ON p.id = r.product_id JOIN registry_business b ON b.id = p.business_id"
    ),
    "programs_placement": (
        "{rows} r JOIN programs_curationsubmission s ON s.id = r.submission_id "
        "JOIN registry_product p ON p.id = s.product_id JOIN registry_business b ON b.id = p.business_id"
    ),
    "programs_bankreferral": "{rows} r JOIN registry_business b ON b.id = r.business_id",
    "programs_bankreferralevent": (
        "{rows} r JOIN programs_bankreferral f ON f.id = r.referral_id JOIN registry_business b ON b.id = f.business_id"
    ),
}

MARK = (
    "INSERT INTO reports_tallydirty (kecamatan, category, guided) "
    "SELECT DISTINCT b.kecamatan_id, b.category, b.guided_by <> '' FROM {path} ON CONFLICT DO NOTHING;"
)


def create(table, path):
    function = f"reports_tally_dirty_{table}"
    new, old = MARK.format(path=path.format(rows="new_rows")), MARK.format(path=path.format(rows="old_rows"))
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {new} END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN {old} END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_tally_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER reports_tally_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER reports_tally_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


def drop(table):
    return f"DROP FUNCTION IF EXISTS reports_tally_dirty_{table}() CASCADE;"


class Migration(migrations.Migration):
    """Writes mark the dashboard tally cells they touch (reports/tally.py); the cells of data already there
    are marked once here, so the first dashboard view counts them."""

    dependencies = [
        ("reports", "0003_dashboard_tally"),
        ("registry", "0017_newest_first_index"),
        ("programs", "0009_provenance_of_program_records"),
    ]
    operations = [
        *[migrations.RunSQL(create(table, path), drop(table)) for table, path in PATHS.items()],
        migrations.RunSQL(MARK.format(path="registry_business b"), migrations.RunSQL.noop),
    ]
