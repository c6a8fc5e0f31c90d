"""The versions the page cache is keyed on, and how they are read and raised."""

import datetime
import functools
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from core.caching import cache_call

# The content version as the page cache last read it from the database, kept in the
# cache for PAGE_CACHE_VERSION_SECONDS (pagecache.middleware), so that a hit needs no
# database; forgotten whenever a change commits.
VERSION_KEY = "pagecache:content-version"
# The same for each entry's version (EntryVersion), the tag appended.
ENTRY_KEY = "pagecache:entry:"


class ContentVersion(models.Model):
    """One row: how often, and when last, the public content changed.

    Raised by every save, deletion and many-to-many change of a model of
    ``settings.CONTENT_APPS`` and by ``core.signals.content_changed`` (``pagecache.apps``);
    the page cache and the pages' ETag and Last-Modified are keyed on it, so a change
    shows on the next request on every worker of every app server.
    """

    # Bookkeeping, never shown to editors or visitors: the names stay untranslated.
    version = models.PositiveBigIntegerField("Version", default=0)
    changed_at = models.DateTimeField("Letzte Änderung", default=timezone.now)

    class Meta:
        verbose_name = "Inhaltsstand"
        verbose_name_plural = "Inhaltsstände"

    def __str__(self):
        return f"{self.version} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class EntryVersion(models.Model):
    """When an entry (a project, person, organisation, role …) last changed.

    An entry page (``PAGE_CACHE_ENTRY_PAGES``) is keyed on the versions of the entries it
    showed when it was rendered, so a save leaves the pages of other entries cached. A
    tag names an entry as ``app_label.model:pk``; ``*`` stands for every entry page.
    An entry without a row has version 0.
    """

    tag = models.CharField("Eintrag", max_length=120, unique=True)
    version = models.BigIntegerField("Version", default=0)

    class Meta:
        ordering = ["tag"]
        verbose_name = "Stand eines Eintrags"
        verbose_name_plural = "Stände der Einträge"

    def __str__(self):
        return f"{self.tag}: {self.version}"


def bump_entry_versions(tags):
    """Record a change to the entries named by ``tags`` (visible with the transaction's
    commit, like the content version); their versions kept in the cache are forgotten
    once it has committed."""
    if not tags:
        return
    # Any new value will do: the page's key only has to change.
    version = time.time_ns()
    EntryVersion.objects.bulk_create(
        [EntryVersion(tag=tag, version=version) for tag in sorted(tags)],
        update_conflicts=True,
        unique_fields=["tag"],
        update_fields=["version"],
    )
    keys = [ENTRY_KEY + tag for tag in tags]
    transaction.on_commit(lambda: forget_cached_version(keys))


def read_entry_versions(tags):
    """{tag: version} from the database; raises the database's error.

    Plain SQL, like the content version's: it runs on every hit on an entry page when
    the cache keeps no versions, and building the queryset cost more than the rest of
    the hit (docs/performance.md).
    """
    with connection.cursor() as cursor:
        cursor.execute(_entry_versions_sql(len(tags)), list(tags))
        found = dict(cursor.fetchall())
    return {tag: found.get(tag, 0) for tag in tags}


@functools.lru_cache(maxsize=512)
def _entry_versions_sql(count):
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('tag')}, {quote('version')} FROM {quote(EntryVersion._meta.db_table)} "
        f"WHERE {quote('tag')} IN ({', '.join(['%s'] * count)})"
    )


def bump_content_version():
    """Record a change to the public content: the version goes up, with the time.

    One raw UPDATE (it runs on every save, so it is kept cheap); inside a transaction it
    becomes visible with the change itself, at the commit. Once it has committed, the
    version kept in the page cache is forgotten: the next request reads the new one.
    """
    now = timezone.now()
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET version = version + 1, changed_at = %s WHERE id = 1",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        updated = cursor.rowcount
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    transaction.on_commit(forget_cached_version)


def forget_cached_version(keys=(VERSION_KEY,)):
    """Drop versions kept in the page cache (after a change has committed)."""
    cache = caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]
    # A shared cache that is down keeps nothing to forget.
    cache_call("page cache: forgetting versions", cache.delete_many, keys)


def read_content_version():
    """(version, changed_at as a Unix time) in one query; (0, 0.0) before any change.

    None when the table cannot be read (not migrated yet, or the database unavailable).
    """
    try:
        return query_content_version()
    except DatabaseError:
        return None


def query_content_version():
    """(version, changed_at as a Unix time) in one query; (0, 0.0) before any change.

    Raises the database's error when the table cannot be read.
    """
    with connection.cursor() as cursor:
        cursor.execute(_content_version_sql())
        row = cursor.fetchone()
    if row is None:
        return 0, 0.0
    version, changed_at = row
    if isinstance(changed_at, str):  # a database without a datetime converter
        changed_at = datetime.datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    return version, changed_at.timestamp()


@functools.cache
def _content_version_sql():
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('version')}, {quote('changed_at')} "
        f"FROM {quote(ContentVersion._meta.db_table)} WHERE {quote('id')} = 1"
    )
