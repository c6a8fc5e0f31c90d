"""By keyboard alone: from the home page to a project and its annual report's PDF.

Every stop on the way shows where the focus is (WCAG 2.4.7), and the skip link is the
first stop, visible when focused, and moves on to the main content (2.4.1).
"""

import re

import pytest
from django.utils import translation

from projects.models import Project

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute('href'),
    text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    classes: el.className,
    inMain: !!el.closest('main'),
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    background: style.backgroundColor,
    visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
      && rect.top < window.innerHeight && rect.left < window.innerWidth,
  };
}"""

MAX_TABS = 60


def focus_is_visible(focused):
    """A focus indicator of at least 2 CSS pixels, on an element inside the viewport."""
    return focused is not None and focused["visible"] and focused["outline"] >= 2


def tab_until(page, wanted, stops, limit=MAX_TABS):
    """Press Tab until ``wanted(focused)``; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        stops.append(focused)
        assert focus_is_visible(focused), f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    pytest.fail(f"not reached in {limit} tabs; stops: {[s and s['text'] for s in stops]}")


@pytest.mark.parametrize("language", ["de", "en"])
def test_keyboard_only_from_home_to_an_annual_report(site, desktop, language):
    with translation.override(language):
        project_path = Project.objects.get(slug="cross-cluster-space-hamburg").get_absolute_url()
    page = desktop
    page.goto(f"{site.url}/{language}/")
    stops = []

    # The first Tab reaches the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip is not None and "skip-link" in skip["classes"], skip
    assert skip["href"] == "#main-content"
    assert focus_is_visible(skip), skip
    # Activating it moves on to the main content: the next Tab lands inside <main>.
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")

    # On to the project, by its link in the overview.
    tab_until(page, lambda focused: focused["href"] == project_path, stops)
    assert stops[0]["inMain"], f"the first stop after the skip link: {stops[0]}"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url + project_path

    # On the project page: the annual report's download link, then the PDF itself.
    report = tab_until(page, lambda focused: "download" in (focused["classes"] or ""), stops)
    assert re.search(r"\.pdf$", report["href"]), report
    with page.expect_response(lambda response: response.url.endswith(report["href"])) as info:
        page.keyboard.press("Enter")
    response = info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer; the bytes it was sent are the report's PDF.
    pdf = page.context.request.get(response.url)
    assert pdf.ok and pdf.body().startswith(b"%PDF-")


@pytest.mark.parametrize("language", ["de", "en"])
def test_keyboard_only_through_the_people_index_by_letter(site, desktop, language):
    """In an archive of more people than a page: from the index's letter bar to a letter
    and its next page, every stop with its focus shown, the letter marked as current."""
    from django.urls import reverse

    from tests.factories import populate

    populate(40)  # 120 more people, all "Nachname…": two pages under N
    with translation.override(language):
        index, letter = reverse("people:index"), reverse("people:letter", args=["n"])
        second = reverse("people:letter-page", args=["n", 2])
    page = desktop
    page.goto(site.url + index)
    stops = []
    tab_until(page, lambda focused: focused["href"] == letter, stops)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url + letter
    current = page.locator("nav.letter-bar a[aria-current]")
    assert current.count() == 1 and current.inner_text() == "N"
    # Past the letter's hundred people to its next page.
    tab_until(page, lambda focused: focused["href"] == second, stops, limit=MAX_TABS + 100)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url + second
    assert page.locator("nav.letter-bar a[aria-current='true']").inner_text() == "N"
