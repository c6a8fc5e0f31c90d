"""Uploaded files kept in step with the rows that use them.

Shared by the apps (``core`` imports none of them). Two rules:

* Files are written under clean, predictable names (``folder/stem.ext``, then
  ``folder/stem-2.ext`` …) that never overwrite another file.
* A file a row no longer uses is removed only after the transaction that released it
  has committed, and only if no row of the model still names it. A rolled-back save
  therefore never loses the old file; the files it wrote are removed at once if the save
  fails within the model's ``save()``, and at the end of the request if the transaction
  around it did not commit (a later row of the same form failed, the database went away
  before the commit), so that a save that failed leaves no file behind. A write cut
  short (a full disk) removes what it wrote of the file.
* The files of a deleted row are kept aside (under ``KEPT_FOLDER``, which no view
  serves) as long as the version history may restore the row; a restored row gets them
  back where it expects them (``put_back``). ``manage.py purge_kept_files`` removes
  those that no version names any more.
"""

import io
import logging
import threading
from contextlib import contextmanager
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, router, transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

# Names stay well below the 255 characters of the file fields.
MAX_STEM_LENGTH = 80


def clean_stem(stem):
    stem = (stem or "").strip("-")[:MAX_STEM_LENGTH].strip("-")
    return stem or "datei"


def file_size(file):
    """The size of an open file (an upload knows it; a stored file is measured)."""
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(position)
    return size


def new_upload(value):
    """The uploaded file behind a file field's value, or None if it is already stored.

    A stored file is closed until someone reads it; reading ``value.file`` would open
    it from the storage, so only an open value is asked what it holds.
    """
    if not value or value.closed:
        return None
    file = value.file
    return file if isinstance(file, UploadedFile) else None


def available_name(storage, folder, stem, extension):
    """The first free name of ``folder/stem.ext``, ``folder/stem-2.ext``, … ``-99``."""
    stem = clean_stem(stem)
    for number in range(1, 100):
        suffix = "" if number == 1 else f"-{number}"
        name = f"{folder}/{stem}{suffix}.{extension}"
        if not storage.exists(name):
            return name
    # Ninety-nine versions of one name: let the storage add its random suffix.
    return storage.get_available_name(f"{folder}/{stem}.{extension}")


class FileChanges:
    """The files one ``save()`` wrote, and the files the row stops using."""

    def __init__(self, storage, model, fields, using=None):
        self.storage = storage
        self.model = model
        self.fields = tuple(fields)
        self.using = using
        self.written = []
        self.released = []

    def write(self, folder, stem, extension, content):
        """Store ``content`` (a Django ``File``) under a new name and return the name.

        ``storage.save`` opens the target exclusively: should another process take the
        name between the check and the write, the storage picks another name.
        """
        name = available_name(self.storage, folder, stem, extension)
        try:
            name = self.storage.save(name, content)
        except OSError:
            # A write cut short (a full disk) leaves what it wrote under the name, which
            # was free a moment ago.
            _delete_quietly(self.storage, name)
            raise
        self.written.append(name)
        return name

    def release(self, *names):
        self.released.extend(name for name in names if name)

    def discard_written(self):
        for name in self.written:
            _delete_quietly(self.storage, name)
        self.written.clear()

    def delete_released_on_commit(self, keep=()):
        names = [name for name in dict.fromkeys(self.released) if name not in set(keep)]
        if names:
            delete_unused_on_commit(self.storage, self.model, self.fields, names, using=self.using)


@contextmanager
def file_changes(instance, fields, storage, using=None):
    """Collect the files a model's ``save()`` writes and releases.

    On an exception inside the block the written files are removed again; otherwise the
    released files are removed once the transaction commits.
    """
    using = using or router.db_for_write(type(instance), instance=instance)
    changes = FileChanges(storage, type(instance), fields, using=using)
    try:
        yield changes
    except BaseException:
        changes.discard_written()
        raise
    keep = {getattr(instance, field).name for field in fields if getattr(instance, field)}
    changes.delete_released_on_commit(keep=keep)
    _discard_unless_committed(storage, changes.written, using)


# Files written inside a transaction that has not committed yet, per thread (a request):
# [(storage, name, database alias)]; the commit takes them off, the end of the request
# removes what is left.
_uncommitted = threading.local()


def _uncommitted_files():
    if not hasattr(_uncommitted, "files"):
        _uncommitted.files = []
    return _uncommitted.files


def _discard_unless_committed(storage, names, using):
    if not names or transaction.get_autocommit(using):
        return  # saved without a transaction around it: the row names them already
    entries = [(storage, name, using) for name in names]
    _uncommitted_files().extend(entries)
    transaction.on_commit(partial(_committed, entries), using=using)


def _committed(entries):
    files = _uncommitted_files()
    for entry in entries:
        if entry in files:
            files.remove(entry)


def discard_uncommitted_files(**kwargs):
    """At the end of a request (``request_finished``, connected in ``core.apps``): remove
    the files written in a transaction that ended without committing. A transaction
    still open then (a test's) decides for itself; its files are left alone."""
    files, _uncommitted.files = _uncommitted_files(), []
    for storage, name, using in files:
        if not _in_transaction(using):
            _delete_quietly(storage, name)


def _in_transaction(using):
    try:
        return not transaction.get_autocommit(using)
    except DatabaseError:  # no connection to be had, so no transaction open either
        return False


def stored_names(instance, fields, using=None):
    """The names the database holds for ``instance``'s file fields ({} for a new row)."""
    if instance.pk is None:
        return {}
    row = (
        type(instance)
        ._meta.base_manager.using(using or router.db_for_read(type(instance)))
        .filter(pk=instance.pk)
        .values(*fields)
        .first()
    )
    return row or {}


def _on_commit(action, storage, model, fields, names, using):
    """``action`` on the non-empty ``names`` once the current transaction commits."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(
            partial(action, storage, model, tuple(fields), tuple(names), using), using=using
        )


def delete_unused_on_commit(storage, model, fields, names, using=None):
    """Remove ``names`` after the current transaction commits, unless a row still uses them."""
    _on_commit(_delete_unused, storage, model, fields, names, using)


KEPT_FOLDER = "aufbewahrt"


def kept_name(name):
    """Where the file ``name`` of a deleted row is kept."""
    return f"{KEPT_FOLDER}/{name}"


def keep_aside_on_commit(storage, model, fields, names, using=None):
    """After a row's deletion commits: move its files aside, unless a row still uses them."""
    _on_commit(_keep_aside, storage, model, fields, names, using)


def _keep_aside(storage, model, fields, names, using):
    for name in names:
        if _still_used(model, fields, name, using):
            continue
        try:
            _move(storage, name, kept_name(name))
        except OSError:
            logger.warning("Could not keep the file %s aside", name, exc_info=True)


def put_back(instance, fields):
    """Once a restored row commits: its kept files go back to the names it expects.

    After the commit, not before: the history's preview of a deleted entry restores it
    in a transaction that is rolled back, and must leave its files aside.
    """
    transaction.on_commit(partial(_put_back, instance, tuple(fields)))


def _put_back(instance, fields):
    for field in fields:
        file = getattr(instance, field)
        if not file or file.storage.exists(file.name):
            continue
        if file.storage.exists(kept_name(file.name)):
            _move(file.storage, kept_name(file.name), file.name)


def _move(storage, source, target):
    """Move a stored file within ``storage`` (any storage: copy, then delete)."""
    if storage.exists(target):
        storage.delete(target)
    with storage.open(source, "rb") as content:
        storage.save(target, content)
    storage.delete(source)


def _still_used(model, fields, name, using):
    condition = Q()
    for field in fields:
        condition |= Q(**{field: name})
    return model._meta.base_manager.using(using).filter(condition).exists()


def _delete_unused(storage, model, fields, names, using):
    for name in names:
        if not _still_used(model, fields, name, using):
            _delete_quietly(storage, name)


def _delete_quietly(storage, name):
    try:
        storage.delete(name)
    except OSError:
        # The row is already consistent; a file that cannot be removed is only clutter.
        logger.warning("Could not delete the file %s", name, exc_info=True)
