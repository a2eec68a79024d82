import importlib

from django.db import migrations

_v4 = importlib.import_module("reports.migrations.0004_tally_triggers")
_v5 = importlib.import_module("reports.migrations.0005_tally_marks_per_transaction")

# A selling event's participants and their sales are on the dashboard (reports.figures.event_figures): a write
# to a booth marks its business's cell, and a change of an event (its dates) the cells of its participants, so
# the recount moves the generation and no cached dashboard shows the old figures.
PATHS = {
    "programs_eventbooth": "{rows} r JOIN registry_business b ON b.id = r.business_id",
    "programs_marketevent": (
        "{rows} r JOIN programs_eventbooth eb ON eb.event_id = r.id JOIN registry_business b ON b.id = eb.business_id"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_report_job_language"),
        ("programs", "0020_market_event_history"),
    ]

    operations = [
        *[
            migrations.RunSQL(_v4.create(table, path) + _v5.function(table, path, _v5.MARK), _v4.drop(table))
            for table, path in PATHS.items()
        ],
    ]
