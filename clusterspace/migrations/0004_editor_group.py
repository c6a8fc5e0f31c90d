"""Create the "Redaktion" group; its permissions are kept in step after every migrate
(editors.group.sync_after_migrate), so this migration no longer sets them itself."""

from django.db import migrations

EDITOR_GROUP = "Redaktion"


def create_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=EDITOR_GROUP)


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITOR_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clusterspace", "0003_page"),
        ("projects", "0002_organisation_logo"),
        ("people", "0002_person_photo"),
        ("reports", "0002_report_covers_and_checksum"),
    ]

    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
