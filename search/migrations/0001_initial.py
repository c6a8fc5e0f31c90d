"""The search index: a table of public entries and what each database needs to search it.

PostgreSQL: the extensions unaccent and pg_trgm, text search configurations that fold
accents before stemming (German and English), a GIN index on the weighted ``document``
and trigram indexes on the folded columns, for parts of words and misspellings.

SQLite: an FTS5 table with the trigram tokenizer over the folded columns (external
content: the entry table), kept in step with it by triggers, as the FTS5 documentation
shows. SearchMatch is that table's model (unmanaged).
"""

from django.db import migrations, models
import django.contrib.postgres.search
import django.db.models.deletion
import search.models

TABLE = "search_searchentry"
FOLDED = ["folded_title_de", "folded_title_en", "folded_names", "folded_text_de", "folded_text_en"]

# Extensions are created if missing and left in place going backwards: other schemas of
# the database may use them.
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION search_de (COPY = german)",
    "ALTER TEXT SEARCH CONFIGURATION search_de "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem",
    "CREATE TEXT SEARCH CONFIGURATION search_en (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION search_en "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    f"CREATE INDEX search_document ON {TABLE} USING gin (document)",
    *(f"CREATE INDEX search_{column}_trgm ON {TABLE} USING gin ({column} gin_trgm_ops)"
      for column in FOLDED),
]
POSTGRESQL_BACKWARDS = [
    *(f"DROP INDEX IF EXISTS search_{column}_trgm" for column in FOLDED),
    "DROP INDEX IF EXISTS search_document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_de",
]

FTS = "search_fts"
COLUMNS = ", ".join(FOLDED)
NEW = ", ".join(f"new.{column}" for column in FOLDED)
OLD = ", ".join(f"old.{column}" for column in FOLDED)
SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
  {COLUMNS}, content='{TABLE}', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN
  INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN
  INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE ON {TABLE} BEGIN
  INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
  INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW});
END""",
]
SQLITE_BACKWARDS = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement, params=None)

    return run


create_search_structures = _run({"postgresql": POSTGRESQL_FORWARDS, "sqlite": SQLITE_FORWARDS})
drop_search_structures = _run({"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS})


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clusterspace', '0008_moved_to_feature_apps'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('project', 'Projekt'), ('organisation', 'Organisation'), ('person', 'Person'), ('report', 'Jahresbericht'), ('interview', 'Interview'), ('page', 'Pflichtseite')], max_length=20, verbose_name='Art')),
                ('object_id', models.PositiveIntegerField(verbose_name='Eintrag')),
                ('kind_order', models.PositiveSmallIntegerField(default=0, verbose_name='Reihenfolge der Art')),
                ('url_name', models.CharField(max_length=100, verbose_name='URL-Name')),
                ('url_kwargs', models.JSONField(blank=True, default=dict, verbose_name='URL-Parameter')),
                ('url_anchor', models.CharField(blank=True, max_length=50, verbose_name='Anker')),
                ('title_de', models.CharField(max_length=500, verbose_name='Titel (deutsch)')),
                ('title_en', models.CharField(blank=True, max_length=500, verbose_name='Titel (englisch)')),
                ('names', models.TextField(blank=True, verbose_name='Namen')),
                ('text_de', models.TextField(blank=True, verbose_name='Text (deutsch)')),
                ('text_en', models.TextField(blank=True, verbose_name='Text (englisch)')),
                ('details_de', models.CharField(blank=True, max_length=500, verbose_name='Angaben (deutsch)')),
                ('details_en', models.CharField(blank=True, max_length=500, verbose_name='Angaben (englisch)')),
                ('folded_title_de', models.CharField(blank=True, max_length=501)),
                ('folded_title_en', models.CharField(blank=True, max_length=501)),
                ('folded_names', models.TextField(blank=True)),
                ('folded_text_de', models.TextField(blank=True)),
                ('folded_text_en', models.TextField(blank=True)),
                ('document', django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                'verbose_name': 'Sucheintrag',
                'verbose_name_plural': 'Sucheinträge',
                'ordering': ['kind_order', 'title_de'],
            },
        ),
        migrations.CreateModel(
            name='SearchMatch',
            fields=[
                ('entry', models.OneToOneField(db_column='rowid', on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='match', serialize=False, to='search.searchentry')),
                ('fts', search.models.FTS5Table(db_column='search_fts')),
            ],
            options={
                'verbose_name': 'Treffer im Volltextindex',
                'verbose_name_plural': 'Treffer im Volltextindex',
                'db_table': 'search_fts',
                'ordering': ['entry'],
                'managed': False,
            },
        ),
        migrations.AddConstraint(
            model_name='searchentry',
            constraint=models.UniqueConstraint(fields=('kind', 'object_id'), name='unique_search_entry'),
        ),
        migrations.RunPython(create_search_structures, drop_search_structures),
    ]
