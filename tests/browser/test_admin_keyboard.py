"""The editor's journey by keyboard alone, with what a screen reader hears at each step.

Tab, Shift+Tab, Enter, Space, the arrow keys and typed text; no mouse, no click on an
element. After each step the focused element's role, name and description are read from
Chromium's accessibility tree (``keyboard.Keyboard``), and every stop on the way must be
named and show its focus. axe-core checks each page of the journey, the open list of an
autocomplete too. An editor signs in, finds a project, changes its German and English
subtitle, adds a role, restores the version from before, uploads a report, publishes a
project and answers an edit conflict, in German and in English; a superuser does the
same in the other language's colour scheme.
"""

import re
from pathlib import Path

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from reversion.models import Version

from core.models import EditPresence
from editors.group import EDITOR_GROUP
from people.models import Role
from projects.models import Project
from reports.models import AnnualReport

from .helpers import PASSWORD, describe, make_user, run_axe
from .keyboard import Keyboard
from tests.media_builders import pdf_bytes

pytestmark = pytest.mark.browser

CCS = "cross-cluster-space-hamburg"

# What the pages say, in each interface language.
WORDS = {
    "de": {
        "username": "Benutzername:",
        "password": "Passwort:",
        "log in": "Anmelden",
        "projects": "Projekte",
        "search": "Suchbegriff",
        "subtitle de": "Untertitel (Deutsch):",
        "subtitle en": "Untertitel (Englisch):",
        "save and continue": "Sichern und weiter bearbeiten",
        "save": "Sichern",
        "add role": "Rolle im Projekt hinzufügen",
        "role kind": "Rollenart: neue Zeile",
        "person": "Person: neue Zeile",
        "history": "Geschichte",
        "placeholders": re.compile(r"^\d+ Jahresberichte sind noch Platzhalter-PDFs$"),
        "file": "PDF-Datei:",
        "current": "Derzeit:",
        "placeholder": "Platzhalter",
        "publish": re.compile(r"^Veröffentlicht: .*Luftfahrtcluster"),
        "notices": "Hinweise",
        "done": "Erledigt:",
        "warning": "Warnung:",
        "stored": "Gespeicherter Stand: Evas Fassung",
    },
    "en": {
        "username": "Username:",
        "password": "Password:",
        "log in": "Log in",
        "projects": "Projects",
        "search": "Search term",
        "subtitle de": "Subtitle (German):",
        "subtitle en": "Subtitle (English):",
        "save and continue": "Save and continue editing",
        "save": "Save",
        "add role": "Add another Role in the project",
        "role kind": "Role type: new row",
        "person": "Person: new row",
        "history": "History",
        "placeholders": re.compile(r"^\d+ annual reports are still placeholder PDFs$"),
        "file": "PDF file:",
        "current": "Currently:",
        "placeholder": "Placeholder",
        "publish": re.compile(r"^Published: .*Luftfahrtcluster"),
        "notices": "Notices",
        "done": "Done:",
        "warning": "Warning:",
        "stored": "Stored state: Evas Fassung",
    },
}

# An autocomplete's open list when it shows the answer for ``word``: two entries or more,
# each containing it.
FOUND_FOR = """word => {
  const found = [...document.querySelectorAll(
    '.select2-results__option[role=option]:not(.loading-results)')];
  return found.length >= 2 && found.every(option => option.textContent.includes(word));
}"""

# Each interface language for each user, in one of the two colour schemes.
JOURNEYS = [
    ("editor", "de", "light"),
    ("editor", "en", "dark"),
    ("superuser", "en", "light"),
    ("superuser", "de", "dark"),
]


@pytest.fixture
def archive_with_history(site):
    """A version of the project from before the journey, one project not yet published,
    and a second editor, Eva Berg, who will have the project open."""
    User = get_user_model()
    eva = User.objects.create_user("eva", first_name="Eva", last_name="Berg", is_staff=True)
    eva.groups.add(Group.objects.get(name=EDITOR_GROUP))
    project = Project.objects.get(slug=CCS)
    with reversion.create_revision():
        reversion.set_user(eva)
        reversion.set_comment("Stand vor der Redaktion")
        project.save()
    Project.objects.filter(slug__startswith="luftfahrtcluster").update(published=False)
    return site, eva


class Journey:
    """One editor's way through the admin: the keyboard, the words, axe on each page."""

    def __init__(self, page, language):
        self.page = page
        self.keys = Keyboard(page)
        self.words = WORDS[language]
        self.language = language
        self.checked = []
        # File choosers are intercepted from the start, so that the first one a key opens
        # is not shown as a native dialog before Playwright waits for it.
        page.on("filechooser", lambda chooser: None)

    def axe(self, what):
        assert self.page.locator("html").get_attribute("lang") == self.language
        violations = run_axe(self.page)["violations"]
        assert violations == [], f"{what}: {self.page.url}\n{describe(violations)}"
        self.checked.append(what)

    def to(self, word, backwards=False):
        return self.keys.tab_to(self.words.get(word, word), backwards=backwards)

    def field(self, word):
        """Tab to a text field named ``word``: its name is its label, as on screen."""
        focused = self.to(word)
        assert focused["role"] in ("textbox", "searchbox"), focused
        return focused

    def notices(self):
        """The text of the named region of messages (what a screen reader lists)."""
        return self.page.get_by_role("region", name=self.words["notices"]).inner_text()


@pytest.mark.parametrize(("who", "language", "scheme"), JOURNEYS)
def test_the_editors_journey_by_keyboard(
    browser, archive_with_history, tmp_path, who, language, scheme
):
    site, eva = archive_with_history
    user = make_user(who)
    context = browser.new_context(locale="de-DE", color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    journey = Journey(page, language)
    keys, words = journey.keys, journey.words
    try:
        # Sign in: the first field of the form has the focus.
        page.goto(f"{site.url}/{language}/admin/login/")
        journey.axe("login")
        assert keys.check(keys.focused())["name"] == words["username"]
        keys.type(user.get_username())
        assert keys.check(keys.press("Tab"))["name"] == words["password"]
        keys.type(PASSWORD)
        keys.activate("Enter")
        assert page.url == f"{site.url}/{language}/admin/"
        journey.axe("start page")

        # Find the project: its list from the start page, then the search.
        keys.skip_to_content()
        focused = journey.to("projects")
        assert focused["role"] == "link" and focused["href"].endswith("/projects/project/")
        keys.activate()
        journey.axe("project list")
        focused = journey.field("search")
        keys.type("Cross-Cluster")
        keys.activate("Enter")
        focused = journey.to("Cross-Cluster Space Hamburg")
        keys.activate()
        journey.axe("project change form")

        # The German and English subtitle, each field in its language; then every control
        # down to the buttons has a name and shows its focus.
        keys.skip_to_content()
        focused = journey.field("subtitle de")
        assert focused["lang"] == "de"
        keys.type("Ein Raum für Cluster")
        focused = keys.check(keys.press("Tab"))
        assert focused["name"] == words["subtitle en"] and focused["lang"] == "en"
        keys.type("A space for clusters")
        journey.to("save and continue")
        keys.activate()
        project = Project.objects.get(slug=CCS)
        assert (project.subtitle_de, project.subtitle_en) == (
            "Ein Raum für Cluster",
            "A space for clusters",
        )
        assert journey.notices().startswith(words["done"])  # its kind in words

        # Add a role: a new row, its kind by the arrow keys, its person by the search of
        # the autocomplete, whose open list axe checks too.
        keys.skip_to_content()
        journey.to("add role")
        rows = page.locator("#roles-group tr.form-row.dynamic-roles")
        before = rows.count()
        keys.press("Enter")
        assert rows.count() == before + 1
        focused = journey.to("role kind", backwards=True)
        assert focused["role"] == "combobox", focused
        keys.press("ArrowDown")
        focused = journey.to("person")  # past the links to change the chosen kind
        assert focused["role"] == "combobox", focused
        focused = keys.press_until_focus_on("Enter", ".select2-search__field")
        assert focused["name"] == words["person"] and focused["role"] == "searchbox", focused
        keys.type("Astrid")  # two people: the arrow keys choose, the field says which
        # The people found for the whole word, not select2's "Searching…" nor the
        # answer to a request for its first letters (sent while typing on a slow run).
        options = page.locator(".select2-results__option[role=option]:not(.loading-results)")
        page.wait_for_function(FOUND_FOR, arg="Astrid")
        first, second = options.all_inner_texts()[:2]
        assert keys.focused()["active"] == first
        journey.axe("autocomplete open")
        assert keys.press("ArrowDown")["active"] == second
        focused = keys.press("Enter")
        assert focused["role"] == "combobox", focused
        assert focused["name"] == f"{words['person']} {second}", focused
        journey.to("save and continue")
        keys.activate()
        added = Role.objects.get(project=project, person__given_name="Astrid")
        assert str(added.person) == second

        # Restore the version from before: the history, the version, its form.
        keys.skip_to_content()
        journey.to("history")
        keys.activate()
        journey.axe("history")
        earlier = Version.objects.get_for_object(project).get(revision__user=eva)
        keys.skip_to_content()
        keys.tab_to(lambda f: (f["href"] or "").endswith(f"/history/{earlier.pk}/"))
        keys.activate()
        journey.axe("version")
        keys.skip_to_content()
        journey.field("subtitle de")
        keys.activate("Enter")  # the form's first button: restore this version
        project.refresh_from_db()
        assert not project.subtitle_de and not project.subtitle_en  # as before: empty
        assert not Role.objects.filter(pk=added.pk).exists()

        # Upload a report: from the start page's count of placeholders to the report.
        keys.tab_to(lambda f: f["href"] == f"/{language}/admin/")  # the site's name
        keys.activate()
        keys.skip_to_content()
        journey.to("placeholders")
        keys.activate()
        journey.axe("report list")
        keys.tab_to(lambda f: re.search(r"/reports/annualreport/\d+/change/", f["href"] or ""))
        keys.activate()
        journey.axe("report change form")
        report = AnnualReport.objects.get(pk=re.search(r"/(\d+)/change/", page.url)[1])
        keys.skip_to_content()
        focused = journey.to("file")
        assert focused["description"].startswith(words["current"]), focused
        pdf = Path(tmp_path) / "jahresbericht.pdf"
        pdf.write_bytes(pdf_bytes(pages=2))
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(pdf)
        focused = journey.to("placeholder")
        assert focused["role"] == "checkbox"
        keys.press("Space")
        journey.to("save")
        keys.activate()
        report.refresh_from_db()
        assert report.page_count == 2 and not report.is_placeholder
        assert words["warning"] in journey.notices()  # not accessible: said in words

        # Publish a project from its list: the cell's checkbox names its project.
        keys.tab_to(lambda f: (f["href"] or "").endswith("/projects/project/"))
        keys.activate()
        focused = journey.to("publish")
        assert focused["role"] == "checkbox"
        keys.press("Space")
        journey.to("save")
        keys.activate()
        assert Project.objects.get(slug__startswith="luftfahrtcluster").published
        journey.axe("project list after saving")

        # An edit conflict: Eva has the project open and saves while the editor types.
        EditPresence.objects.create(
            content_type=ContentType.objects.get_for_model(Project),
            object_id=str(project.pk), user=eva,
            opened_at=timezone.now(), seen_at=timezone.now(),
        )  # fmt: skip
        journey.to("Cross-Cluster Space Hamburg")
        keys.activate()
        notice = journey.notices()
        assert words["warning"] in notice and "Eva Berg" in notice
        with reversion.create_revision():
            reversion.set_user(eva)
            project.refresh_from_db()
            project.subtitle_en = "Evas Fassung"
            project.save()
        keys.skip_to_content()
        journey.field("subtitle en")
        keys.type("Meine Fassung")
        keys.activate("Enter")
        # The refusal has the focus, and says who changed the entry.
        focused = keys.focused()
        assert "errornote" in page.evaluate("() => document.activeElement.className")
        assert "Eva Berg" in page.locator("#content-main .errorlist.nonfield").inner_text()
        journey.axe("edit conflict")
        focused = journey.field("subtitle en")
        assert focused["value"] == "Meine Fassung"  # her input is kept
        assert words["stored"] in focused["description"], focused
        keys.activate("Enter")  # she keeps hers
        project.refresh_from_db()
        assert project.subtitle_en == "Meine Fassung"
    finally:
        context.close()
    assert journey.checked == [
        "login", "start page", "project list", "project change form", "autocomplete open",
        "history", "version", "report list", "report change form",
        "project list after saving", "edit conflict",
    ]  # fmt: skip
    assert keys.stops > 200  # every control on the way was checked
