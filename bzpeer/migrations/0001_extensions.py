from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Install pg_trgm, which the author-name index uses."""

    operations = [
        TrigramExtension(),
    ]
