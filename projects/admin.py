"""Admin for projects and organisations.

``ProjectAdmin`` edits a project with its own rows (fundings, links). It is registered
in ``editors.admin``, which adds the inlines of the apps that build on projects
(roles, reports, interviews): this app never imports them.
"""

import reversion
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from core.admin import (
    HTTPS_URL_FIELDS,
    MissingEnglishFilter,
    VersionedTranslationAdmin,
    image_preview,
)

from .models import Funding, Organisation, ProjectLink

# Versioned models are registered here, not in models.py: reversion records the fields a
# model has when it is registered, and only now has modeltranslation added title_de,
# title_en …  ``Project`` is registered where its admin is composed (editors.admin):
# its versions follow its inline rows, and some of those belong to other apps.
for model in (Organisation, Funding, ProjectLink):
    reversion.register(model)

# The relations of a project's own rows that its versions hold (restoring a version
# restores them); editors.admin adds those of the apps that build on projects.
PROJECT_FOLLOW = ("fundings", "links")


class FundingInline(TranslationTabularInline):
    model = Funding
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = (
        "kind",
        "organisation",
        "name_as_listed",
        "short_name_as_listed",
        "grant_number",
        "eu_programme",
        "position",
    )


class ProjectLinkInline(TranslationTabularInline):
    model = ProjectLink
    extra = 0
    formfield_overrides = HTTPS_URL_FIELDS
    fields = ("label", "url", "position")


class ProjectAdmin(VersionedTranslationAdmin):
    """Registered by editors.admin, with the inlines of people and reports."""

    list_display = ("title", "code", "duration_display", "status_display", "published", "position")
    list_display_links = ("title",)
    list_editable = ("published", "position")
    list_filter = ("published", MissingEnglishFilter, "fundings__organisation")
    search_fields = ("code", "acronym", "title", "subtitle", "description")
    list_select_related = ("predecessor",)
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("predecessor", "partners")
    readonly_fields = ("updated_at",)
    inlines = [FundingInline, ProjectLinkInline]
    fieldsets = (
        (None, {"fields": ("code", "title", "subtitle", "acronym", "slug", "description")}),
        (
            _("Laufzeit"),
            {"fields": (("start_month", "start_year"), ("end_month", "end_year"))},
        ),
        (_("Zusammenhang"), {"fields": ("predecessor", "partners")}),
        (_("Veröffentlichung"), {"fields": ("published", "position", "updated_at")}),
        (_("Redaktion"), {"fields": ("editor_notes",), "classes": ("collapse",)}),
    )

    @admin.display(description=_("Laufzeit"))
    def duration_display(self, project):
        return project.duration

    @admin.display(description=_("Status"))
    def status_display(self, project):
        return project.status.label


@admin.register(Organisation)
class OrganisationAdmin(VersionedTranslationAdmin):
    list_display = ("name", "short_name", "crossref_funder_id", "ror_id", "website")
    search_fields = ("name", "short_name", "crossref_funder_id", "ror_id")
    prepopulated_fields = {"slug": ("short_name",)}
    readonly_fields = ("logo_preview",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "website", "description")}),
        (_("Logo"), {"fields": ("logo", "logo_alt", "logo_preview")}),
        (_("Kennungen"), {"fields": ("crossref_funder_id", "ror_id")}),
        (_("Redaktion"), {"fields": ("editor_notes",), "classes": ("collapse",)}),
    )

    @admin.display(description=_("Logo auf der Website"))
    def logo_preview(self, organisation):
        return image_preview(organisation, "logo")
