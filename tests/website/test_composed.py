"""The pages composed across apps (website.views) and the plain read path.

A project page shows roles (``people``), reports and interviews (``reports``); a person's
page shows interviews (``reports``). What visitors and editors see on them, and that the
apps below ``website`` do not reach into the apps built on them.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from people.models import Person
from projects.models import Project
from reports.models import Interview

pytestmark = pytest.mark.django_db


def _more_interviews():
    """Besides the archive's one: an unpublished interview on P04, and a published one on
    P02 (made unpublished), each with two interviewees; the second's added out of
    alphabetical order."""
    anna = Person.objects.get(slug="anna-vogel")
    elke = Person.objects.get(slug="elke-jochmann")
    stephan = Person.objects.get(slug="stephan-duschek")
    draft = Interview.objects.create(
        project=Project.objects.get(code="P04"), title="Entwurf", interviewer=elke
    )
    draft.interviewees.add(anna, stephan)
    Project.objects.filter(code="P02").update(published=False)
    hidden_project = Interview.objects.create(
        project=Project.objects.get(code="P02"), title="Zu AlFaClu", published=True
    )
    hidden_project.interviewees.add(anna)
    hidden_project.interviewees.add(elke)


def test_project_page_shows_roles_reports_and_interviews(client, archive):
    project = Project.objects.get(slug="cross-cluster-space-hamburg")
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Duschek" in html  # a role from people
    reports = project.reports.filter(published=True)
    interviews = project.interviews.filter(published=True)
    assert reports and interviews
    for report in reports:
        assert report.get_download_url() in html
    for interview in interviews:
        assert interview.title in html


def test_unpublished_project_is_for_editors_only(client, admin_client, archive):
    Project.objects.filter(slug="alfaclu").update(published=False)
    url = reverse("projects:detail", args=["alfaclu"])
    assert client.get(url).status_code == 404
    assert admin_client.get(url).status_code == 200
    assert client.get(reverse("projects:detail", args=["no-such-project"])).status_code == 404


def test_unpublished_interviews_and_successors_stay_hidden(client, admin_client, archive):
    _more_interviews()
    project = Project.objects.get(code="P04")
    successor = Project.objects.get(predecessor=project)
    Project.objects.filter(pk=successor.pk).update(published=False)
    for who in (client, admin_client):  # editors too see only what the page will show
        html = who.get(project.get_absolute_url()).content.decode()
        assert "Entwurf" not in html
        assert successor.get_absolute_url() not in html


def test_person_page_interviews_for_visitors_and_editors(client, admin_client, archive):
    _more_interviews()
    url = reverse("people:detail", args=["elke-jochmann"])
    seen = client.get(url).context["interviews"]
    assert [interview.title for interview in seen] == ["Cross-Cluster Space Hamburg"]
    everything = admin_client.get(url).context["interviews"]
    assert sorted(interview.title for interview in everything) == sorted(
        ["Cross-Cluster Space Hamburg", "Entwurf", "Zu AlFaClu"]
    )
    on_hidden = next(i for i in everything if i.title == "Zu AlFaClu")
    # Listed by name (Person's order), not in the order they were added.
    assert [p.slug for p in on_hidden.interviewees.all()] == ["elke-jochmann", "anna-vogel"]
    assert client.get(reverse("people:detail", args=["no-such-person"])).status_code == 404


def test_organisation_page_shows_only_visible_projects(client, admin_client, archive):
    # P02 (AlFaClu), commissioned by the BMBF, with the ZEMI as a partner: hidden from
    # visitors once unpublished.
    alfaclu = Project.objects.get(code="P02")
    Project.objects.filter(pk=alfaclu.pk).update(published=False)
    for slug in ("bmbf", "zemi"):
        url = reverse("projects:organisation", args=[slug])
        assert alfaclu.get_absolute_url() not in client.get(url).content.decode()
        assert alfaclu.get_absolute_url() in admin_client.get(url).content.decode()
    bmbf = reverse("projects:organisation", args=["bmbf"])
    seen = [funding.project for funding in client.get(bmbf).context["fundings"]]
    everything = admin_client.get(bmbf).context["fundings"]
    assert alfaclu not in seen
    assert [funding.project for funding in everything if funding.project not in seen] == [alfaclu]
    assert {funding.organisation.slug for funding in everything} == {"bmbf"}


def _imported_modules(package):
    for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield path.name, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.name, alias.name


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("projects", {"people", "reports", "clusterspace"}), ("people", {"reports", "clusterspace"})],
)
def test_apps_do_not_import_the_apps_built_on_them(package, forbidden):
    imports = {
        (name, module)
        for name, module in _imported_modules(package)
        if module.split(".")[0] in forbidden
    }
    assert imports == set()
