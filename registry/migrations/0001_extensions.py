from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for similar-name search and duplicate finding, unaccent for accent-tolerant search."""

    initial = True
    dependencies = []
    operations = [TrigramExtension(), UnaccentExtension()]
