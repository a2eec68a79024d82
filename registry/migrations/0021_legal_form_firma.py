from django.db import migrations, models

CHOICES = [
    ("perorangan", "Perorangan"),
    ("ud", "UD"),
    ("cv", "CV"),
    ("pt", "PT"),
    ("pt_perorangan", "PT perorangan"),
    ("koperasi", "Koperasi"),
    ("firma", "Firma"),
    ("lainnya", "Lainnya"),
]


class Migration(migrations.Migration):
    """The national extract's legal forms include firma."""

    dependencies = [
        ("registry", "0020_nib_one_per_owner"),
    ]

    operations = [
        migrations.AlterField(
            model_name=model,
            name="legal_form",
            field=models.CharField(choices=CHOICES, default="perorangan", max_length=15, verbose_name="bentuk usaha"),
        )
        for model in ("business", "historicalbusiness")
    ]
