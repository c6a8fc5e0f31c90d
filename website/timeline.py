"""The projects' timeline as SVG, drawn on the server from the projects' dates: the
newest on the home page, the rest by decade, a page at a time (docs/pages.md).
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.months import YearMonth, format_span
from projects.models import Project

# The home page's window: the twelve newest projects, about one screen of bars (42 px a
# row), which shows the five real projects whole.
HOME_WINDOW = 12
# A decade's page: 50 bars, a few screens; the decade's further projects on further pages.
DECADE_PAGE_SIZE = 50

MONTH_WIDTH = 6  # px per month
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_GAP = 12
AXIS_HEIGHT = 28
MARGIN = 8
TODAY_LABEL_HEIGHT = 14

COLOUR_BAR = "#5b6f86"
COLOUR_ONGOING = "#b3261e"
COLOUR_GRID = "#d5d9de"
COLOUR_TEXT = "#1d2329"
COLOUR_LINEAGE = "#6b7280"


@dataclass
class Row:
    project: object
    start: YearMonth
    end: YearMonth  # the last month drawn: the end, or this month for an open end
    ongoing: bool
    label: str
    duration: str
    predecessor: object  # the published predecessor drawn in this timeline, or None
    y: int = 0


def _label(project):
    return f"{project.code} · {project.title}" if project.code else project.title


def _short(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_rows(projects, today=None):
    """The timeline's rows, oldest project first; only published projects."""
    today = today or YearMonth.today()
    projects = [project for project in projects if project.published]
    by_id = {project.pk: project for project in projects}
    rows = []
    for project in sorted(projects, key=lambda p: (p.start, p.end or today, p.pk)):
        end = project.end or max(today, project.start)
        rows.append(
            Row(
                project=project,
                start=project.start,
                end=end,
                ongoing=project.start <= today and (project.end is None or project.end >= today),
                label=_label(project),
                duration=format_span(project.start, project.end),
                predecessor=by_id.get(project.predecessor_id),
            )
        )
    return rows


def _x(month, first):
    return MARGIN + (month.index - first.index) * MONTH_WIDTH


def render_svg(rows, today=None, years=None):
    """The timeline as an SVG element (safe HTML), or "" when there is nothing to draw.

    ``years``: (first, last) to draw only those years (a decade), bars cut at their edges.
    """
    if not rows:
        return ""
    today = today or YearMonth.today()
    if years:
        first, last = YearMonth(years[0], 1), YearMonth(years[1], 12)
    else:
        first = YearMonth(min(row.start for row in rows).year, 1)
        last_year = max(max(row.end for row in rows).year, today.year)
        last = YearMonth(last_year, 12)
    months = last.index - first.index + 1
    width = 2 * MARGIN + months * MONTH_WIDTH
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = AXIS_HEIGHT + len(rows) * row_height + MARGIN + TODAY_LABEL_HEIGHT
    years = last.year - first.year + 1
    label_every = 1 if years <= 20 else 5

    # Numbers and the colour constants need no escaping; only the texts are escaped. Plain
    # f-strings instead of format_html for each element: the SVG has dozens of elements,
    # and escaping every number was most of the overview's timeline cost.
    parts = []
    # Years: a grid line at each January, labelled above.
    for year in range(first.year, last.year + 1):
        x = _x(YearMonth(year, 1), first)
        parts.append(
            f'<line x1="{x}" y1="{AXIS_HEIGHT - 6}" x2="{x}" y2="{height - TODAY_LABEL_HEIGHT}" '
            f'stroke="{COLOUR_GRID}" stroke-width="1"/>'
        )
        if (year - first.year) % label_every == 0:
            parts.append(
                f'<text x="{x + 3}" y="{AXIS_HEIGHT - 10}" font-size="11" '
                f'fill="{COLOUR_TEXT}">{year}</text>'
            )
    # Today: a dashed line through all rows.
    if first <= today <= last:
        x = _x(today, first) + MONTH_WIDTH // 2
        label = escape(_("heute"))
        parts.append(
            f'<g class="timeline__today"><line x1="{x}" y1="{AXIS_HEIGHT - 4}" x2="{x}" '
            f'y2="{height - TODAY_LABEL_HEIGHT}" stroke="{COLOUR_ONGOING}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{x - 3}" y="{height - 3}" font-size="11" fill="{COLOUR_ONGOING}" '
            f'text-anchor="end">{label}</text></g>'
        )
    # Bars, with their labels above; labels of bars in the right half end at the bar's end.
    for index, row in enumerate(rows):
        row.y = AXIS_HEIGHT + index * row_height
        x1 = _x(max(row.start, first), first)
        x2 = _x(min(row.end, last), first) + MONTH_WIDTH
        bar_y = row.y + LABEL_HEIGHT
        colour = COLOUR_ONGOING if row.ongoing else COLOUR_BAR
        label = _short(row.label, 90)
        if row.ongoing:
            label = f"{label} ({_('laufend')})"
        right_half = x1 > width / 2
        ongoing_class = " timeline__project--ongoing" if row.ongoing else ""
        anchor = ' text-anchor="end"' if right_half else ""
        parts.append(
            f'<g class="timeline__project{ongoing_class}">'
            f'<rect x="{x1}" y="{bar_y}" width="{max(x2 - x1, MONTH_WIDTH)}" '
            f'height="{BAR_HEIGHT}" rx="2" fill="{colour}"/>'
            f'<text x="{x2 if right_half else x1}" y="{bar_y - 4}" font-size="12" '
            f'fill="{COLOUR_TEXT}"{anchor}>{escape(label)}</text></g>'
        )
    # Lineage: from below the predecessor's bar, down and right into the successor's start.
    by_pk = {row.project.pk: row for row in rows}
    for row in rows:
        if row.predecessor is None:
            continue
        before = by_pk.get(row.predecessor.pk)
        if before is None:  # the predecessor is drawn on another page
            continue
        x_from = _x(min(before.end, last), first) + MONTH_WIDTH
        x_to = _x(max(row.start, first), first)
        x_start = min(x_from, x_to) - 8
        parts.append(
            f'<path class="timeline__lineage" d="M{x_start} '
            f"{before.y + LABEL_HEIGHT + BAR_HEIGHT} V{row.y + LABEL_HEIGHT + BAR_HEIGHT // 2} "
            f'H{x_to - 1}" fill="none" stroke="{COLOUR_LINEAGE}" stroke-width="1.5" '
            'marker-end="url(#timeline-arrow)"/>'
        )

    defs = (
        '<defs><marker id="timeline-arrow" viewBox="0 0 6 6" refX="5" refY="3" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        f'<path d="M0 0 L6 3 L0 6 z" fill="{COLOUR_LINEAGE}"/></marker></defs>'
    )
    title = _("Zeitleiste der Projekte")
    description = _(
        "%(count)d Projekte von %(first)s bis %(last)s, je Projekt ein Balken über seine "
        "Laufzeit; Pfeile verbinden Vorgänger und Nachfolger."
    ) % {"count": len(rows), "first": first.year, "last": last.year}
    # Safe: every text above is escaped, everything else is numbers and constants.
    return mark_safe(
        f'<svg class="timeline__svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-labelledby="timeline-title timeline-desc" font-family="inherit">'
        f'<title id="timeline-title">{escape(title)}</title>'
        f'<desc id="timeline-desc">{escape(description)}</desc>{defs}{"".join(parts)}</svg>'
    )


def timeline(projects, today=None, years=None):
    """What ``includes/_timeline.html`` shows: the SVG and its rows for the text alternative."""
    rows = build_rows(projects, today)
    return {"svg": render_svg(rows, today, years), "rows": rows}


def newest(count=HOME_WINDOW):
    """The ``count`` newest published projects (by start), and whether there are more:
    one query for ``count + 1`` rows."""
    projects = list(
        Project.objects.published().order_by("-start_year", "-start_month", "-pk")[: count + 1]
    )
    return projects[:count], len(projects) > count


def decades(today=None):
    """The first years of the decades in which published projects ran, oldest first
    (1990, 2000 …): ``ProjectQuerySet.year_span``'s queries."""
    span = Project.objects.published().year_span(today)
    if span is None:
        return []
    first, last = span
    return list(range(first // 10 * 10, last // 10 * 10 + 1, 10))


def in_decade(decade):
    """The published projects that ran in the decade starting ``decade``, by start."""
    return (
        Project.objects.published()
        .filter(start_year__lte=decade + 9)
        .filter(Q(end_year__gte=decade) | Q(end_year__isnull=True))
        .order_by("start_year", "start_month", "pk")
    )
