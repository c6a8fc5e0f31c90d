"""Draw report covers and the renditions of photos and logos again."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db.models import Q

from core.images import rerender_slot
from people.models import PHOTO, Person
from projects.models import LOGO, Organisation
from reports.models import AnnualReport
from reports.processing import process_report_file


class Command(BaseCommand):
    help = (
        "Zeichnet die Titelbilder der Jahresberichte (mit Seitenzahl, Größe und "
        "Barrierefreiheit der PDF-Datei) und die Fassungen der Fotos und Logos neu, etwa "
        "nach einer Änderung der Bildgrößen. Mit --missing nur dort, wo sie fehlen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help=(
                "Nur Einträge ohne Titelbild beziehungsweise ohne Bildfassungen, und "
                "Berichte, deren Barrierefreiheit noch nicht geprüft ist."
            ),
        )

    def handle(self, *args, missing=False, **options):
        done = failed = 0
        reports = AnnualReport.objects.select_related("series").exclude(file="")
        if missing:
            reports = reports.filter(
                Q(cover_webp="") | Q(cover_fallback="") | Q(pdf_tagged__isnull=True)
            )
        for report in reports:
            ok = self._run(report, lambda report=report: process_report_file(report))
            done, failed = done + ok, failed + (not ok)

        for model, slot in ((Person, PHOTO), (Organisation, LOGO)):
            rows = model.objects.exclude(**{slot.field: ""})
            if missing:
                rows = rows.filter(**{f"{slot.field}_webp": ""})
            for row in rows:
                ok = self._run(row, lambda row=row, slot=slot: rerender_slot(row, slot, row.slug))
                done, failed = done + ok, failed + (not ok)

        self.stdout.write(self.style.SUCCESS(f"Neu gezeichnet: {done}."))
        if failed:
            self.stderr.write(f"Nicht möglich: {failed} (siehe oben).")

    def _run(self, obj, action):
        try:
            action()
        except ValidationError as error:
            self.stderr.write(f"{obj}: {' '.join(error.messages)}")
        except OSError as error:
            self.stderr.write(f"{obj}: Datei nicht lesbar ({error.strerror or error}).")
        else:
            return True
        return False
