from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from projects.admin import HTTPS_URL_FIELDS

from .models import OpenDataLicence, Page


@admin.register(OpenDataLicence)
class OpenDataLicenceAdmin(TabbedTranslationAdmin):
    """One licence for all downloads: it can be changed, not added twice or deleted."""

    list_display = ("name", "url", "updated_at")
    fields = ("name", "url", "attribution")
    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OpenDataLicence.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(TabbedTranslationAdmin):
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
