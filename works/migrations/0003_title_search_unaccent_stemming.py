import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

# English stemming and stop words, with accents dropped first from words that
# have any ("word" and "hword" are the parser's names for non-ASCII words).
CREATE_CONFIG = """
CREATE TEXT SEARCH CONFIGURATION bzpeer_title (COPY = english);
ALTER TEXT SEARCH CONFIGURATION bzpeer_title
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;
"""
DROP_CONFIG = "DROP TEXT SEARCH CONFIGURATION bzpeer_title;"


class Migration(migrations.Migration):
    """Search titles without regard to accents, and by word stem."""

    dependencies = [
        ("works", "0002_work_notice_types"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(CREATE_CONFIG, DROP_CONFIG),
        # Postgres cannot change a generated column's expression in place.
        migrations.RemoveIndex(model_name="work", name="works_work_search_gin"),
        migrations.RemoveField(model_name="work", name="search_vector"),
        migrations.AddField(
            model_name="work",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    django.db.models.functions.comparison.Coalesce(
                        "title", models.Value("", output_field=models.TextField())
                    ),
                    config="bzpeer_title",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="work",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="works_work_search_gin"
            ),
        ),
    ]
