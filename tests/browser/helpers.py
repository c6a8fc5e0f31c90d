"""What the browser tests visit and measure: one page of every type, axe, layout probes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from editors.group import EDITOR_GROUP
from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport

PASSWORD = "geheim-1234"


def make_user(who):
    """A superuser (Ada Kern) or an editor in the editors' group (Anna Vogel)."""
    User = get_user_model()
    if who == "superuser":
        return User.objects.create_superuser(
            "admin", "admin@example.org", PASSWORD, first_name="Ada", last_name="Kern"
        )
    user = User.objects.create_user(
        "redaktion", "redaktion@example.org", PASSWORD, is_staff=True,
        first_name="Anna", last_name="Vogel",
    )  # fmt: skip
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    return user


# The WCAG 2.0 and 2.1 rules of levels A and AA (BITV 2.0 refers to WCAG 2.1 AA via
# EN 301 549); axe-core's best-practice rules are not part of the requirement.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations", "incomplete"],
}

# Violations per (page type, language, device), for the summary at the end of the run.
AXE_COUNTS = {}
# The admin's pages checked per (user, language, colour scheme), and the nodes in
# violation on them per (user, language, colour scheme, rule).
ADMIN_AXE_PAGES = {}
ADMIN_AXE_NODES = {}

LEGAL_PAGES = ("impressum", "datenschutz", "barrierefreiheit", "leichte-sprache")


def page_types(language):
    """One address per page type, in ``language``: {type: path}.

    Both kinds of EU notice appear: the Cross-Cluster Space (2021-2027) and P04
    (2014-2020). Call with the archive loaded.
    """
    report = AnnualReport.objects.published().order_by("-year").first()
    with translation.override(language):
        pages = {
            "home": reverse("projects:index"),
            "project (EU 2021-2027)": Project.objects.get(
                slug="cross-cluster-space-hamburg"
            ).get_absolute_url(),
            "project (EU 2014-2020)": Project.objects.get(code="P04").get_absolute_url(),
            "organisation": Organisation.objects.filter(fundings__isnull=False)
            .first()
            .get_absolute_url(),
            "projects (filter)": reverse("projects:list") + "?status=abgeschlossen",
            "organisations": reverse("projects:organisations"),
            "people": reverse("people:index"),
            "person": Person.objects.public().first().get_absolute_url(),
            "reports": reverse("reports:list"),
            "report": report.get_absolute_url(),
            "search": reverse("search:search") + "?q=Cluster",
            "open data": reverse("opendata:page"),
            "timeline decade": reverse("website:timeline", args=[2010]),
        }
        for kind in LEGAL_PAGES:
            pages[kind] = reverse(f"pages:{kind}")
        pages["not found"] = f"/{language}/gibt-es-nicht/"
    return pages


def run_axe(page):
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options=AXE_OPTIONS).response


SVG_TEXT_CONTRAST = """(selector) => {
  const el = document.querySelector(selector);
  if (!el || !el.closest('svg')) return null;
  const rgb = (colour) => {
    const match = /rgba?\\(([^)]+)\\)/.exec(colour);
    return match ? match[1].split(',').map(Number) : null;
  };
  const luminance = (c) => {
    const channel = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  let background = [255, 255, 255];
  for (let node = el.closest('svg').parentElement; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour && (colour.length < 4 || colour[3] > 0)) { background = colour; break; }
  }
  const fill = rgb(getComputedStyle(el).fill);
  if (!fill) return null;
  const [light, dark] = [luminance(fill), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}"""


def undecided_contrast(page, incomplete):
    """The text whose contrast axe could not decide and that is not shown to pass here.

    axe cannot see the background of text inside an SVG drawing (the overview's timeline);
    such text is measured here: its fill against the page behind the drawing, which holds
    while the drawing puts no text on its own shapes (the timeline's labels sit beside
    its bars). Anything else undecided stays undecided: a failure.
    """
    left = []
    for rule in incomplete:
        if rule["id"] != "color-contrast":
            continue
        nodes = []
        for node in rule["nodes"]:
            ratio = page.evaluate(SVG_TEXT_CONTRAST, node["target"][-1])
            if ratio is None or ratio < 4.5:
                nodes.append(node)
        if nodes:
            left.append({**rule, "nodes": nodes})
    return left


def describe(results):
    """A readable list of axe results: rule, impact, help and the offending elements."""
    lines = []
    for rule in results:
        targets = ", ".join(" ".join(node["target"]) for node in rule["nodes"][:5])
        lines.append(f"{rule['id']} ({rule.get('impact')}): {rule['help']}: {targets}")
    return "\n".join(lines)


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
