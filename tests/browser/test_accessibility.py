"""BITV 2.0 / WCAG 2.1 AA in a real browser: axe-core on every page type, in German and
English, on a desktop and a phone; reflow at 320 px and 200 % zoom; keyboard use."""

import pytest

from .helpers import (
    AXE_COUNTS,
    describe,
    horizontal_overflow,
    page_types,
    run_axe,
    undecided_contrast,
)

LANGUAGES = ["de", "en"]
# 1280 x 800 at 200 % zoom lays out like 640 x 400; 320 px is WCAG 1.4.10's reflow width.
ZOOM_200 = {"width": 640, "height": 400}
WIDTH_320 = {"width": 320, "height": 568}


def check_page(page, url):
    response = page.goto(url)
    assert response is not None
    results = run_axe(page)
    return response.status, results["violations"], results["incomplete"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_wcag_a_or_aa_violation(site, desktop, phone, language):
    failures = []
    for page_type, path in page_types(language).items():
        for device, page in (("desktop", desktop), ("phone", phone)):
            status, violations, incomplete = check_page(page, site.url + path)
            expected = 404 if page_type == "not found" else 200
            assert status == expected, f"{path}: HTTP {status}"
            assert page.locator("html").get_attribute("lang") == language, path
            AXE_COUNTS[(page_type, language, device)] = len(violations)
            # Text contrast (1.4.3) that axe could not decide is a failure too: every
            # text colour must be shown to reach 4.5:1.
            undecided = undecided_contrast(page, incomplete)
            if violations or undecided:
                failures.append(f"{page_type} {device} {path}:\n{describe(violations + undecided)}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_violation_on_lists_in_pages(site, desktop, phone, language):
    """The pagination, the home page's decade links and further pages, the people
    index's letter bar and a letter's second page, in an archive of 40 more projects
    (the real five need no pagination)."""
    from django.urls import reverse
    from django.utils import translation

    from tests.factories import populate

    populate(40)
    with translation.override(language):
        paths = [
            reverse("projects:index"),
            reverse("projects:index-page", args=[2]),
            reverse("people:letter-page", args=["n", 2]),  # 120 "Nachname…", 100 a page
            reverse("reports:list-page", args=[2]),
            reverse("website:timeline", args=[2000]),
            reverse("people:index"),  # a letter bar, no pagination
        ]
    failures = []
    desktop.goto(site.url + paths[0])
    assert desktop.locator(".timeline__decades a").count() >= 2
    for path in paths:
        for device, page in (("desktop", desktop), ("phone", phone)):
            status, violations, incomplete = check_page(page, site.url + path)
            assert status == 200, f"{path}: HTTP {status}"
            # The decade's 40-odd projects fit on one page; the lists have more.
            assert page.locator("nav.pagination").count() == (0 if path in paths[-2:] else 1)
            assert page.locator("nav.letter-bar").count() == (
                "personen" in path or "people" in path
            )
            undecided = undecided_contrast(page, incomplete)
            if violations or undecided:
                failures.append(f"{device} {path}:\n{describe(violations + undecided)}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reflows_without_horizontal_scrolling(site, desktop, language):
    """WCAG 1.4.10 and 1.4.4: readable at 320 CSS pixels and at 200 % zoom."""
    too_wide = []
    try:
        for size_name, size in (("320 px", WIDTH_320), ("200 % zoom", ZOOM_200)):
            desktop.set_viewport_size(size)
            for page_type, path in page_types(language).items():
                desktop.goto(site.url + path)
                overflow = horizontal_overflow(desktop)
                if overflow > 0:
                    too_wide.append(f"{page_type} at {size_name}: {overflow} px too wide ({path})")
    finally:
        desktop.set_viewport_size({"width": 1280, "height": 800})
    assert not too_wide, "\n".join(too_wide)
    # The privacy policy promises visitors no cookies: none was set on any page.
    assert desktop.context.cookies() == []
