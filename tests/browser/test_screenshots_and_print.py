"""Screenshots for a human look, and the print stylesheet of a project page."""

import pytest
from django.utils import translation

from projects.models import Project

CCS = "cross-cluster-space-hamburg"

PRINT_STATE = """() => {
  const shown = (selector) => [...document.querySelectorAll(selector)]
    .some((el) => getComputedStyle(el).display !== 'none');
  return {
    nav: shown('.site-nav'),
    skip: shown('.skip-link'),
    languageSwitch: shown('.language-switch'),
    footerNav: shown('.site-footer nav'),
    euNotice: shown('.eu-notice'),
    heading: shown('main h1'),
    facts: shown('.facts'),
    textColour: getComputedStyle(document.querySelector('main h1')).color,
    external: [...document.querySelectorAll('a.external')].slice(0, 1)
      .map((a) => getComputedStyle(a, '::after').content),
  };
}"""


def test_screenshots_of_home_and_project_page(site, desktop, phone, screenshot):
    """Home page and the Cross-Cluster Space's page, German and English, desktop and phone."""
    taken = []
    for language in ("de", "en"):
        with translation.override(language):
            pages = {
                "home": f"/{language}/",
                "project": Project.objects.get(slug=CCS).get_absolute_url(),
            }
        for name, path in pages.items():
            for device, page in (("desktop", desktop), ("phone", phone)):
                page.goto(site.url + path)
                taken.append(screenshot(page, f"{name}-{language}-{device}"))
    assert len(taken) == 8 and all(path.stat().st_size > 10_000 for path in taken)


@pytest.mark.parametrize("language", ["de", "en"])
def test_project_page_prints_without_the_site_frame(
    site, desktop_context, screenshot_dir, language
):
    with translation.override(language):
        path = Project.objects.get(slug=CCS).get_absolute_url()
    # A tab of its own: Chromium's headless PDF printing crashes a tab reused too often.
    page = desktop_context.new_page()
    try:
        page.goto(site.url + path)
        page.emulate_media(media="print")
        state = page.evaluate(PRINT_STATE)
        pdf = page.pdf(path=screenshot_dir / f"project-{language}-print.pdf", format="A4")
    finally:
        page.close()
    assert not state["nav"] and not state["skip"] and not state["languageSwitch"]
    assert not state["footerNav"]
    assert state["euNotice"] and state["heading"] and state["facts"]
    assert state["textColour"] == "rgb(0, 0, 0)"
    assert pdf.startswith(b"%PDF-")
