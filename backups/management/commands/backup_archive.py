"""Save the whole archive into one file: ``dumpdata`` of ``settings.BACKUP_MODELS`` with
natural keys and every uploaded file, in a tar archive with a manifest; restore_archive
reads it into an empty database of either engine (docs/deployment.md).
"""

import io
import json
import os
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

FORMAT = "clusterspace-backup"
VERSION = 1


def backup_models():
    """The models of settings.BACKUP_MODELS ("app_label" or "app_label.model"), in order.
    The search index is not among them: restore_archive writes it anew."""
    models = []
    for label in settings.BACKUP_MODELS:
        if "." in label:
            models.append(apps.get_model(label))
        else:
            models.extend(apps.get_app_config(label).get_models())
    return models


def storage_files(storage, folder=""):
    """Every file name in ``storage`` below ``folder``, sorted, with "/" as separator."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names.extend(storage_files(storage, f"{folder}/{sub}" if folder else sub))
    return sorted(names)


class Progress:
    """Prints "label: done/total" now and then (every 2 s and at the end) on long runs."""

    def __init__(self, out, label, total, enabled=True):
        self.out, self.label, self.total, self.enabled = out, label, total, enabled
        self.done = 0
        self.last = time.monotonic()

    def step(self, amount=1):
        self.done += amount
        now = time.monotonic()
        if self.enabled and (now - self.last >= 2 or self.done == self.total):
            percent = 100 * self.done // self.total if self.total else 100
            self.out.write(f"  {self.label}: {self.done}/{self.total} ({percent} %)")
            self.last = now


class Command(BaseCommand):
    help = (
        "Sichert das ganze Archiv (Daten und hochgeladene Dateien) in eine Datei "
        "(.tar.gz); restore_archive stellt sie in einer leeren Datenbank wieder her."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=(
                "Zieldatei oder vorhandener Ordner dafür "
                "(Standard: var/backups/clusterspace-JJJJMMTT-HHMMSS.tar.gz)"
            ),
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Datenbank (Standard: default)"
        )

    def handle(self, *args, path=None, database=DEFAULT_DB_ALIAS, verbosity=1, **options):
        self.verbose = verbosity >= 1
        name = f"clusterspace-{datetime.now().strftime('%Y%m%d-%H%M%S')}.tar.gz"
        if path is None:
            target = Path(settings.BASE_DIR) / "var" / "backups" / name
        else:
            target = Path(path)
            if target.is_dir():  # a folder (the nightly job's): a new file named by the time
                target = target / name
        if target.exists():
            raise CommandError(f"{target} gibt es schon; bitte einen anderen Namen wählen.")
        target.parent.mkdir(parents=True, exist_ok=True)

        models = backup_models()
        labels = [model._meta.label for model in models]
        media = storage_files(default_storage)

        with tempfile.TemporaryDirectory(prefix="clusterspace-backup-") as workdir:
            data_path = Path(workdir) / "data.json"
            counts = self.dump(database, models, labels, data_path)
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": timezone.now().isoformat(),
                "database_vendor": connections[database].vendor,
                "models": labels,
                "counts": counts,
                "media": [],
            }
            # Written next to the target first, renamed when complete: a failed or cut-off
            # run never leaves a file that looks like a finished backup.
            partial = target.with_name(target.name + ".partial")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    with open(data_path, "rb") as data:
                        self.add_stream(tar, "data.json", data, data_path.stat().st_size)
                    manifest["media"] = self.add_media(tar, media)
                    self.add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
                os.replace(partial, target)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise

        rows = sum(counts.values())
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung geschrieben: {target} ({rows} Datensätze, "
                f"{len(manifest['media'])} Dateien, {size / 1024 / 1024:.1f} MB)."
            )
        )

    def dump(self, database, models, labels, data_path):
        """dumpdata of all models from one consistent snapshot; returns rows per model."""
        with transaction.atomic(using=database):
            connection = connections[database]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = {
                label: model._meta.base_manager.using(database).count()
                for model, label in zip(models, labels, strict=True)
            }
            if self.verbose:
                self.stdout.write(f"Daten: {sum(counts.values())} Datensätze …")
            call_command(
                "dumpdata",
                *labels,
                database=database,
                natural_foreign=True,
                output=str(data_path),
                verbosity=0,
            )
        return counts

    def add_media(self, tar, names):
        progress = Progress(self.stdout, "Dateien", len(names), enabled=self.verbose)
        entries = []
        for name in names:
            size = default_storage.size(name)
            try:
                mtime = default_storage.get_modified_time(name).timestamp()
            except (NotImplementedError, OSError):
                mtime = None
            with default_storage.open(name, "rb") as source:
                self.add_stream(tar, f"media/{name}", source, size, mtime)
            entries.append({"name": name, "size": size})
            progress.step()
        return entries

    @staticmethod
    def add_stream(tar, name, stream, size, mtime=None):
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o644
        info.mtime = time.time() if mtime is None else mtime
        tar.addfile(info, stream)

    def add_bytes(self, tar, name, data):
        self.add_stream(tar, name, io.BytesIO(data), len(data))
