"""What every app's admin uses: versioned, translated admin screens and image previews.

Registers nothing: who has an entry open (``EditPresence``) is shown on change forms.
"""

from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin

from .edit_conflicts import EditConflictMixin

# Every admin form with a web address reads a bare "example.org" as https://example.org
# (the default from Django 6 on; said explicitly instead of the transitional setting).
# Also used by the admins' inlines and by those not versioned.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def image_preview(obj, field):
    """The rendition a page shows (``core.images``), or a note that there is none."""
    fallback = getattr(obj, f"{field}_fallback")
    if not fallback:
        return _("Kein Bild: Die Website zeigt den Namen als Text.")
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="">',
        fallback.url,
        getattr(obj, f"{field}_width"),
        getattr(obj, f"{field}_height"),
    )


class VersionedTranslationAdmin(EditConflictMixin, VersionAdmin, TabbedTranslationAdmin):
    """Translated fields as tabs, and every save kept as a version editors can restore.

    The content apps' admins share it: "Änderungsgeschichte" shows who changed what and
    when; "Gelöschte … wiederherstellen" brings back a deleted entry with its inline rows;
    a save or deletion of an entry changed since it was opened is refused with the other
    version shown (``core.edit_conflicts``).
    """

    formfield_overrides = HTTPS_URL_FIELDS
