import reversion
from django.contrib import admin

from projects.admin import VersionedTranslationAdmin

from .models import OpenDataLicence, Page

# After modeltranslation added the language fields (see projects.admin).
for model in (OpenDataLicence, Page):
    reversion.register(model)


@admin.register(OpenDataLicence)
class OpenDataLicenceAdmin(VersionedTranslationAdmin):
    """One licence for all downloads: it can be changed, not added twice or deleted."""

    list_display = ("name", "url", "updated_at")
    fields = ("name", "url", "attribution")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OpenDataLicence.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


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
