"""Which entries a page showed, and which entries a change touches: the tags an entry
page (``PAGE_CACHE_ENTRY_PAGES``) is keyed on besides the release and the date.

A page depends on every entry loaded while it was rendered (``post_init``) and on ``*``.
A save or deletion touches the entry and the entries its foreign keys point to, before
and after the save (a new role changes its project's and its person's pages); a
many-to-many change touches both sides. A change that may alter which entries a page
lists, or where its pages break (``PAGE_CACHE_LISTING_FIELDS``, a new or deleted entry
of such a model, a cleared relation), and any change outside ``PAGE_CACHE_ENTRY_APPS``
touches ``*``: every entry page is rendered again.
"""

import contextlib
import contextvars

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete

EVERYTHING = "*"

_shown = contextvars.ContextVar("pagecache_shown", default=None)


def tag(model, pk):
    """An entry's name: ``app_label.model:pk`` (a proxy's entry is its concrete model's)."""
    return f"{model._meta.concrete_model._meta.label_lower}:{pk}"


def tracked(model):
    return model._meta.app_label in settings.PAGE_CACHE_ENTRY_APPS


@contextlib.contextmanager
def collecting():
    """The set of tags of the entries loaded within the block."""
    shown = set()
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def loaded(sender, instance, **kwargs):
    """``post_init``: an entry loaded while a page is rendered."""
    shown = _shown.get()
    if shown is not None and instance.pk is not None and tracked(sender):
        shown.add(tag(sender, instance.pk))


def _foreign_keys(model):
    return [
        field
        for field in model._meta.concrete_fields
        if (field.many_to_one or field.one_to_one) and tracked(field.related_model)
    ]


def _targets(model, value):
    for field in _foreign_keys(model):
        pk = value(field.attname)
        if pk is not None:
            yield tag(field.related_model, pk)


def _listing_fields(model):
    label = model._meta.concrete_model._meta.label_lower
    return settings.PAGE_CACHE_LISTING_FIELDS.get(label, ())


def changing(model, instance, raw):
    """``pre_save``: the entries a row leaves (its foreign keys as stored and no longer
    set), or ``*``."""
    if not tracked(model):
        return set()  # touches ``*`` after the save
    if raw:
        return {EVERYTHING}  # loading a fixture
    listing = list(_listing_fields(model))
    names = [field.attname for field in _foreign_keys(model)] + listing
    stored = None
    if instance.pk is not None and names:
        stored = model._meta.base_manager.filter(pk=instance.pk).values(*names).first()
    if stored is None:
        return {EVERYTHING} if listing else set()
    if any(stored[name] != getattr(instance, name) for name in listing):
        return {EVERYTHING}
    # The targets it keeps are touched after the save anyway.
    return set(_targets(model, stored.get)) - set(
        _targets(model, lambda name: getattr(instance, name))
    )


def changed(sender, signal, instance=None, action=None, model=None, pk_set=None, **kwargs):
    """After a save, a deletion or a many-to-many change: the entries it touched."""
    if instance is None or not tracked(sender):
        return {EVERYTHING}  # content_changed, or a model without entry pages
    if signal is m2m_changed:
        if action == "post_clear" or not (tracked(type(instance)) and tracked(model)):
            return {EVERYTHING}
        return {tag(type(instance), instance.pk), *(tag(model, pk) for pk in pk_set)}
    tags = {tag(sender, instance.pk), *_targets(sender, lambda name: getattr(instance, name))}
    if signal is post_delete and _listing_fields(sender):
        tags.add(EVERYTHING)
    return tags
