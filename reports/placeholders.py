"""Placeholder PDFs for annual reports whose real file is not available yet.

The archive needs a real PDF behind every download link; until an editor uploads the
report, a one-page A4 PDF says plainly that it is a placeholder. Pillow draws the page;
the file is written here, as Pillow's PDF writer cannot tag a page for screen readers.
"""

import zlib
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

DPI = 150
A4_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # 1240 x 1754 pixels
A4_PT = (595.28, 841.89)
LANGUAGE = "de-DE"
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


def _text_string(text):
    """A PDF text string in UTF-16BE with its byte order mark: umlauts and dashes intact."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"


def _xmp(title, language):
    title = escape(title)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def _stream(dictionary, data):
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _write_pdf(objects, root, info):
    """Objects 1..n (bytes each) as a PDF file with its cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        root,
        info,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def render_placeholder_pdf(title: str) -> bytes:
    """A one-page A4 PDF: "Platzhalter \N{EN DASH} <title>" large, a short note below.

    The page is a picture, tagged as one figure whose alternative text is the page's
    text, with the document's language and title set: the same accessibility check as
    any uploaded report (``validators.read_accessibility``) finds nothing missing.
    """
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

    box = b"[0 0 %.2f %.2f]" % A4_PT
    pixels = zlib.compress(page.tobytes(), 9)
    content = b"/Figure << /MCID 0 >> BDC\nq %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\nEMC" % A4_PT
    lang = f"({LANGUAGE})".encode()
    objects = [
        # 1 catalogue: marked content, a structure tree, the language, the title shown.
        b"<< /Type /Catalog /Pages 2 0 R /Lang " + lang + b" /MarkInfo << /Marked true >>"
        b" /StructTreeRoot 6 0 R /ViewerPreferences << /DisplayDocTitle true >>"
        b" /Metadata 10 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" /Resources << /XObject"
        b" << /Im0 4 0 R >> >> /Contents 5 0 R /StructParents 0 /Tabs /S >>",
        _stream(
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
            b" /BitsPerComponent 8 /Filter /FlateDecode" % A4_PX,
            pixels,
        ),
        _stream(b"", content),
        b"<< /Type /StructTreeRoot /K 7 0 R /ParentTree 9 0 R /ParentTreeNextKey 1 >>",
        b"<< /Type /StructElem /S /Document /P 6 0 R /K [8 0 R] >>",
        b"<< /Type /StructElem /S /Figure /P 7 0 R /Pg 3 0 R /K 0 /Alt "
        + _text_string(f"{heading}. {NOTE}")
        + b" /A << /O /Layout /BBox "
        + box
        + b" >> >>",
        b"<< /Nums [0 [8 0 R]] >>",
        _stream(b"/Type /Metadata /Subtype /XML", _xmp(heading, LANGUAGE)),
        b"<< /Title "
        + _text_string(heading)
        + b" /Subject "
        + _text_string(NOTE)
        + b" /Producer (clusterspace) >>",
    ]
    return _write_pdf(objects, root=1, info=11)
