"""The editors' workplace: the admin site, its sections and the names of its parts.

Django's admin lists its models by app, alphabetically, under the apps' names ("Axes",
"Authentifizierung und Autorisierung" first, the daily work last). This site lists them
by the work instead, in ``SECTIONS``: the content, the website, the checks, and the
administration last; each editor sees only the models she has permissions for.
The header names the archive (``pages.models.SiteIdentity``), and the start page shows
what needs doing (``editors.dashboard``).

Loaded from ``INSTALLED_APPS`` (``EditorsAdminConfig`` in place of Django's admin, and
the apps of other packages with German names, which the breadcrumbs and the lists of
permissions show): nothing here imports a model at import time.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django.contrib.sessions.apps import SessionsConfig
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from reversion.apps import ReversionConfig

# (slug, name, [(app label, model name, name in the list or None for its own)])
SECTIONS = [
    (
        "inhalte",
        _("Inhalte"),
        [
            ("projects", "Project", None),
            ("projects", "Organisation", None),
            ("people", "Person", None),
            ("people", "Role", None),
            ("people", "RoleKind", None),
            ("reports", "AnnualReport", None),
            ("reports", "ReportSeries", None),
            ("reports", "Interview", None),
        ],
    ),
    (
        "website",
        _("Website"),
        [
            ("pages", "SiteIdentity", None),
            ("pages", "Page", None),
            ("opendata", "OpenDataLicence", None),
        ],
    ),
    ("pruefungen", _("Prüfungen"), [("linkchecks", "LinkCheck", None)]),
    (
        "verwaltung",
        _("Verwaltung"),
        [
            ("auth", "User", None),
            ("auth", "Group", None),
            ("axes", "AccessAttempt", _("Anmeldeversuche")),
            ("axes", "AccessFailureLog", _("Fehlgeschlagene Anmeldungen")),
            ("axes", "AccessLog", _("Anmeldungen (Protokoll)")),
        ],
    ),
]
# A model no section names (a later app's) is listed under the last section.
OTHERS = SECTIONS[-1][0]


class EditorsAdminSite(admin.AdminSite):
    """The admin with sections by the work, the archive's name and the start page."""

    site_title = _("Redaktion")
    index_title = _("Was zu tun ist")
    index_template = "editors/index.html"

    def each_context(self, request):
        from pages.models import SiteIdentity

        context = super().each_context(request)
        identity = SiteIdentity.current()
        context["site_header"] = identity.admin_header or identity.title
        context["site_title"] = " – ".join(
            str(part) for part in (identity.name, self.site_title) if part
        )
        return context

    def get_app_list(self, request, app_label=None):
        """The sections of ``SECTIONS`` with the models the user may see, in that order."""
        found = {}
        for app in super().get_app_list(request, app_label):
            for model in app["models"]:
                found[(app["app_label"], model["object_name"])] = model
        index = reverse("admin:index", current_app=self.name)
        sections = []
        for slug, name, members in SECTIONS:
            models = []
            for app, model_name, label in members:
                model = found.pop((app, model_name), None)
                if model is not None:
                    models.append({**model, "name": label or model["name"]})
            if slug == OTHERS:
                models += sorted(found.values(), key=lambda model: str(model["name"]))
            if models:
                sections.append(
                    {
                        "name": name,
                        "app_label": slug,
                        "app_url": f"{index}#{slug}",
                        "has_module_perms": True,
                        "models": models,
                    }
                )
        return sections

    def app_index(self, request, app_label, extra_context=None):
        """An app's page would be headed by the app's name: the start page lists its
        models in their section."""
        return HttpResponseRedirect(reverse("admin:index", current_app=self.name))

    def index(self, request, extra_context=None):
        from .dashboard import dashboard

        return super().index(request, {"dashboard": dashboard(request), **(extra_context or {})})


class EditorsAdminConfig(AdminConfig):
    """Django's admin with the editors' site (``INSTALLED_APPS``)."""

    default_site = "editors.sites.EditorsAdminSite"


class AccountsConfig(AuthConfig):
    """Django's accounts, named for the editors (breadcrumbs, permissions)."""

    verbose_name = _("Benutzer und Gruppen")


class SignInAttemptsConfig(AxesAppConfig):
    """django-axes, named for the editors instead of "Axes"."""

    verbose_name = _("Anmeldeversuche")


class VersionsConfig(ReversionConfig):
    """django-reversion, named for the editors (its permissions in a group's form)."""

    verbose_name = _("Versionen")


class EditorSessionsConfig(SessionsConfig):
    """Django's sessions, named for the editors (their permissions in a group's form)."""

    verbose_name = _("Sitzungen")
