import django.contrib.postgres.constraints
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    """OSS gives one NIB to a business actor: several businesses of one owner share it, no two owners do."""

    dependencies = [
        ("registry", "0019_sorted_list_indexes"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RemoveConstraint(
            model_name="business",
            name="registry_business_unique_nib",
        ),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(condition=models.Q(("nib", ""), _negated=True), fields=["nib"], name="registry_business_nib"),
        ),
        migrations.AddConstraint(
            model_name="business",
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(
                condition=models.Q(("nib", ""), _negated=True),
                expressions=[("nib", "="), ("owner", "<>")],
                name="registry_business_nib_one_owner",
                violation_error_message="NIB ini sudah terdaftar untuk pelaku usaha lain (satu NIB satu pelaku usaha).",
            ),
        ),
    ]
