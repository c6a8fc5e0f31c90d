"""The "Redaktion" group: exactly the permissions the chair's editors need.

Editors change content (the apps of ``settings.CONTENT_APPS`` and the site's own pages
and open-data licence), not accounts, groups, login locks or the page cache's
bookkeeping. The group is created by a migration and kept in step after every
``migrate``, so a model added later is covered without another data migration.
"""

from django.conf import settings

EDITOR_GROUP = "Redaktion"
SITE_CONTENT_MODELS = ("page", "opendatalicence", "linkcheck")


def editor_permissions(permission_model):
    """The permissions editors get: every action on the content models."""
    return permission_model.objects.filter(
        content_type__app_label__in=settings.CONTENT_APPS
    ) | permission_model.objects.filter(
        content_type__app_label="clusterspace", content_type__model__in=SITE_CONTENT_MODELS
    )


def sync_editor_group(group_model, permission_model):
    group, _ = group_model.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.set(editor_permissions(permission_model))
    return group


def sync_after_migrate(sender, **kwargs):
    """post_migrate: permissions of new models exist now; give them to the group."""
    from django.contrib.auth.models import Group, Permission

    sync_editor_group(Group, Permission)
