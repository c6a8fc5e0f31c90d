"""The shape the content models share: publication and the editors' research notes.

Abstract models only; core has no tables. A content model inherits what it has:

* ``Publishable``: ``published`` (unpublished entries are invisible to visitors and shown
  to editors with a banner) and a QuerySet with ``published()`` and ``visible_to(user)``;
  a model's own QuerySet subclasses ``PublishableQuerySet``.
* ``EditorNotes``: ``editor_notes``, facts from other sources with their source, for
  the editors only.
* ``Content``: both.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Editors see unpublished entries (with a banner); visitors do not."""
        return self if user.is_staff else self.published()


class Publishable(models.Model):
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
