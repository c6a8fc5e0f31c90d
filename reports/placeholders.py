"""Placeholder PDFs for annual reports whose real file is not available yet.

The archive needs a real PDF behind every download link; until an editor uploads the
report, a one-page A4 PDF says plainly that it is a placeholder.
"""

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

DPI = 150
A4_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # 1240 x 1754 pixels
MARGIN = 120
HEADING = "Platzhalter \N{EN DASH} {title}"
NOTE = "Der echte Bericht liegt nicht vor. Die Redaktion ersetzt diese Datei im Admin."


# Pillow's built-in font covers ASCII only; a system font, where there is one, gives the
# real dash and umlauts.
SYSTEM_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf")
ASCII_FALLBACK = str.maketrans(
    {
        "\N{EN DASH}": "-",
        "\N{EM DASH}": "-",
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "\N{DOUBLE LOW-9 QUOTATION MARK}": '"',
        "\N{LEFT DOUBLE QUOTATION MARK}": '"',
    }
)


def _fonts(*sizes):
    """Fonts of the given sizes, and a function that makes text drawable in them."""
    for name in SYSTEM_FONTS:
        try:
            return [ImageFont.truetype(name, size) for size in sizes], str
        except OSError:
            continue
    fonts = [ImageFont.load_default(size=size) for size in sizes]
    return fonts, lambda text: text.translate(ASCII_FALLBACK).encode("ascii", "replace").decode()


def _wrap(draw, text, font, width):
    """Split ``text`` into lines no wider than ``width`` pixels."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _draw_block(draw, lines, font, top, line_height):
    for line in lines:
        draw.text((MARGIN, top), line, font=font, fill="black")
        top += line_height
    return top


def render_placeholder_pdf(title: str) -> bytes:
    """A one-page A4 PDF: "Platzhalter \N{EN DASH} <title>" large, a short note below."""
    page = Image.new("L", A4_PX, "white")
    draw = ImageDraw.Draw(page)
    width = A4_PX[0] - 2 * MARGIN

    # A frame with a hatched band marks the page as a stand-in at a glance.
    draw.rectangle((40, 40, A4_PX[0] - 40, A4_PX[1] - 40), outline="black", width=6)
    for x in range(40, A4_PX[0] - 40, 40):
        draw.line((x, 40, x + 40, 100), fill="black", width=4)
    draw.line((40, 100, A4_PX[0] - 40, 100), fill="black", width=6)

    heading = HEADING.format(title=title)
    (heading_font, note_font), drawable = _fonts(84, 36)
    top = 420
    lines = _wrap(draw, drawable(heading), heading_font, width)
    top = _draw_block(draw, lines, heading_font, top, 110)
    _draw_block(draw, _wrap(draw, drawable(NOTE), note_font, width), note_font, top + 80, 52)

    buffer = BytesIO()
    page.save(
        buffer,
        "PDF",
        resolution=DPI,
        title=heading,
        subject=NOTE,
    )
    return buffer.getvalue()
