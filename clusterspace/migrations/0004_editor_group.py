"""Create the "Redaktion" group with the permissions editors need (clusterspace.editors)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from clusterspace.editors import EDITOR_GROUP, sync_editor_group


def create_editor_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_editor_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


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
