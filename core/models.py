"""The shape the content models share: publication (``Publishable``), the editors'
research notes (``EditorNotes``), both (``Content``); and who has an entry's change form
open (``EditPresence``).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def missing_english(fields):
    """The condition of ``PublishableQuerySet.missing_english()``: published, and one of
    ``fields`` has a German value but no English one. Also the condition of the partial
    index that keeps its count cheap (``Meta.indexes``)."""
    missing = Q()
    for name in fields:
        english_empty = Q(**{f"{name}_en": ""}) | Q(**{f"{name}_en__isnull": True})
        missing |= english_empty & Q(**{f"{name}_de__gt": ""})
    return Q(published=True) & missing


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Editors see unpublished entries (with a banner); visitors do not."""
        return self if user.is_staff else self.published()

    def drafts(self):
        """Entries not yet (or no longer) published: the editors' open work."""
        return self.filter(published=False)

    def missing_english(self):
        """Published entries whose English title or text is empty: visitors of the English
        pages read the German one (the model's ``ENGLISH_FIELDS``, translated fields)."""
        return self.filter(missing_english(self.model.ENGLISH_FIELDS))


class Publishable(models.Model):
    # The translated fields a published entry should have in English (its title, its
    # text); none by default.
    ENGLISH_FIELDS = ()

    published = models.BooleanField(_("veröffentlicht"), default=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True


class EditorNotes(models.Model):
    editor_notes = models.TextField(
        _("Recherchenotizen"),
        blank=True,
        help_text=_("Nur für die Redaktion sichtbar: Fakten aus anderen Quellen, mit Quelle."),
    )

    class Meta:
        abstract = True


class Content(Publishable, EditorNotes):
    """A published entry of the archive with the editors' notes (projects, reports)."""

    class Meta:
        abstract = True


class EditPresenceQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class EditPresence(models.Model):
    """An editor has an entry's change form open: shown to others who open it too.

    Information, never a lock: nothing waits for it, and it lapses by itself
    (``core.edit_conflicts.PRESENCE_WINDOW``) or when its editor saves the entry.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("Inhaltstyp")
    )
    object_id = models.CharField(_("Eintrag"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("Redakteurin/Redakteur")
    )
    opened_at = models.DateTimeField(_("geöffnet seit"))
    seen_at = models.DateTimeField(_("zuletzt geöffnet"))

    objects = EditPresenceQuerySet.as_manager()

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("geöffneter Eintrag")
        verbose_name_plural = _("geöffnete Einträge")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="one_presence_per_editor"
            )
        ]
        indexes = [models.Index(fields=["seen_at"], name="edit_presence_seen_at")]

    def __str__(self):
        return f"{self.user} – {self.content_type} {self.object_id}"

    def get_absolute_url(self):
        info = (self.content_type.app_label, self.content_type.model)
        return reverse("admin:{}_{}_change".format(*info), args=[self.object_id])


class OldSlugQuerySet(models.QuerySet):
    def for_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def for_object(self, obj):
        return self.for_model(type(obj)).filter(object_id=str(obj.pk))


class OldSlug(models.Model):
    """A slug an entry had before: its old addresses redirect to the current one for good
    (``core.addresses``)."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("Inhaltstyp")
    )
    object_id = models.CharField(_("Eintrag"), max_length=64)
    slug = models.SlugField(_("frühere Kurzadresse"), max_length=200)
    replaced_at = models.DateTimeField(_("ersetzt am"), auto_now_add=True)

    objects = OldSlugQuerySet.as_manager()

    class Meta:
        ordering = ["-replaced_at", "pk"]
        verbose_name = _("frühere Adresse")
        verbose_name_plural = _("frühere Adressen")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="one_entry_per_old_slug")
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="old_slug_entry"),
        ]

    def __str__(self):
        return self.slug

    def get_absolute_url(self):
        info = (self.content_type.app_label, self.content_type.model)
        return reverse("admin:{}_{}_change".format(*info), args=[self.object_id])
