from django.db import migrations, models


class Migration(migrations.Migration):
    """An import remembers which sheet of a workbook it reads and the year its figures belong to."""

    dependencies = [
        ("registry", "0021_legal_form_firma"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="sheet",
            field=models.CharField(
                blank=True, help_text="Kosong: lembar pertama berisi data.", max_length=100, verbose_name="lembar kerja"
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="figures_year",
            field=models.PositiveSmallIntegerField(
                blank=True, help_text="Dipakai bila berkas tidak punya kolom tahun.", null=True, verbose_name="tahun data angka"
            ),
        ),
    ]
