"""The pages a public body owes its visitors: Impressum, Datenschutzerklärung, Erklärung
zur Barrierefreiheit and a page in Leichte Sprache (``pages.models.Page``).

Editors write them as plain text; ``render_body`` turns that into HTML with every piece
of their text escaped, so no markup of theirs ever reaches a page.
"""

import re

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import mark_safe
from django.views.generic import DetailView

from reports.models import AnnualReport

from .models import PLACEHOLDER, Page

# Where the accessibility statement shows what is generated from data, each a line of its
# own in the text (either language's name works): the documents that are not accessible
# yet, and the state of the editors' workplace (``website.views.StatementView``).
GENERATED = {
    "Dokumentenliste": "documents",
    "Document list": "documents",
    "Redaktionsbereich": "admin",
    "Editors' area": "admin",
}
MARKER_NAMES = "|".join(re.escape(name) for name in GENERATED)
MARKER = re.compile(rf"^[ \t]*\[({MARKER_NAMES})\][ \t]*$", re.MULTILINE)


def render_line(text):
    """One line of an editor's text (a page, the identity's footer): placeholders marked,
    web and e-mail addresses linked, the rest escaped."""
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(urlize(text[position : match.start()], autoescape=True))
        parts.append(format_html('<mark class="placeholder">{}</mark>', match.group(0)))
        position = match.end()
    parts.append(urlize(text[position:], autoescape=True))
    # Safe: urlize escapes the text around the links it makes (autoescape=True), and
    # format_html escapes the placeholder.
    return mark_safe("".join(str(part) for part in parts))


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def render_body(text):
    """A page's text as HTML: paragraphs, "## " headings (h2) and "- " lists."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = _lines(block)
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("## "):
            blocks.append(format_html("<h2>{}</h2>", render_line(lines[0][3:].strip())))
        elif all(line.startswith("- ") for line in lines):
            items = format_html_join(
                "\n", "<li>{}</li>", ((render_line(line[2:]),) for line in lines)
            )
            blocks.append(format_html("<ul>\n{}\n</ul>", items))
        else:
            joined = mark_safe("<br>\n".join(str(render_line(line)) for line in lines))
            blocks.append(format_html("<p>{}</p>", joined))
    return mark_safe("\n".join(str(block) for block in blocks))


class PageView(DetailView):
    """One page by its kind; editors also see it unpublished (with a banner)."""

    kind = None
    template_name = "pages/page.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        pages = Page.objects.all()
        if not self.request.user.is_staff:
            pages = pages.filter(published=True)
        return get_object_or_404(pages, slug=self.kind)

    def get_context_data(self, **kwargs):
        # Text and markers alternate: [text, marker, text, marker, …, text].
        pieces = MARKER.split(self.object.body)
        parts = [{"text": render_body(text)} for text in pieces[::2]]
        if self.object.slug == Page.Kind.BARRIEREFREIHEIT:
            for index, marker in enumerate(pieces[1::2]):
                parts[index]["generated"] = GENERATED[marker]
            # Generated from what each report's upload check found, never written by hand.
            reports = (
                AnnualReport.objects.published()
                .not_accessible()
                .select_related("series")
                .order_by("-year", "series__title", "pk")
            )
            kwargs["inaccessible_reports"] = Paginator(reports, 50).get_page(
                self.request.GET.get("page")
            )
        return super().get_context_data(parts=parts, **kwargs)
