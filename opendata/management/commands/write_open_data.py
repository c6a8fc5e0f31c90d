"""Write the open data (JSON and CSV) as files that the download views then send.

Run by deploy/systemd/clusterspace-opendata.timer with --if-changed; see
``opendata.files``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opendata import files as open_data


class Command(BaseCommand):
    help = (
        "Schreibt die offenen Daten (JSON und jede CSV-Tabelle) als Dateien in "
        "DJANGO_OPEN_DATA_ROOT; die Downloads der Website senden dann diese Dateien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            required=True,
            help="Adresse der Website (https://…) für die Links in den Daten",
        )
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="nichts tun, wenn die Dateien schon den jetzigen Stand der Inhalte haben",
        )

    def handle(self, *args, base_url, if_changed, verbosity, **options):
        try:
            base_url = open_data.check_base_url(base_url)
        except ValueError as error:
            raise CommandError(f"--base-url: {error}") from error
        try:
            stand = open_data.write(base_url, if_changed=if_changed)
        except (ValueError, OSError) as error:
            raise CommandError(f"Offene Daten nicht geschrieben: {error}") from error
        if verbosity < 1:
            return
        folder = settings.OPEN_DATA_ROOT
        if stand is None:
            self.stdout.write(f"{folder}: schon auf dem jetzigen Stand, nichts geschrieben.")
        else:
            written = timezone.localtime(stand["written"]).strftime("%d.%m.%Y %H:%M")
            self.stdout.write(
                f"{folder}: {len(open_data.file_names())} Dateien geschrieben, "
                f"Stand {written} (Inhaltsversion {stand['version']})."
            )
