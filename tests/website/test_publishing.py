"""Unpublished entries are invisible to visitors and marked for editors."""

import pytest
from django.urls import reverse

from projects.models import Project
from reports.models import AnnualReport

pytestmark = pytest.mark.django_db

BANNER = "Nicht veröffentlicht"


@pytest.fixture
def hidden_project(archive):
    project = Project.objects.get(code="P02")
    project.published = False
    project.save()
    return project


def test_unpublished_project_is_a_404_for_visitors(client, hidden_project):
    assert client.get(hidden_project.get_absolute_url()).status_code == 404
    overview = client.get(reverse("projects:index")).content.decode()
    assert hidden_project.title not in overview


def test_unpublished_project_is_shown_to_editors_with_a_banner(admin_client, hidden_project):
    response = admin_client.get(hidden_project.get_absolute_url())
    assert response.status_code == 200
    assert BANNER in response.content.decode()


def test_published_project_has_no_banner(admin_client, archive):
    project = Project.objects.get(code="P04")
    assert BANNER not in admin_client.get(project.get_absolute_url()).content.decode()


def test_unpublished_report_is_hidden_everywhere(client, archive):
    report = AnnualReport.objects.get(year=2019)
    report.published = False
    report.save()
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(report.get_download_url()).status_code == 404
    listing = client.get(reverse("reports:list")).content.decode()
    assert "Hamburger Cluster 2019" not in listing
    project_page = client.get(Project.objects.get(code="P04").get_absolute_url()).content.decode()
    assert "Hamburger Cluster 2019" not in project_page
    assert "Hamburger Cluster 2020" in project_page


def test_people_only_on_unpublished_projects_are_hidden(client, hidden_project):
    person = hidden_project.roles.exclude(person=None).get(person__family_name="Voigt").person
    assert client.get(person.get_absolute_url()).status_code == 404
    assert "Voigt" not in client.get(reverse("people:index")).content.decode()
