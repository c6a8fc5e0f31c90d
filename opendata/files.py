"""Open data as files: ``manage.py write_open_data`` writes the JSON and CSV files with
the very bytes the downloads would stream, atomically, with their content version in
``stand.json``; the downloads send them (docs/deployment.md). Built inside a request the
open data would grow with the archive.
"""

import datetime
import json
import os
import tempfile
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone, translation

from core.responses import file_response
from pagecache.middleware import compute_release, read_content_version

from . import archive as exports

JSON_NAME = "projektarchiv.json"
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"
STAND_NAME = "stand.json"


def csv_name(table):
    return f"projektarchiv-{table}.csv"


def csv_pieces(archive, table):
    # With a byte order mark, spreadsheet programs read the UTF-8 correctly.
    return chain(["\ufeff"], archive.csv_text(table))


def file_names():
    return [JSON_NAME, *(csv_name(table) for table in exports.Archive.TABLES)]


# -- Reading -------------------------------------------------------------------------------


def _folder():
    root = settings.OPEN_DATA_ROOT
    return Path(root) if root else None


def read_stand():
    """What ``stand.json`` records (``written`` as a datetime), or None without one."""
    folder = _folder()
    if folder is None:
        return None
    try:
        stand = json.loads((folder / STAND_NAME).read_text(encoding="utf-8"))
        stand["written"] = datetime.datetime.fromisoformat(stand["written"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stand


def written_response(request, name, content_type):
    """The written file ``name`` as the answer to ``request``; None while there is none."""
    folder = _folder()
    if folder is None or not (folder / name).is_file():
        return None
    return file_response(
        request,
        FileSystemStorage(location=folder),
        name,
        content_type=content_type,
        # Clients revalidate (ETag, Last-Modified): a rewritten file reaches them at once.
        cache_control="no-cache",
        accel_prefix=settings.OPEN_DATA_ACCEL_REDIRECT_PREFIX,
    )


# -- Writing -------------------------------------------------------------------------------


def check_base_url(value):
    """The site's public origin (scheme and host) or ValueError."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} ist keine Adresse wie https://archiv.example.org")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(f"{value!r} nennt mehr als Schema und Host")
    return f"{parts.scheme}://{parts.netloc}"


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_file(folder, name, pieces):
    """``pieces`` (text) as UTF-8 into ``folder/name``, atomically."""
    handle, partial = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as file:
            for piece in pieces:
                file.write(piece.encode("utf-8"))
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private; nginx reads it as another user.
        os.chmod(partial, 0o666 & ~_umask())
        os.replace(partial, folder / name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def is_current(stand, wanted):
    folder = _folder()
    return (
        stand is not None
        and all(stand.get(key) == value for key, value in wanted.items())
        and all((folder / name).is_file() for name in file_names())
    )


def write(base_url, *, if_changed=False):
    """Write every file; with ``if_changed`` only when they are not of the current
    content version, release and base address. Returns the new stand, or None when
    nothing was written."""
    folder = _folder()
    if folder is None:
        raise ValueError("OPEN_DATA_ROOT ist leer: kein Ordner für die Dateien.")
    state = read_content_version()
    if state is None:
        raise ValueError("Die Datenbank ist nicht eingerichtet (manage.py migrate).")
    version, changed_at = state
    wanted = {
        "version": version,
        "changed_at": changed_at,
        "release": compute_release(),
        "base_url": base_url,
    }
    if if_changed and is_current(read_stand(), wanted):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    written = timezone.now().replace(microsecond=0)
    archive = exports.Archive(exports.Origin(base_url))
    with translation.override(settings.LANGUAGE_CODE):
        _write_file(folder, JSON_NAME, archive.json_text())
        for table in exports.Archive.TABLES:
            _write_file(folder, csv_name(table), csv_pieces(archive, table))
    stand = {**wanted, "written": written.isoformat()}
    _write_file(folder, STAND_NAME, [json.dumps(stand, indent=2) + "\n"])
    return {**stand, "written": written}
