from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _identity_for_an_upgrade(sender, using, apps=None, **kwargs):
    """A database migrated from a release before the identity record has content but no
    identity: it gets the source page's (the fixture ``identity``), as load_archive
    gives it a new one. An identity editors saved is never touched."""
    from projects.models import Project

    from .models import SiteIdentity

    try:  # the state migrate leaves (flush sends none: the tables are all there)
        if apps is not None:
            apps.get_model("pages", "SiteIdentity")
    except LookupError:
        return  # migrated back to before the identity
    identity = SiteIdentity.objects.using(using)
    if not identity.exists() and Project.objects.using(using).exists():
        call_command("loaddata", "identity", database=using, verbosity=0)


class PagesConfig(AppConfig):
    """The site's own texts that editors write: the statutory pages and its identity."""

    name = "pages"
    verbose_name = _("Texte der Website")

    def ready(self):
        post_migrate.connect(_identity_for_an_upgrade, sender=self, dispatch_uid="identity")
