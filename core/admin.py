"""What every app's admin uses: versioned, translated admin screens and image previews.

Registers nothing: who has an entry open (``EditPresence``) is shown on change forms.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from reversion.admin import VersionAdmin

from .addresses import is_tracked, old_address_owner
from .edit_conflicts import EditConflictMixin
from .models import OldSlug

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


class MissingEnglishFilter(admin.SimpleListFilter):
    """Published entries without an English title or text (``missing_english()``); the
    editors' start page links here."""

    title = _("Englische Fassung")
    parameter_name = "englisch"

    def lookups(self, request, model_admin):
        return (("fehlt", _("veröffentlicht, Titel oder Text fehlt")),)

    def queryset(self, request, queryset):
        if self.value() == "fehlt":
            return queryset.missing_english()
        return queryset


class OldSlugInline(GenericTabularInline):
    """An entry's old addresses, which redirect to it; an editor may remove one."""

    model = OldSlug
    ct_fk_field = "object_id"
    extra = 0
    fields = ("slug", "replaced_at")
    readonly_fields = ("slug", "replaced_at")
    verbose_name = _("frühere Adresse (leitet hierher weiter)")
    verbose_name_plural = _("Frühere Adressen (leiten hierher weiter)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Whoever may change the entry may drop one of its old addresses.
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    has_delete_permission = has_change_permission
    has_view_permission = has_change_permission


class VersionedTranslationAdmin(EditConflictMixin, VersionAdmin, TabbedTranslationAdmin):
    """Translated fields as tabs, and every save kept as a version editors can restore.

    The content apps' admins share it: "Änderungsgeschichte" shows who changed what and
    when; "Gelöschte … wiederherstellen" brings back a deleted entry with its inline rows;
    a save or deletion of an entry changed since it was opened is refused with the other
    version shown (``core.edit_conflicts``).
    """

    formfield_overrides = HTTPS_URL_FIELDS

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and is_tracked(self.model):
            inlines.append(OldSlugInline(self.model, self.admin_site))
        return inlines

    def save_model(self, request, obj, form, change):
        if not is_tracked(self.model):
            return super().save_model(request, obj, form, change)
        other = old_address_owner(self.model, obj.slug, exclude=obj)
        super().save_model(request, obj, form, change)
        if other is not None:
            messages.warning(
                request,
                _(
                    "Die Kurzadresse „%(slug)s“ war eine frühere Adresse von „%(other)s“ und "
                    "leitete dorthin weiter. Sie gehört jetzt diesem Eintrag; „%(other)s“ "
                    "ist unter dieser alten Adresse nicht mehr zu erreichen."
                )
                % {"slug": obj.slug, "other": other},
            )
