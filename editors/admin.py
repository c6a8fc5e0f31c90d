"""The project's admin page, composed of the apps that build on projects.

A project is edited with its roles (``people``), reports and interviews (``reports``),
and its versions hold those rows too: composed here, so that ``projects`` never imports
the apps that build on it.
"""

import reversion
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from people.admin import RoleInline
from projects.admin import PROJECT_FOLLOW, ProjectAdmin
from projects.models import Project
from reports.admin import InterviewInline, ReportInline

from .dashboard import last_year, projects_missing_report

# Before the admin below is created (VersionAdmin would register the model itself, with
# the inlines' relations only). Restoring a version restores the project's fundings and
# links, its roles and its interviews; reports are rows of their own (many projects).
reversion.register(Project, follow=(*PROJECT_FOLLOW, "roles", "interviews"))


class MissingReportFilter(admin.SimpleListFilter):
    """Running projects with a report series but no annual report for last year
    (``editors.dashboard.projects_missing_report``); the start page links here."""

    title = _("Jahresbericht")
    parameter_name = "jahresbericht"

    def lookups(self, request, model_admin):
        label = _("Jahresbericht %(year)s fehlt (laufend, mit Berichtsreihe)")
        return (("fehlt", label % {"year": last_year()}),)

    def queryset(self, request, queryset):
        if self.value() == "fehlt":
            return projects_missing_report(queryset, last_year())
        return queryset


@admin.register(Project)
class ComposedProjectAdmin(ProjectAdmin):
    """The project admin with the inlines of the apps that build on projects."""

    inlines = [*ProjectAdmin.inlines, RoleInline, ReportInline, InterviewInline]
    list_filter = (*ProjectAdmin.list_filter, MissingReportFilter)
