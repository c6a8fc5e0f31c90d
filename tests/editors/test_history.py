"""Every change is versioned: editors see who changed what, and restore earlier versions."""

import pytest
from django.urls import reverse
from reversion.models import Version

from projects.models import Project

from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def p04(archive):
    return Project.objects.get(code="P04")


def change_title(admin_client, project, title):
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = change_form_data(admin_client.get(url), title_de=title)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_admin_change_is_versioned_with_its_author(admin_client, admin_user, p04):
    change_title(admin_client, p04, "Neuer Titel")
    versions = Version.objects.get_for_object(p04)
    assert versions.count() == 1
    assert versions[0].revision.user == admin_user
    assert versions[0].field_dict["title_de"] == "Neuer Titel"
    history = admin_client.get(reverse("admin:projects_project_history", args=[p04.pk]))
    assert admin_user.get_username() in history.content.decode()


def test_an_earlier_version_can_be_restored(admin_client, p04):
    original = p04.title_de
    change_title(admin_client, p04, "Erster Stand")
    change_title(admin_client, p04, "Zweiter Stand")
    first = Version.objects.get_for_object(p04).order_by("revision__date_created").first()
    url = reverse("admin:projects_project_revision", args=[p04.pk, first.pk])
    assert admin_client.post(url, change_form_data(admin_client.get(url))).status_code == 302
    p04.refresh_from_db()
    assert p04.title_de == "Erster Stand"
    assert p04.title_de != original


def test_a_deleted_project_comes_back_with_its_roles(admin_client, p04):
    change_title(admin_client, p04, p04.title_de)  # a version to come back to
    roles = sorted(p04.roles.values_list("person__family_name", flat=True))
    delete_url = reverse("admin:projects_project_delete", args=[p04.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Project.objects.filter(code="P04").exists()

    recover_list = admin_client.get(reverse("admin:projects_project_recoverlist"))
    assert p04.title_de in recover_list.content.decode()
    version = Version.objects.get_deleted(Project).get(object_id=str(p04.pk))
    url = reverse("admin:projects_project_recover", args=[version.pk])
    assert admin_client.post(url, change_form_data(admin_client.get(url))).status_code == 302
    restored = Project.objects.get(code="P04")
    assert sorted(restored.roles.values_list("person__family_name", flat=True)) == roles
