from django.db import migrations, models

# Counts a miss can only reset (a limit against abuse starts again): no write-ahead log for them, like the
# database cache's table (reports 0012), so a counted request costs no WAL flush at its commit and sends
# nothing to a replica.
SET_UNLOGGED = 'ALTER TABLE "portal_ratecount" SET UNLOGGED;'
SET_LOGGED = 'ALTER TABLE "portal_ratecount" SET LOGGED;'


class Migration(migrations.Migration):
    """The rate limits' counts on PostgreSQL, for a portal whose shared cache is the database's."""

    dependencies = [("portal", "0002_password_reset_requests_and_enrolment_codes")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name="kunci")),
                ("window_ends_at", models.DateTimeField(verbose_name="jendela berakhir")),
                ("hits", models.PositiveIntegerField(verbose_name="jumlah permintaan")),
            ],
            options={
                "verbose_name": "hitungan batas permintaan",
                "verbose_name_plural": "hitungan batas permintaan",
                "ordering": ["-window_ends_at"],
            },
        ),
        migrations.RunSQL(SET_UNLOGGED, SET_LOGGED),
    ]
