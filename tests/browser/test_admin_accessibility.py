"""axe-core on every admin page, as a superuser and as an editor, in German and English.

Every list the start page links, each list's add form, one change form with its history
and a version, the deleted entries to restore (``admin_walk``); with a history to show:
a project changed and a role kind deleted, both recorded as versions.
"""

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.utils import timezone

from linkchecks.models import LinkCheck
from people.models import RoleKind
from projects.models import Project

from .admin_walk import admin_pages, sign_in
from .helpers import ADMIN_AXE_NODES, ADMIN_AXE_PAGES, describe, make_user, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def history(site):
    """A version of a project, a deleted role kind, a link check's finding."""
    User = get_user_model()
    author = User.objects.create_user("autorin", first_name="Eva", last_name="Berg")
    project = Project.objects.get(slug="cross-cluster-space-hamburg")
    with reversion.create_revision():
        reversion.set_user(author)
        reversion.set_comment("Beschreibung ergänzt")
        project.save()
    with reversion.create_revision():
        reversion.set_user(author)
        kind = RoleKind.objects.create(name="Gastwissenschaftler/in", slug="gast")
    kind.delete()
    LinkCheck.objects.create(
        url="https://example.org/alt", state=LinkCheck.State.MOVED, status=301,
        new_url="https://example.org/neu", checked_at=timezone.now(),
    )  # fmt: skip
    return site


# Each language in both colour schemes, spread over the two users.
WALKS = [
    ("superuser", "de", "light"),
    ("superuser", "en", "dark"),
    ("editor", "de", "dark"),
    ("editor", "en", "light"),
]


@pytest.mark.parametrize(("who", "language", "scheme"), WALKS)
def test_every_admin_page_passes_axe(browser, history, who, language, scheme):
    user = make_user(who)
    context = browser.new_context(locale="de-DE", color_scheme=scheme)
    context.set_default_timeout(10_000)
    sign_in(context, history.url, user)
    page = context.new_page()
    failures, visited = [], []
    try:
        for kind, url in admin_pages(page, history.url, language):
            visited.append(kind)
            assert page.locator("html").get_attribute("lang") == language, url
            violations = run_axe(page)["violations"]
            for rule in violations:
                key = (who, language, scheme, rule["id"])
                ADMIN_AXE_NODES[key] = ADMIN_AXE_NODES.get(key, 0) + len(rule["nodes"])
            if violations:
                failures.append(f"{kind} {url}:\n{describe(violations)}")
    finally:
        context.close()
        ADMIN_AXE_PAGES[(who, language, scheme)] = len(visited)
    # The walk reached what the editors work with: lists, forms, history, restore.
    for kind in ("start page", "list", "add form", "change form", "history", "version"):
        assert kind in visited, (kind, visited)
    assert not failures, f"{len(failures)} of {len(visited)} pages:\n\n" + "\n\n".join(failures)
