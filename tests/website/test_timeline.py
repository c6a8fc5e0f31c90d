"""The overview's timeline: SVG drawn from the data, ongoing marked, lineage, text alternative."""

import re

import pytest
from django.urls import reverse

from core.months import YearMonth
from projects.models import Project
from website.timeline import MONTH_WIDTH, build_rows, render_svg, timeline

from tests.factories import make_project

pytestmark = pytest.mark.django_db

MAY_2024 = YearMonth(2024, 5)


def bars(svg):
    return re.findall(r'<rect x="(\d+)" y="\d+" width="(\d+)"', svg)


def test_every_published_project_is_a_bar_of_its_months(archive):
    data = timeline(Project.objects.all(), MAY_2024)
    svg = str(data["svg"])
    assert len(bars(svg)) == 5
    rows = {row.project.code or "CCS": row for row in data["rows"]}
    # P03 ran 11/2016 to 10/2019: 36 months.
    p03 = next(row for row in data["rows"] if row.project.code == "P03")
    widths = {int(x): int(width) for x, width in bars(svg)}
    assert 36 * MONTH_WIDTH in widths.values()
    assert [row.project.code for row in data["rows"]] == ["P01", "P02", "P03", "P04", ""]
    assert rows["CCS"].ongoing and not p03.ongoing


def test_the_ongoing_project_and_today_are_marked_in_words(archive):
    svg = str(timeline(Project.objects.all(), MAY_2024)["svg"])
    assert "Cross-Cluster Space Hamburg (laufend)" in svg
    assert "timeline__project--ongoing" in svg
    assert ">heute<" in svg
    after = str(timeline(Project.objects.all(), YearMonth(2026, 11))["svg"])
    assert "(laufend)" not in after


def test_lineage_is_drawn_as_arrows(archive):
    svg = str(timeline(Project.objects.all(), MAY_2024)["svg"])
    # P03 → P04 → Cross-Cluster Space: two arrows.
    assert svg.count('class="timeline__lineage"') == 2


def test_a_new_project_appears_by_itself(archive):
    make_project(99, title_de="Neues Projekt", start_year=2026, start_month=4, end_year=2029)
    svg = str(timeline(Project.objects.all(), MAY_2024)["svg"])
    assert len(bars(svg)) == 6
    assert "Neues Projekt" in svg
    assert ">2029<" in svg


def test_unpublished_projects_are_left_out(archive):
    Project.objects.filter(code="P04").update(published=False)
    data = timeline(Project.objects.all(), MAY_2024)
    assert len(bars(str(data["svg"]))) == 4
    assert "Kollektive" not in str(data["svg"])
    # Without P04 the lineage P03 → P04 → CCS has no drawn link.
    assert 'class="timeline__lineage"' not in str(data["svg"])


def test_titles_are_escaped(db):
    make_project(1, title="<script>x</script> & Co", title_de="<script>x</script> & Co")
    svg = str(render_svg(build_rows(Project.objects.all(), MAY_2024), MAY_2024))
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in svg


def test_no_projects_no_timeline(db):
    assert render_svg([]) == ""


def test_the_overview_shows_the_timeline_with_a_text_alternative(client, archive):
    html = client.get(reverse("projects:index")).content.decode()
    assert '<svg class="timeline__svg"' in html
    assert 'role="img"' in html and 'aria-labelledby="timeline-title timeline-desc"' in html
    assert "Zeitleiste als Liste" in html
    assert "Nachfolgeprojekt von P03" in html
    assert "style=" not in html  # presentation attributes only: the CSP allows no inline styles


def test_the_svg_stays_small(archive):
    size = len(str(timeline(Project.objects.all(), MAY_2024)["svg"]).encode())
    assert size < 8_000
