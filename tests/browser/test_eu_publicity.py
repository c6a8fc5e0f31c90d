"""The EU emblem on EFRE-funded projects: visible without scrolling, on a desktop and a
phone, and no smaller than any other logo on the page (Implementing Regulation (EU)
No 821/2014, Art. 4)."""

import pytest
from django.utils import translation

from projects.models import Project

EU_FUNDED = ["cross-cluster-space-hamburg", "co-learning-space-neue-felder-und-akteure"]
EU_FUNDED_CODES = {"P03", "P04"}

MEASURE = """() => {
  const notice = document.querySelector('.eu-notice');
  const emblem = notice && notice.querySelector('svg, img');
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
            left: r.left, right: r.right, height: r.height, width: r.width}; };
  // Logos: pictures marked as such (class "logo" on them or around them); report covers
  // and portraits are pictures, not logos.
  const others = [...document.querySelectorAll('body img, body svg')]
    .filter((el) => !notice || !notice.contains(el))
    .filter((el) => el.closest('[class*="logo"]'))
    .map((el) => ({what: el.outerHTML.slice(0, 80), height: el.getBoundingClientRect().height}));
  return {
    viewport: {width: window.innerWidth, height: window.innerHeight},
    notice: notice && box(notice),
    emblem: emblem && box(emblem),
    others,
  };
}"""


def eu_funded_paths(language):
    projects = Project.objects.filter(fundings__eu_programme__gt="").distinct()
    assert {project.code for project in projects} >= EU_FUNDED_CODES
    with translation.override(language):
        return [project.get_absolute_url() for project in projects]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_eu_notice_is_visible_without_scrolling(site, desktop, phone, language):
    for path in eu_funded_paths(language):
        for device, page in (("desktop", desktop), ("phone", phone)):
            page.goto(site.url + path)
            found = page.evaluate(MEASURE)
            where = f"{device} {path}"
            assert found["notice"] is not None, f"no EU notice on {where}"
            notice, emblem, viewport = found["notice"], found["emblem"], found["viewport"]
            # Wholly inside the first screen, without scrolling.
            assert notice["top"] >= 0 and notice["bottom"] <= viewport["height"], (where, found)
            assert notice["left"] >= 0 and notice["right"] <= viewport["width"], (where, found)
            # The emblem keeps its 3:2 and is at least as tall as any other logo.
            assert emblem["height"] >= 48, (where, emblem)
            assert abs(emblem["width"] / emblem["height"] - 1.5) < 0.01, (where, emblem)
            for other in found["others"]:
                assert emblem["height"] >= other["height"], (where, other)
            name = page.locator(".eu-notice [role=img]").get_attribute("aria-label")
            assert name and ("Europäischen Union" in name or "European Union" in name)
