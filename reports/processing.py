"""What happens to a report's PDF: its cover, size, page count and checksum, a clean
file name that never overwrites, and its files removed or kept aside once the
transaction commits. It does not import the models (they import it).
"""

import threading
from contextlib import contextmanager
from weakref import WeakKeyDictionary

import pypdfium2 as pdfium
from django.core.files.base import ContentFile

from core.files import (
    file_changes,
    keep_aside_on_commit,
    new_upload,
    stored_names,
)
from core.images import RenditionSpec, render
from core.signals import content_changed

from .validators import corrupt, inspect_pdf

PDF_FOLDER = "jahresberichte"
COVER_FOLDER = "titelbilder"

# The cover as the report list and the project page show it: 150 CSS pixels wide (at
# most 240 high), drawn at twice that for sharp screens. Templates take the <img> size
# from ``cover_width`` and ``cover_height``.
COVER_SPEC = RenditionSpec(width=150, height=240, density=2, quality=80, fallback="JPEG")

FILE_FIELDS = ("file", "cover_webp", "cover_fallback")
PROCESSED_FIELDS = (
    "file",
    "file_size",
    "page_count",
    "file_sha256",
    "cover_webp",
    "cover_fallback",
    "cover_width",
    "cover_height",
    "pdf_tagged",
    "pdf_language",
    "pdf_title",
)

# PDFium is not thread-safe; gunicorn's threaded workers share one process.
_PDFIUM_LOCK = threading.Lock()


class PreparedPdf:
    __slots__ = ("cover", "facts")

    def __init__(self, facts, cover):
        self.facts = facts
        self.cover = cover


def render_first_page(file, spec=COVER_SPEC):
    """The first page as a Pillow RGB image fitting ``spec``'s box at its density."""
    box_width, box_height = spec.width * spec.density, spec.height * spec.density
    file.seek(0)
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(file)
        except pdfium.PdfiumError as error:
            raise corrupt() from error
        try:
            page = document[0]
            width, height = page.get_size()  # in points, the page's rotation applied
            if width <= 0 or height <= 0:
                raise corrupt()
            scale = min(box_width / width, box_height / height)
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
            return bitmap.to_pil().convert("RGB")  # a copy, independent of PDFium's buffer
        except pdfium.PdfiumError as error:
            raise corrupt() from error
        finally:
            document.close()
            file.seek(0)


def prepare_pdf(file, *, max_bytes=None):
    """Check ``file`` and draw its cover: a ``PreparedPdf``; writes nothing."""
    facts = inspect_pdf(file, max_bytes=max_bytes)
    cover = render(render_first_page(file), COVER_SPEC)
    return PreparedPdf(facts, cover)


# Uploads the field validator has prepared, kept for the save() that follows.
_prepared_uploads = WeakKeyDictionary()


def prepare_upload(upload):
    prepared = prepare_pdf(upload)
    _prepared_uploads[upload] = prepared
    return prepared


def _apply(report, prepared, changes):
    """Write the covers and set the processed fields (not the file itself)."""
    facts, cover = prepared.facts, prepared.cover
    report.file_size = facts.size
    report.page_count = facts.page_count
    report.file_sha256 = facts.sha256
    report.pdf_tagged = facts.accessibility.tagged
    report.pdf_language = facts.accessibility.language
    report.pdf_title = facts.accessibility.title
    versioned = f"{report.file_stem}-{cover.digest}"
    report.cover_webp = changes.write(COVER_FOLDER, versioned, "webp", ContentFile(cover.webp))
    report.cover_fallback = changes.write(
        COVER_FOLDER, versioned, cover.fallback_extension, ContentFile(cover.fallback)
    )
    report.cover_width = cover.width
    report.cover_height = cover.height


@contextmanager
def report_files_saved(report, save_kwargs):
    """Wrap ``AnnualReport.save()``'s ``super().save()`` call.

    Only a new upload is processed: a name assigned directly (fixtures, tests, scripts)
    is left as it is; call ``process_report_file`` for such a file.
    """
    upload = new_upload(report.file)
    update_fields = save_kwargs.get("update_fields")
    if upload is None or (update_fields is not None and "file" not in update_fields):
        yield
        return
    if update_fields is not None:
        save_kwargs["update_fields"] = {*update_fields, *PROCESSED_FIELDS, "is_placeholder"}
    storage = report.file.storage
    old = stored_names(report, FILE_FIELDS)
    with file_changes(report, FILE_FIELDS, storage) as changes:
        # Prepared by the field validator in full_clean(), or now (raises ValidationError).
        prepared = _prepared_uploads.pop(upload, None) or prepare_pdf(upload)
        upload.seek(0)
        report.file = changes.write(PDF_FOLDER, report.file_stem, "pdf", upload)
        _apply(report, prepared, changes)
        # An uploaded file is the real report: it replaces the placeholder, so the page
        # stops calling it one without the editor having to untick the box.
        report.is_placeholder = False
        changes.release(*old.values())
        yield


def process_report_file(report):
    """Read a stored report file again: size, pages, checksum and covers.

    For files written without an upload (placeholder PDFs, restored backups) and to draw
    the covers again. Saves only the processed fields with ``update()``, so the report's
    "last change" stays. Raises ``ValidationError`` if the file is not a usable PDF and
    ``FileNotFoundError`` if it is missing. The size limit does not apply.
    """
    storage = report.file.storage
    old = stored_names(report, FILE_FIELDS)
    with file_changes(report, FILE_FIELDS, storage) as changes:
        with storage.open(report.file.name, "rb") as stored:
            prepared = prepare_pdf(stored, max_bytes=False)
        _apply(report, prepared, changes)
        changes.release(old.get("cover_webp"), old.get("cover_fallback"))
        type(report)._meta.base_manager.filter(pk=report.pk).update(
            **{name: getattr(report, name) for name in PROCESSED_FIELDS}
        )
    # update() sends no post_save: pages that link the old covers must go.
    content_changed.send(sender=type(report))
    return report


def delete_report_files_on_commit(report):
    """After a report is deleted: keep its PDF and covers aside once the deletion commits,
    for a restore from the version history (``core.files``)."""
    names = [getattr(report, name).name for name in FILE_FIELDS if getattr(report, name)]
    keep_aside_on_commit(report.file.storage, type(report), FILE_FIELDS, names)
