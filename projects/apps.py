from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projekte")

    def ready(self):
        from core.addresses import track

        from .models import Organisation, Project

        track(Project, "projects:detail")
        track(Organisation, "projects:organisation", "projects:organisation-page")
