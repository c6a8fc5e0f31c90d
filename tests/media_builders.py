"""Test files built on the spot: PDFs with pypdf, images with Pillow, forged headers."""

import io
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

A4 = (595, 842)  # points
A4_LANDSCAPE = (842, 595)


def pdf_bytes(pages=3, size=A4, user_password=None, owner_password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*size)
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password=user_password or "", owner_password=owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def drawn_pdf_bytes(pages=2, text="Jahresbericht"):
    """A PDF of drawn pages (Pillow), like a scanned report: real page content."""
    from PIL import ImageDraw

    images = []
    for number in range(pages):
        page = Image.new("RGB", (620, 877), "white")
        draw = ImageDraw.Draw(page)
        draw.rectangle((40, 40, 580, 200), fill=(30, 60, 120))
        draw.text((60, 240), f"{text} - Seite {number + 1}", fill="black")
        images.append(page)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=75)
    return buffer.getvalue()


def pdf_upload(data=None, name="bericht.pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, "application/pdf")


def image_bytes(fmt="JPEG", size=(400, 300), mode="RGB", color=(180, 40, 40), **save_options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def jpeg_with_exif(size=(400, 200), orientation=6, gps=True):
    """A JPEG whose EXIF says "rotate 90°" and carries a GPS position and a camera."""
    image = Image.new("RGB", size, (20, 120, 20))
    # The left half red, so the rotation can be checked on the pixels too.
    image.paste((200, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Testkamera GmbH"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (53.0, 34.0, 1.0), 3: "E", 4: (10.0, 6.0, 1.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def png_claiming(width, height):
    """A tiny PNG whose header claims ``width`` x ``height`` pixels: a decompression bomb."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def files_under(root):
    """Every file below ``root``, as sorted relative POSIX paths."""
    root = Path(root)
    if not root.exists():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
