from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save

from core.signals import content_changed

from . import entries


def _content_changed(sender, signal=None, action=None, **kwargs):
    """A change shown on the pages: a model of settings.CONTENT_APPS saved, deleted or
    related anew, or ``content_changed`` sent by whatever changed content without one."""
    if signal is not content_changed:
        meta = getattr(sender, "_meta", None)
        if meta is None or meta.app_label not in settings.CONTENT_APPS:
            return
        if action is not None and not action.startswith("post_"):
            return  # m2m_changed: count the change once, after it happened
    from .models import bump_content_version, bump_entry_versions

    bump_content_version()
    bump_entry_versions(entries.changed(sender, signal, action=action, **kwargs))


def _before_save(sender, instance, raw=False, **kwargs):
    """The entries a row leaves: known only before it is saved."""
    if sender._meta.app_label in settings.CONTENT_APPS:
        from .models import bump_entry_versions

        bump_entry_versions(entries.changing(sender, instance, raw))


class PageCacheConfig(AppConfig):
    """Rendered pages for anonymous visitors, keyed on the content version and, for the
    pages of single entries, on the versions of the entries they show."""

    name = "pagecache"
    verbose_name = "Seiten-Cache"

    def ready(self):
        for signal in (post_save, post_delete, m2m_changed, content_changed):
            signal.connect(_content_changed, dispatch_uid=f"pagecache.{signal!r}")
        pre_save.connect(_before_save, dispatch_uid="pagecache.pre_save")
        post_init.connect(entries.loaded, dispatch_uid="pagecache.post_init")
