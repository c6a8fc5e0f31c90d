"""Write the search index anew from the content (after a restore, an import, an upgrade)."""

from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = (
        "Baut den Suchindex aus den Inhalten neu auf. Speichern, Löschen und "
        "Veröffentlichen halten ihn sonst von selbst aktuell."
    )

    def handle(self, *args, **options):
        def progress(kind, done, total):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {kind}: {done}/{total}")

        written = rebuild(progress)
        summary = ", ".join(f"{kind} {number}" for kind, number in written.items())
        self.stdout.write(self.style.SUCCESS(f"Suchindex neu aufgebaut: {summary}."))
