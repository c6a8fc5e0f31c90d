"""The search index: a table of public entries and what each database needs to search it.

PostgreSQL: the extensions unaccent and pg_trgm, text search configurations that fold
accents before stemming (German and English), a ``document`` tsvector column filled by a
trigger from the folded keys (weights: titles A, names B, texts C) with a GIN index, and
a trigram index on ``folded`` for parts of words and misspellings.

SQLite: an FTS5 table with the trigram tokenizer over ``folded`` (external content: the
entry table), kept in step with it by triggers, as the FTS5 documentation shows.
"""

from django.db import migrations, models

TABLE = "search_searchentry"

# Extensions are created if missing and left in place going backwards: other schemas of
# the database may use them. (django.contrib.postgres's CreateExtension would drop them,
# and its way back does not check the database's vendor.)
POSTGRESQL_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION search_de (COPY = german)",
    "ALTER TEXT SEARCH CONFIGURATION search_de "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem",
    "CREATE TEXT SEARCH CONFIGURATION search_en (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION search_en "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    f"ALTER TABLE {TABLE} ADD COLUMN document tsvector",
    f"""CREATE FUNCTION {TABLE}_document() RETURNS trigger AS $$
BEGIN
  NEW.document :=
    setweight(to_tsvector('search_de', NEW.title_key_de), 'A') ||
    setweight(to_tsvector('search_en', NEW.title_key_en), 'A') ||
    setweight(to_tsvector('simple', NEW.names_key), 'B') ||
    setweight(to_tsvector('search_de', NEW.text_key_de), 'C') ||
    setweight(to_tsvector('search_en', NEW.text_key_en), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER {TABLE}_document BEFORE INSERT OR UPDATE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION {TABLE}_document()""",
    f"CREATE INDEX {TABLE}_document_gin ON {TABLE} USING gin (document)",
    f"CREATE INDEX {TABLE}_folded_trgm ON {TABLE} USING gin (folded gin_trgm_ops)",
]
POSTGRESQL_BACKWARDS = [
    f"DROP INDEX IF EXISTS {TABLE}_folded_trgm",
    f"DROP INDEX IF EXISTS {TABLE}_document_gin",
    f"DROP TRIGGER IF EXISTS {TABLE}_document ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_document()",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS search_de",
]

FTS = "search_fts"
SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
  folded, content='{TABLE}', content_rowid='id', tokenize='trigram')""",
    f"""CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} BEGIN
  INSERT INTO {FTS}(rowid, folded) VALUES (new.id, new.folded);
END""",
    f"""CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN
  INSERT INTO {FTS}({FTS}, rowid, folded) VALUES ('delete', old.id, old.folded);
END""",
    f"""CREATE TRIGGER {FTS}_update AFTER UPDATE ON {TABLE} BEGIN
  INSERT INTO {FTS}({FTS}, rowid, folded) VALUES ('delete', old.id, old.folded);
  INSERT INTO {FTS}(rowid, folded) VALUES (new.id, new.folded);
END""",
    # Entries written before the table existed (none after CreateModel; kept for safety).
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
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


create_search_index = _run({"postgresql": POSTGRESQL_FORWARDS, "sqlite": SQLITE_FORWARDS})
drop_search_index = _run({"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS})


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
                ('text_de', models.TextField(blank=True, verbose_name='Text (deutsch)')),
                ('text_en', models.TextField(blank=True, verbose_name='Text (englisch)')),
                ('details_de', models.CharField(blank=True, max_length=500, verbose_name='Angaben (deutsch)')),
                ('details_en', models.CharField(blank=True, max_length=500, verbose_name='Angaben (englisch)')),
                ('title_key_de', models.TextField(blank=True, verbose_name='Suchschlüssel Titel (deutsch)')),
                ('title_key_en', models.TextField(blank=True, verbose_name='Suchschlüssel Titel (englisch)')),
                ('names_key', models.TextField(blank=True, verbose_name='Suchschlüssel Namen')),
                ('text_key_de', models.TextField(blank=True, verbose_name='Suchschlüssel Text (deutsch)')),
                ('text_key_en', models.TextField(blank=True, verbose_name='Suchschlüssel Text (englisch)')),
                ('folded', models.TextField(blank=True, verbose_name='Suchschlüssel gesamt')),
            ],
            options={
                'verbose_name': 'Sucheintrag',
                'verbose_name_plural': 'Sucheinträge',
                'ordering': ['kind_order', 'title_de'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='unique_search_entry')],
            },
        ),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
