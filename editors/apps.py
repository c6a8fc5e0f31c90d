from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EditorsConfig(AppConfig):
    """The editors' workplace: the admin's composed screens and the editor group."""

    name = "editors"
    verbose_name = _("Redaktion")

    def ready(self):
        from .group import sync_after_migrate

        # Sent once per app with models, after auth created that app's permissions (this
        # app has none of its own): the group follows each, and has them all at the end.
        post_migrate.connect(sync_after_migrate, dispatch_uid="editor_group")
