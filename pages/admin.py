"""The statutory pages in the admin: one page per kind, German and English in tabs."""

import reversion
from django.contrib import admin

from core.admin import VersionedTranslationAdmin

from .models import Page

# Versioned like the content, so that an edit conflict can name who changed a page.
reversion.register(Page)


@admin.register(Page)
class PageAdmin(VersionedTranslationAdmin):
    """Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit, Leichte Sprache:
    one page per kind, German and English in tabs."""

    list_display = ("title", "slug", "published", "updated_at")
    list_editable = ("published",)
    search_fields = ("title", "body")
    fields = ("slug", "title", "body", "published", "updated_at")
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request, obj=None):
        # The kind decides the page's address and footer link: fixed once created.
        if obj is not None:
            return (*self.readonly_fields, "slug")
        return self.readonly_fields
