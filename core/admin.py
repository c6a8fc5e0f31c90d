"""What every app's admin uses: versioned, translated admin screens and image previews.

Registers nothing: who has an entry open (``EditPresence``) is shown on change forms.
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget, RelatedFieldWidgetWrapper
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from reversion.admin import VersionAdmin

from .addresses import is_tracked, old_address_owner
from .edit_conflicts import EditConflictMixin
from .models import OldSlug

# Every admin form with a web address reads a bare "example.org" as https://example.org
# (the default from Django 6 on; said explicitly instead of the transitional setting).
# Also used by the admins' inlines and by those not versioned.
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class CurrentFileWidget(AdminFileWidget):
    """The admin's file input, described by the file it holds: a screen reader that
    reaches "Ändern" or "Löschen" hears which file they concern ("Derzeit: …")."""

    template_name = "core/widgets/current_file.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if widget["is_initial"] and widget["attrs"].get("id"):
            widget["current_id"] = f"{widget['attrs']['id']}_current"
            described = (widget["current_id"], widget["attrs"].get("aria-describedby"))
            widget["attrs"]["aria-describedby"] = " ".join(filter(None, described))
        return context


FILE_FIELDS = {models.FileField: {"widget": CurrentFileWidget}}


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


def inner_widget(field):
    """The widget that renders the control (not the wrapper with the "+" links)."""
    widget = field.widget
    return widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget


def with_languages(form_class):
    """``form_class`` with ``lang`` on each translated field: a screen reader reads the
    English field in English on a German page. modeltranslation's fields carry their
    language; the label names it (``MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME``)."""
    for name, field in form_class.base_fields.items():
        try:
            language = getattr(form_class._meta.model._meta.get_field(name), "language", None)
        except FieldDoesNotExist:  # a form field of its own (the edit-conflict state)
            continue
        if language:
            inner_widget(field).attrs["lang"] = language
    return form_class


def named_by_entry(formset_class):
    """``formset_class`` whose controls are named "<field>: <entry>" ("<field>: neue
    Zeile" in a row not saved yet). For rows in a table, a list's editable cells or an
    inline's, whose only visible label is the column's heading."""

    class EntryNamedFormSet(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)  # after it: "Löschen?" is a field too
            entry = str(form.instance) if form.instance.pk else gettext("neue Zeile")
            for field in form.fields.values():
                widget = inner_widget(field)
                if not widget.is_hidden:
                    widget.attrs["aria-label"] = gettext("%(field)s: %(entry)s") % {
                        "field": capfirst(field.label),
                        "entry": entry,
                    }

    return EntryNamedFormSet


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


class VersionedTranslationAdmin(EditConflictMixin, VersionAdmin, TranslationAdmin):
    """Translated fields one language above the other, and every save kept as a version
    editors can restore.

    The content apps' admins share it: "Änderungsgeschichte" shows who changed what and
    when; "Gelöschte … wiederherstellen" brings back a deleted entry with its inline rows;
    a save or deletion of an entry changed since it was opened is refused with the other
    version shown (``core.edit_conflicts``).

    Both languages of a field stand one above the other, each labelled with its language
    and marked with ``lang``: modeltranslation's tabs (jQuery UI) nested links in tabs
    and hid one language from a screen reader's reading of the form. Rows in tables (a
    list's editable cells, the tabular inlines) name their controls by their entry.
    """

    formfield_overrides = {**HTTPS_URL_FIELDS, **FILE_FIELDS}

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_languages(super().get_form(request, obj, change=change, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            with_languages(formset.form)  # the classes are this request's own
            if isinstance(inline, admin.TabularInline):
                formset = named_by_entry(formset)
            yield formset, inline

    def get_changelist_formset(self, request, **kwargs):
        return named_by_entry(super().get_changelist_formset(request, **kwargs))

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
