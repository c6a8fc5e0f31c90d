"""Load the archive's content into an empty database and write missing placeholder PDFs."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pages.models import Page, SiteIdentity
from projects.models import Project
from reports.models import AnnualReport
from reports.placeholders import render_placeholder_pdf
from reports.processing import process_report_file
from search import index as search_index


class Command(BaseCommand):
    help = (
        "Lädt das Archiv (Fixture „archive“) in eine Datenbank ohne Projekte, die "
        "Pflichtseiten (Fixture „pages“) in eine ohne Pflichtseiten, die Identität der "
        "Website (Fixture „identity“) in eine ohne Identität, und erzeugt fehlende "
        "Platzhalter-PDFs der Jahresberichte. Vorhandene Inhalte bleiben unverändert."
    )

    def handle(self, *args, **options):
        if Project.objects.exists():
            self.stdout.write("Inhalte vorhanden: Datenbank bleibt unverändert.")
        else:
            with search_index.deferred():  # the index is written once, at the end
                call_command("loaddata", "archive", verbosity=0)
            self.stdout.write(
                self.style.SUCCESS(f"Archiv geladen: {Project.objects.count()} Projekte.")
            )
        if Page.objects.exists():
            self.stdout.write("Pflichtseiten vorhanden: bleiben unverändert.")
        else:
            with search_index.deferred():
                call_command("loaddata", "pages", verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"Pflichtseiten geladen: {Page.objects.count()}."))
        if SiteIdentity.objects.exists():
            self.stdout.write("Identität der Website vorhanden: bleibt unverändert.")
        else:
            call_command("loaddata", "identity", verbosity=0)
            self.stdout.write(self.style.SUCCESS("Identität der Website geladen."))
        written = self.write_missing_placeholders()
        if written:
            self.stdout.write(self.style.SUCCESS(f"Platzhalter-PDFs erzeugt: {written}."))
        else:
            self.stdout.write("Keine Platzhalter-PDFs fehlen.")

    def write_missing_placeholders(self):
        written = 0
        reports = AnnualReport.objects.filter(is_placeholder=True).select_related("series")
        for report in reports:
            name = report.file.name
            if not name:
                continue
            if not default_storage.exists(name):
                series_title = report.series.title_de or report.series.title
                data = render_placeholder_pdf(f"{series_title} {report.year}")
                report.file.name = default_storage.save(name, ContentFile(data))
                self.stdout.write(f"  {report.file.name}")
                written += 1
            elif report.has_cover:
                continue
            # Size, page count and cover picture, saved with update(): the report's "last
            # change" stays that of its content.
            process_report_file(report)
        return written
