"""Admin for projects and organisations.

``people`` and ``reports`` add their inlines (roles, reports, interviews) to
``ProjectAdmin`` in their own admin modules, so that this app never imports them.
"""

import reversion
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion.admin import VersionAdmin

from core.edit_conflicts import EditConflictMixin

from .models import Funding, Organisation, Project, ProjectLink


def image_preview(obj, field):
    """The rendition a page shows (``projects.images``), or a note that there is none."""
    fallback = getattr(obj, f"{field}_fallback")
    if not fallback:
        return _("Kein Bild: Die Website zeigt den Namen als Text.")
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="">',
        fallback.url,
        getattr(obj, f"{field}_width"),
        getattr(obj, f"{field}_height"),
    )


# Versioned models are registered here, not in models.py: reversion records the fields a
# model has when it is registered, and only now has modeltranslation added title_de,
# title_en …  A project's version holds its inline rows, so restoring it restores them;
# ``roles`` and ``interviews`` are the reverse relations that people and reports add.
reversion.register(Project, follow=("fundings", "links", "roles", "interviews"))
for model in (Organisation, Funding, ProjectLink):
    reversion.register(model)


class VersionedTranslationAdmin(EditConflictMixin, VersionAdmin, TabbedTranslationAdmin):
    """Translated fields as tabs, and every save kept as a version editors can restore.

    The content apps' admins share it: "Änderungsgeschichte" shows who changed what and
    when; "Gelöschte … wiederherstellen" brings back a deleted entry with its inline rows;
    a save or deletion of an entry changed since it was opened is refused with the other
    version shown (``core.edit_conflicts``).
    """


class FundingInline(TranslationTabularInline):
    model = Funding
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = (
        "kind",
        "organisation",
        "name_as_listed",
        "short_name_as_listed",
        "eu_programme",
        "position",
    )


class ProjectLinkInline(TranslationTabularInline):
    model = ProjectLink
    extra = 0
    fields = ("label", "url", "position")


@admin.register(Project)
class ProjectAdmin(VersionedTranslationAdmin):
    list_display = ("title", "code", "duration_display", "status_display", "published", "position")
    list_display_links = ("title",)
    list_editable = ("published", "position")
    list_filter = ("published", "fundings__organisation")
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
