import importlib

from django.db import migrations

_v4 = importlib.import_module("reports.migrations.0004_tally_triggers")
_v5 = importlib.import_module("reports.migrations.0005_tally_marks_per_transaction")

# The buyer inquiries are on the dashboard (reports.figures.InquiryFigures), inside the cached figures: a write
# to an inquiry (a buyer's question, a status moved, an order) marks its business's cell, so the recount moves
# the generation and no cached dashboard shows the old figures.
PATHS = {"programs_inquiry": "{rows} r JOIN registry_business b ON b.id = r.business_id"}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_generation_token"),
        ("programs", "0022_jit_off"),
    ]

    operations = [
        *[
            migrations.RunSQL(_v4.create(table, path) + _v5.function(table, path, _v5.MARK), _v4.drop(table))
            for table, path in PATHS.items()
        ],
    ]
