"""The content version the page cache is keyed on, and how it is read and raised."""

import datetime
import logging

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# The content version as the page cache last read it from the database, kept in the
# cache for PAGE_CACHE_VERSION_SECONDS (pagecache.middleware), so that a hit needs no
# database; forgotten whenever a change commits.
VERSION_KEY = "pagecache:content-version"


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


def forget_cached_version():
    """Drop the content version kept in the page cache (after a change has committed)."""
    try:
        caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")].delete(VERSION_KEY)
    except Exception as error:  # a shared cache that is down keeps nothing to forget
        logger.warning("page cache: forgetting the content version failed: %r", error)


_VERSION_SQL = None


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
    global _VERSION_SQL
    if _VERSION_SQL is None:
        quote = connection.ops.quote_name
        _VERSION_SQL = (
            f"SELECT {quote('version')}, {quote('changed_at')} "
            f"FROM {quote(ContentVersion._meta.db_table)} WHERE {quote('id')} = 1"
        )
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    if row is None:
        return 0, 0.0
    version, changed_at = row
    if isinstance(changed_at, str):  # a database without a datetime converter
        changed_at = datetime.datetime.fromisoformat(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    return version, changed_at.timestamp()
