"""Checks for uploaded annual reports: only intact, unencrypted PDFs within the size limit.

The content decides, never the file name: the PDF signature at the start, the end marker
(a cut-off file lacks it), then pypdf must read the document and every page; finally
PDFium must open it and draw the first page (``processing.prepare_pdf``). Every refusal
is a ``ValidationError`` with a German message an editor can act on.
"""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from core.files import file_size, new_upload

DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
SIGNATURE = b"%PDF-"
END_MARKER = b"%%EOF"
# PDF readers accept the end marker this far from the file's end. The signature must open
# the file: readers also accept it after a prefix, which lets a ZIP or HTML file that
# carries a PDF pass as one (a polyglot).
TOLERANCE = 1024

CORRUPT_MESSAGE = _(
    "Die PDF-Datei ist beschädigt und lässt sich nicht lesen. Bitte den Bericht neu als "
    "PDF exportieren und noch einmal hochladen."
)


def max_upload_bytes():
    return getattr(settings, "REPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


class PdfFacts:
    """What the checks learn about a PDF: its size, page count and SHA-256, and what
    assistive technology needs of it (``PdfAccessibility``)."""

    __slots__ = ("accessibility", "page_count", "sha256", "size")

    def __init__(self, size, page_count, sha256, accessibility=None):
        self.size = size
        self.page_count = page_count
        self.sha256 = sha256
        self.accessibility = accessibility or PdfAccessibility()

    def __repr__(self):
        return f"PdfFacts(size={self.size}, page_count={self.page_count})"


class PdfAccessibility:
    """What a screen reader needs of a PDF (BITV 2.0 / PDF/UA, the basics a file shows):
    tags (a structure tree, and ``/MarkInfo`` saying the content is marked), the
    document's language (``/Lang``) and a title (document information or XMP)."""

    __slots__ = ("language", "tagged", "title")

    def __init__(self, tagged=False, language="", title=""):
        self.tagged = tagged
        self.language = language
        self.title = title


def read_accessibility(reader):
    """``PdfAccessibility`` of an open ``PdfReader``."""
    root = reader.root_object
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info and mark_info.get_object().get("/Marked"))
    tagged = marked and "/StructTreeRoot" in root
    language = str(root.get("/Lang") or "").strip()
    title = ""
    if reader.metadata and reader.metadata.title:
        title = str(reader.metadata.title).strip()
    if not title and reader.xmp_metadata and reader.xmp_metadata.dc_title:
        title = str(next(iter(reader.xmp_metadata.dc_title.values()), "")).strip()
    return PdfAccessibility(tagged=tagged, language=language[:35], title=title[:300])


def corrupt():
    return ValidationError(CORRUPT_MESSAGE, code="corrupt")


def inspect_pdf(file, *, max_bytes=None):
    """Check an open file (upload or stored) as a report PDF and return its ``PdfFacts``.

    ``max_bytes`` defaults to ``settings.REPORT_MAX_UPLOAD_BYTES``; ``False`` skips the
    size limit (for files already stored).
    """
    size = file_size(file)
    if not size:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    if limit is not False and size > limit:
        raise ValidationError(
            _(
                "Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s. Bitte eine "
                "verkleinerte Fassung hochladen (etwa „für das Web optimiert“ exportiert)."
            ),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )

    try:
        file.seek(0)
        start = file.read(TOLERANCE)
        if not start.startswith(SIGNATURE) and SIGNATURE in start:
            raise ValidationError(
                _(
                    "Die Datei ist keine reine PDF-Datei: Vor dem PDF steht anderer Inhalt "
                    "(etwa ein ZIP- oder HTML-Kopf). Bitte den Bericht als PDF exportieren "
                    "und hochladen."
                ),
                code="prefixed_pdf",
            )
        if not start.startswith(SIGNATURE):
            raise ValidationError(
                _(
                    "Die Datei ist keine PDF-Datei: Ihr Inhalt ist kein PDF, gleich wie sie "
                    "heißt. Bitte den Bericht als PDF exportieren und hochladen."
                ),
                code="not_a_pdf",
            )
        file.seek(max(0, size - TOLERANCE))
        if END_MARKER not in file.read():
            raise ValidationError(
                _(
                    "Die PDF-Datei ist unvollständig: Ihr Ende fehlt, etwa nach einem "
                    "abgebrochenen Download oder Kopiervorgang. Bitte die vollständige Datei "
                    "hochladen."
                ),
                code="truncated",
            )

        file.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)

        file.seek(0)
        page_count, accessibility = _read_pages(file)
    finally:
        file.seek(0)
    if page_count == 0:
        raise ValidationError(_("Die PDF-Datei enthält keine Seiten."), code="no_pages")
    return PdfFacts(size, page_count, digest.hexdigest(), accessibility)


def _encrypted():
    return ValidationError(
        _(
            "Die PDF-Datei ist verschlüsselt oder kennwortgeschützt. Bitte eine Fassung ohne "
            "Kennwort und ohne Rechtebeschränkung hochladen: Besucherinnen und Besucher "
            "müssen sie ohne Weiteres öffnen und drucken können."
        ),
        code="encrypted",
    )


def _read_pages(file):
    # pypdf reports repairable flaws as log warnings; a refusal here is the message.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise _encrypted()
        pages = reader.pages
        for page in pages:
            # Resolves every page object and its size: a damaged page tree fails here.
            box = page.mediabox
            if box.width <= 0 or box.height <= 0:
                raise corrupt()
        return len(pages), read_accessibility(reader)
    except ValidationError:
        raise
    except FileNotDecryptedError as error:
        raise _encrypted() from error
    except Exception as error:
        # pypdf raises many kinds of errors on a malformed file (its own, ValueError,
        # KeyError, RecursionError …); each means: not a readable PDF.
        raise corrupt() from error
    finally:
        pypdf_logger.setLevel(level)


def validate_report_pdf(value):
    """Field validator: a newly uploaded file must be a usable report PDF.

    An already stored file is not read again. The prepared result (facts and cover) is
    kept for the ``save()`` that follows, so an upload is read and drawn only once.
    """
    upload = new_upload(value)
    if upload is None:
        return
    from .processing import prepare_upload

    prepare_upload(upload)
