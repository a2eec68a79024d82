from django.db import migrations

# The summary holds exports now ("export" per country, "exporter" per cell: reports.tally._count). The cells of
# the businesses with an export record are marked, so the worker recounts them (reports.tally.refresh) and the
# dashboard says "being counted" until it has.
MARK_EXPORTERS = """
    INSERT INTO reports_tallydirty (kecamatan, category, guided, txid)
    SELECT DISTINCT b.kecamatan_id, b.category, b.guided_by <> '', txid_current()
    FROM registry_business b
    WHERE b.id IN (SELECT business_id FROM registry_exportvalue UNION SELECT business_id FROM programs_exportfacilitation)
    ON CONFLICT DO NOTHING;
"""
DROP_EXPORTS = "DELETE FROM reports_tally WHERE measure IN ('export', 'exporter');"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0015_tally_months_per_year"),  # after 0009, whose triggers read both export tables
    ]

    operations = [migrations.RunSQL(MARK_EXPORTERS, DROP_EXPORTS)]
