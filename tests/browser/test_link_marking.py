"""A link the check found broken, as visitors see it: the note and the archived copy
pass axe in both languages, and the archived copy is reached with the keyboard."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from linkchecks.checks import CACHE_KEY, refresh_problem_links
from linkchecks.models import LinkCheck
from projects.models import ProjectLink

from .helpers import describe, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def broken_link(site):
    link = ProjectLink.objects.get(url="http://www.alfaclu.de")
    LinkCheck.objects.create(
        url=link.url,
        state=LinkCheck.State.BROKEN,
        status=404,
        checked_at=timezone.now(),
        last_ok=datetime.datetime(2024, 3, 5, 6, 7, 8, tzinfo=datetime.UTC),
    )
    refresh_problem_links()
    yield link
    cache.delete(CACHE_KEY)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_marked_link_is_accessible(site, desktop, broken_link, language):
    with translation.override(language):
        url = site.url + broken_link.project.get_absolute_url()
    desktop.goto(url)
    note = desktop.locator(".link-problem")
    expected = "nicht mehr erreichbar" if language == "de" else "no longer reachable"
    assert expected in note.inner_text()
    archived = note.locator("a")
    assert archived.get_attribute("href") == (
        "https://web.archive.org/web/20240305060708/http://www.alfaclu.de"
    )
    archived.focus()
    assert archived.evaluate("element => element === document.activeElement")
    violations = run_axe(desktop)["violations"]
    assert not violations, describe(violations)
