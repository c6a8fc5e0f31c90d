"""The "Redaktion" group: every permission on the content apps, the open-data licence and
the link checks, nothing on accounts or bookkeeping; kept in step after every migrate.
"""

from django.conf import settings
from django.db.models import Q

EDITOR_GROUP = "Redaktion"
# Besides the content apps: the models of feature apps that editors change.
FEATURE_MODELS = {"opendata": ["opendatalicence"], "linkchecks": ["linkcheck"]}


def editor_permissions(permission_model):
    """The permissions editors get: every action on the content models."""
    wanted = Q(content_type__app_label__in=settings.CONTENT_APPS)
    for app_label, models in FEATURE_MODELS.items():
        wanted |= Q(content_type__app_label=app_label, content_type__model__in=models)
    return permission_model.objects.filter(wanted)


def sync_editor_group(group_model, permission_model):
    group, _ = group_model.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.set(editor_permissions(permission_model))
    return group


def sync_after_migrate(sender, **kwargs):
    """post_migrate: permissions of new models exist now; give them to the group."""
    from django.contrib.auth.models import Group, Permission

    sync_editor_group(Group, Permission)
