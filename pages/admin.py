"""The statutory pages and the site's identity in the admin, German and English in tabs."""

import reversion
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from solo.admin import SingletonModelAdmin

from core.admin import MissingEnglishFilter, VersionedTranslationAdmin, image_preview

from .models import Page, SiteIdentity

# Versioned like the content, so that an edit conflict can name who changed a page.
reversion.register(Page)


@admin.register(Page)
class PageAdmin(VersionedTranslationAdmin):
    """Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit, Leichte Sprache:
    one page per kind, German and English in tabs."""

    list_display = ("title", "slug", "published", "updated_at")
    list_editable = ("published",)
    list_filter = ("published", MissingEnglishFilter)
    search_fields = ("title", "body")
    fields = ("slug", "title", "body", "published", "updated_at")
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request, obj=None):
        # The kind decides the page's address and footer link: fixed once created.
        if obj is not None:
            return (*self.readonly_fields, "slug")
        return self.readonly_fields


# Versioned, and protected against edit conflicts, like every other record.
reversion.register(SiteIdentity)


@admin.register(SiteIdentity)
class SiteIdentityAdmin(SingletonModelAdmin, VersionedTranslationAdmin):
    """The one identity record: its list opens the record itself (django-solo); it
    cannot be added twice or deleted."""

    # The version history with its restore links (django-reversion), not solo's plain one.
    object_history_template = VersionedTranslationAdmin.object_history_template
    readonly_fields = ("logo_preview", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "chair", "institution", "institution_url", "head")}),
        (_("Kontakt"), {"fields": ("postal_address", "contact_email")}),
        (_("Logo"), {"fields": ("logo", "logo_preview")}),
        (
            _("Texte"),
            {"fields": ("description", "introduction", "footer_lines", "admin_header")},
        ),
        (_("Redaktion"), {"fields": ("editor_notes", "updated_at")}),
    )

    @admin.display(description=_("Logo auf der Website"))
    def logo_preview(self, identity):
        return image_preview(identity, "logo")
