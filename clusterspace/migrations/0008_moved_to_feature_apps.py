"""The site's own models move to the apps of their features (pages, opendata, pagecache,
linkchecks): their tables and rows stay (those apps adopt them), only the state leaves
this package. Content types and the version history follow them, so permissions, the
admin's log and every kept version still point to the right model. The old search index
goes; the search app builds a new one (search.0001)."""

import importlib
import json

from django.db import migrations

from backups.moved import MOVED_MODELS, relabel

search_entry = importlib.import_module("clusterspace.migrations.0006_search_entry")


def move_labels(backwards):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        Version = apps.get_model("reversion", "Version")
        for model_name, (old, new) in MOVED_MODELS.items():
            before, after = (new, old) if backwards else (old, new)
            types = ContentType.objects.filter(app_label=before, model=model_name)
            for version in Version.objects.filter(content_type__in=types, format="json"):
                data = relabel(json.loads(version.serialized_data), backwards)
                version.serialized_data = json.dumps(data)
                version.save(update_fields=["serialized_data"])
            types.update(app_label=after)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("clusterspace", "0007_linkcheck"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("linkchecks", "0001_initial"),
        ("opendata", "0001_initial"),
        ("pagecache", "0001_initial"),
        ("pages", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ContentVersion"),
                migrations.DeleteModel(name="LinkCheck"),
                migrations.DeleteModel(name="OpenDataLicence"),
                migrations.DeleteModel(name="Page"),
            ],
        ),
        migrations.RunPython(move_labels(False), move_labels(True)),
        migrations.RunPython(search_entry.drop_search_index, search_entry.create_search_index),
        migrations.DeleteModel(name="SearchEntry"),
    ]
