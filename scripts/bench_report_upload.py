"""How long a 50-page annual report takes to upload and process, and what its cover weighs.

    DJANGO_DEBUG=1 .venv/bin/python scripts/bench_report_upload.py [--pages 50] [--runs 3]

Builds a PDF of drawn A4 pages (Pillow: a coloured title band, a chart, lines of text,
like a scanned or image-heavy report), then measures in a throw-away database and media
folder:

* check + cover: ``reports.processing.prepare_pdf`` (signature, end marker, pypdf over
  every page, SHA-256, PDFium drawing the first page, WebP and JPEG encoding);
* model save: ``full_clean()`` and ``save()`` as the admin form does them (the above
  plus writing the PDF and both covers);
* admin upload: the whole POST to the admin's add page as a logged-in superuser
  (multipart parsing, the form, the save, the redirect).

Prints the median of ``--runs`` runs and the bytes of the cover files.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_pdf(pages):
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 22)
        title_font = ImageFont.truetype("DejaVuSans.ttf", 56)
    except OSError:
        font = ImageFont.load_default(size=22)
        title_font = ImageFont.load_default(size=56)
    width, height = 1240, 1754  # A4 at 150 dpi
    images = []
    for number in range(1, pages + 1):
        page = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((0, 0, width, 260), fill=(11, 61, 110))
        draw.text((100, 90), f"Jahresbericht 2022 - Seite {number}", fill="white", font=title_font)
        for bar in range(8):  # a bar chart
            top = 900 - 60 * ((bar * 7 + number) % 9)
            draw.rectangle((120 + bar * 120, top, 200 + bar * 120, 900), fill=(200, 120, 20))
        for line in range(30):
            draw.text(
                (100, 960 + line * 24),
                f"Zeile {line + 1}: Clusterentwicklung, Netzwerke und Wissenstransfer "
                f"in der Metropolregion Hamburg ({number}.{line}).",
                fill=(30, 30, 30),
                font=font,
            )
        images.append(page)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir):
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterspace.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from reports.models import AnnualReport, ReportSeries
    from reports.processing import prepare_pdf

    call_command("migrate", verbosity=0)
    setup_test_environment()
    settings.REPORT_MAX_UPLOAD_BYTES = max(settings.REPORT_MAX_UPLOAD_BYTES, 200 * 1024 * 1024)

    started = time.perf_counter()
    data = build_pdf(args.pages)
    print(
        f"PDF: {args.pages} pages, {len(data):,} bytes (built in "
        f"{time.perf_counter() - started:.1f} s)"
    )

    series = ReportSeries.objects.create(
        title="Jahresbericht Hamburger Cluster",
        title_de="Jahresbericht Hamburger Cluster",
        slug="hamburger-cluster",
    )
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    client = Client()
    client.force_login(user)

    check, save, post = [], [], []
    report = None
    for run in range(args.runs):
        upload = SimpleUploadedFile("bericht.pdf", data, "application/pdf")
        started = time.perf_counter()
        prepare_pdf(upload)
        check.append(time.perf_counter() - started)

        AnnualReport.objects.all().delete()
        report = AnnualReport(
            series=series, year=2022, file=SimpleUploadedFile("bericht.pdf", data)
        )
        started = time.perf_counter()
        report.full_clean()
        report.save()
        save.append(time.perf_counter() - started)

        AnnualReport.objects.all().delete()
        started = time.perf_counter()
        response = client.post(
            reverse("admin:reports_annualreport_add"),
            {
                "series": series.pk,
                "year": 2023 + run,
                "editor_notes": "",
                "file": SimpleUploadedFile("bericht.pdf", data, "application/pdf"),
            },
        )
        post.append(time.perf_counter() - started)
        assert response.status_code == 302, response.content[:2000]
        report = AnnualReport.objects.get()

    def line(label, values):
        print(
            f"{label:<16} median {statistics.median(values):.3f} s  "
            f"(runs: {', '.join(f'{value:.3f}' for value in values)})"
        )

    line("check + cover", check)
    line("model save", save)
    line("admin upload", post)
    print(
        f"page count read: {report.page_count}, size read: {report.file_size:,} bytes, "
        f"stored as {report.file.name}"
    )
    webp = default_storage.size(report.cover_webp.name)
    jpeg = default_storage.size(report.cover_fallback.name)
    from PIL import Image

    with default_storage.open(report.cover_webp.name) as stored:
        pixels = Image.open(stored).size
    print(
        f"cover: {pixels[0]}x{pixels[1]} px for {report.cover_width}x{report.cover_height} "
        f"CSS px; WebP {webp:,} bytes, JPEG {jpeg:,} bytes"
    )


if __name__ == "__main__":
    main()
