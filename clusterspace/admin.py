from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from .models import OpenDataLicence


@admin.register(OpenDataLicence)
class OpenDataLicenceAdmin(TabbedTranslationAdmin):
    """One licence for all downloads: it can be changed, not added twice or deleted."""

    list_display = ("name", "url", "updated_at")
    fields = ("name", "url", "attribution")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OpenDataLicence.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
