"""The open-data licence in the admin: one row, changed, never added twice or deleted."""

import reversion
from django.contrib import admin

from core.admin import HTTPS_URL_FIELDS, VersionedTranslationAdmin

from .models import OpenDataLicence

# Versioned like the content, so that an edit conflict can name who changed it.
reversion.register(OpenDataLicence)


@admin.register(OpenDataLicence)
class OpenDataLicenceAdmin(VersionedTranslationAdmin):
    """One licence for all downloads: it can be changed, not added twice or deleted."""

    list_display = ("name", "url", "updated_at")
    fields = ("name", "url", "attribution")
    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OpenDataLicence.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
