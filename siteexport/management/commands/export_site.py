"""Write the public site as static files (and, with --warc, as a web-archive file)."""

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from pages.models import SiteIdentity
from siteexport.exporter import SEARCH_INDEX_PATH, Exporter, ExportError, export_date


def _base_url(value):
    """The live site's origin: scheme and host, nothing after them."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(
            f"--base-url: {value!r} ist keine Adresse wie https://archiv.example.org"
        )
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise CommandError(
            f"--base-url: {value!r} nennt mehr als Schema und Host; die Ausgabe gehört an die "
            "Wurzel der Website."
        )
    return f"{parts.scheme}://{parts.netloc}"


def _non_empty(path):
    return path.exists() and (not path.is_dir() or any(path.iterdir()))


def _an_export(path):
    """Whether the folder holds an earlier export: only such a folder is replaced."""
    return (path / "404.html").is_file() and (path / SEARCH_INDEX_PATH.lstrip("/")).is_file()


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Command(BaseCommand):
    help = (
        "Schreibt jede öffentliche Seite der Website auf Deutsch und Englisch als feste "
        "Dateien in DIR (Standard: export/), die jeder Webserver an der Wurzel ausliefert; "
        "mit --warc zusätzlich als WARC-Datei (ISO 28500)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", default="export", help="Zielordner (export/)")
        parser.add_argument(
            "--replace", action="store_true", help="einen vorhandenen Zielordner ersetzen"
        )
        parser.add_argument(
            "--base-url",
            help="Adresse der Website (https://…) für sitemap.xml, Feeds und kanonische Links; "
            "ohne sie stehen dort Pfade ab der Wurzel",
        )
        parser.add_argument(
            "--warc",
            nargs="?",
            const="",
            metavar="FILE",
            help="auch als WARC-Datei schreiben (Standard: DIR.warc.gz); braucht --base-url",
        )

    def handle(self, *args, dir, replace, base_url, warc, verbosity, **options):
        target = Path(dir).absolute()
        base_url = _base_url(base_url) if base_url else None
        warc_path = None
        if warc is not None:
            if not base_url:
                raise CommandError(
                    "--warc braucht --base-url: ein Webarchiv führt jede Seite unter ihrer "
                    "vollen Adresse."
                )
            warc_path = (
                Path(warc).absolute() if warc else target.with_name(target.name + ".warc.gz")
            )
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} ist kein Ordner.")
        if _non_empty(target) and not replace:
            raise CommandError(
                f"{target} ist nicht leer. Mit --replace wird er durch die neue Ausgabe ersetzt."
            )
        if _non_empty(target) and not _an_export(target):
            raise CommandError(
                f"{target} ist nicht leer und enthält keine frühere Ausgabe von export_site "
                "(404.html, suchindex.json): er wird nicht ersetzt."
            )
        if warc_path and warc_path.exists() and not replace:
            raise CommandError(f"{warc_path} gibt es schon. Mit --replace wird sie ersetzt.")

        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target, then renamed: a failed export leaves the old one.
        partial = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
        )
        partial.chmod(0o777 & ~_umask())
        warc_partial = None
        say = self.stdout.write if verbosity >= 1 else (lambda message: None)
        try:
            date = export_date()
            warc_writer = None
            if warc_path:
                warc_path.parent.mkdir(parents=True, exist_ok=True)
                handle, name = tempfile.mkstemp(
                    prefix=f".{warc_path.name}.", suffix=".partial", dir=warc_path.parent
                )
                warc_partial = Path(name)
                warc_file = os.fdopen(handle, "wb")
            with translation.override("de"):
                site = SiteIdentity.current().title
            say(f"Export nach {target} …")
            try:
                if warc_path:
                    from siteexport.warc import WarcWriter

                    warc_writer = WarcWriter(
                        warc_file, filename=warc_path.name, site=site, base_url=base_url, date=date
                    )
                result = Exporter(partial, base_url=base_url, progress=say, warc=warc_writer).run()
            finally:
                if warc_path:
                    warc_file.close()
        except ExportError as error:
            self._discard(partial, warc_partial)
            raise CommandError(f"Export abgebrochen: {error}") from error
        except BaseException:
            self._discard(partial, warc_partial)
            raise

        self._swap(partial, target)
        if warc_path:
            warc_partial.chmod(0o666 & ~_umask())
            warc_partial.replace(warc_path)

        for url, (status, referrers) in sorted(result.broken.items()):
            self.stderr.write(
                f"Nicht erreichbar ({status}): {url}, verlinkt von {', '.join(referrers) or '–'}"
            )
        say(
            self.style.SUCCESS(
                f"{len(result.pages)} Seiten und {result.files} Dateien "
                f"({result.bytes / 1_000_000:.1f} MB) in {result.seconds:.1f} s nach {target}."
            )
        )
        if warc_path:
            say(self.style.SUCCESS(f"WARC-Datei: {warc_path}"))

    @staticmethod
    def _discard(partial, warc_partial):
        shutil.rmtree(partial, ignore_errors=True)
        if warc_partial is not None:
            warc_partial.unlink(missing_ok=True)

    @staticmethod
    def _swap(partial, target):
        """Put the new export in the target's place; the old one goes only afterwards."""
        if not target.exists():
            partial.rename(target)
            return
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        old.rmdir()
        target.rename(old)
        partial.rename(target)
        shutil.rmtree(old, ignore_errors=True)
