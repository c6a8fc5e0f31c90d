"""Restore a backup_archive file into an empty, migrated database, data and files in one
transaction; a database with content is refused. A backup made before the models moved
to their apps (release 2026-12) is relabelled first (``backups.moved``).
"""

import json
import posixpath
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

from backups.moved import made_before_the_move, relabel
from editors.group import EDITOR_GROUP
from search import index as search_index

from .backup_archive import FORMAT, VERSION, Progress, backup_models


def media_name(member):
    """The storage name of a tar member below media/, or None if it is not a safe file."""
    if not member.name.startswith("media/") or not member.isfile():
        return None
    name = member.name.removeprefix("media/")
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
        raise CommandError(f"Unzulässiger Dateiname in der Sicherung: {member.name!r}")
    if posixpath.normpath(name) != name:
        raise CommandError(f"Unzulässiger Dateiname in der Sicherung: {member.name!r}")
    return name


class Command(BaseCommand):
    help = (
        "Stellt eine Sicherung von backup_archive in einer leeren Datenbank wieder her "
        "(vorher: migrate). Eine Datenbank mit Inhalt wird nicht angetastet."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Die Sicherungsdatei (.tar.gz)")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Datenbank (Standard: default)"
        )

    def handle(self, *args, path, database=DEFAULT_DB_ALIAS, verbosity=1, **options):
        self.verbose = verbosity >= 1
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source}: keine Datei.")
        self.refuse_non_empty(database)
        try:
            tar = tarfile.open(source, mode="r:gz")  # noqa: SIM115 - closed by "with tar" below
        except (tarfile.TarError, OSError) as error:
            raise CommandError(f"{source}: keine lesbare Sicherung ({error}).") from error

        with tar, tempfile.TemporaryDirectory(prefix="clusterspace-restore-") as workdir:
            manifest = self.read_manifest(tar)
            data_path = Path(workdir) / "data.json"
            self.extract(tar, "data.json", data_path)
            if made_before_the_move(manifest.get("models", [])):
                self.relabel_data(data_path)
                if self.verbose:
                    self.stdout.write(
                        "Sicherung aus der Zeit vor dem Umzug der Modelle (2026-12): "
                        "Modellnamen angepasst."
                    )
            with transaction.atomic(using=database):
                if self.verbose:
                    rows = sum(manifest.get("counts", {}).values())
                    self.stdout.write(f"Daten: {rows} Datensätze …")
                # The migration's editor group makes way for the one in the backup.
                Group.objects.using(database).filter(name=EDITOR_GROUP).delete()
                # The search index is not in the backup: written once, after the rows.
                with search_index.deferred():
                    call_command("loaddata", str(data_path), database=database, verbosity=0)
                files = self.restore_media(tar, len(manifest.get("media", [])))

        counts = manifest.get("counts", {})
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung vom {manifest.get('created', '?')} wiederhergestellt: "
                f"{sum(counts.values())} Datensätze, {files} Dateien."
            )
        )

    @staticmethod
    def rows_of(model, database):
        """The rows that make a database "not empty": not what ``migrate`` itself creates."""
        rows = model._meta.base_manager.using(database)
        return rows.exclude(name=EDITOR_GROUP) if model is Group else rows

    def refuse_non_empty(self, database):
        try:
            filled = {
                model._meta.label: count
                for model in backup_models()
                if (count := self.rows_of(model, database).count())
            }
        except DatabaseError as error:
            raise CommandError(
                f"Die Datenbank ist nicht bereit ({error}). Zuerst: manage.py migrate"
            ) from error
        if filled:
            listing = ", ".join(f"{label}: {count}" for label, count in filled.items())
            raise CommandError(
                f"Die Datenbank ist nicht leer ({listing}). restore_archive füllt nur eine "
                "leere Datenbank: eine neue anlegen, manage.py migrate, dann wiederherstellen."
            )

    def read_manifest(self, tar):
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
        except (KeyError, ValueError, TypeError) as error:
            raise CommandError(
                "Keine Sicherung von backup_archive (manifest.json fehlt)."
            ) from error
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise CommandError(
                f"Unbekanntes Format {manifest.get('format')!r} Version "
                f"{manifest.get('version')!r}; erwartet {FORMAT!r} Version {VERSION}."
            )
        return manifest

    @staticmethod
    def relabel_data(path):
        """data.json with the moved models' new labels. It is read whole, as loaddata reads
        a JSON file anyway."""
        try:
            with open(path, encoding="utf-8") as source:
                objects = json.load(source)
        except ValueError as error:
            raise CommandError(
                f"data.json der Sicherung ist kein gültiges JSON ({error})."
            ) from error
        with open(path, "w", encoding="utf-8") as target:
            json.dump(relabel(objects), target)

    @staticmethod
    def extract(tar, name, target):
        try:
            member = tar.getmember(name)
        except KeyError as error:
            raise CommandError(f"Die Sicherung enthält kein {name}.") from error
        with tar.extractfile(member) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)

    def restore_media(self, tar, total):
        progress = Progress(self.stdout, "Dateien", total, enabled=self.verbose)
        written = 0
        for member in tar:
            name = media_name(member)
            if name is None:
                continue
            # The database was empty, so a file of the same name is left over: replace it,
            # so that the restored rows point to the saved content.
            if default_storage.exists(name):
                default_storage.delete(name)
            with tar.extractfile(member) as content:
                saved = default_storage.save(name, File(content, name=posixpath.basename(name)))
            if saved != name:
                raise CommandError(f"{name} wurde als {saved} gespeichert; Abbruch.")
            written += 1
            progress.step()
        return written
