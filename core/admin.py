"""What every app's admin uses: versioned, translated admin screens and image previews.

Registers nothing: core has no models of its own.
"""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin


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


class VersionedTranslationAdmin(VersionAdmin, TabbedTranslationAdmin):
    """Translated fields as tabs, and every save kept as a version editors can restore.

    The content apps' admins share it: "Änderungsgeschichte" shows who changed what and
    when; "Gelöschte … wiederherstellen" brings back a deleted entry with its inline rows.
    """
