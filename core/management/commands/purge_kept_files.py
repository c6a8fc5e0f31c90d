"""Remove the kept files of deleted entries that no version of the history names."""

import json
import posixpath

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from reversion.models import Version

from core.files import KEPT_FOLDER


def stored_files(storage, folder):
    """Every file under ``folder`` of ``storage``, recursively."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from stored_files(storage, posixpath.join(folder, sub))


class Command(BaseCommand):
    help = (
        "Entfernt die aufbewahrten Dateien gelöschter Einträge (PDFs, Titelbilder, Fotos, "
        "Logos), die keine Version der Änderungsgeschichte mehr nennt, etwa nach "
        "„manage.py deleterevisions“. Nennt jede entfernte Datei."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Nur anzeigen, nichts entfernen."
        )

    def handle(self, *args, dry_run=False, **options):
        removed = kept = 0
        for name in stored_files(default_storage, KEPT_FOLDER):
            original = name.removeprefix(f"{KEPT_FOLDER}/")
            # A version names the file as a JSON string in its serialized row.
            if Version.objects.filter(serialized_data__contains=json.dumps(original)).exists():
                kept += 1
                continue
            if not dry_run:
                default_storage.delete(name)
            self.stdout.write(f"{'würde entfernen' if dry_run else 'entfernt'}: {original}")
            removed += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Zu entfernen' if dry_run else 'Entfernt'}: {removed}; "
                f"aufbewahrt, weil eine Version sie nennt: {kept}."
            )
        )
