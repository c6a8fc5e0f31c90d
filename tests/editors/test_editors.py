"""The "Redaktion" group may edit content, not accounts."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, archive):
    editor = User.objects.create_user("redakteurin", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Redaktion"))
    client.force_login(editor)
    return client


def test_the_group_has_exactly_the_content_permissions(db):
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name="Redaktion").permissions.select_related("content_type")
    }
    for expected in (
        "projects.change_project",
        "projects.add_organisation",
        "people.delete_person",
        "reports.add_annualreport",
        "reports.change_interview",
        "pages.change_page",
        "opendata.change_opendatalicence",
    ):
        assert expected in perms
    apps = {perm.split(".")[0] for perm in perms}
    assert apps == {"projects", "people", "reports", "pages", "opendata", "linkchecks"}
    assert not any(p.endswith("contentversion") for p in perms)


def test_an_editor_edits_content_but_not_accounts(editor_client):
    assert editor_client.get(reverse("admin:projects_project_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:reports_annualreport_add")).status_code == 200
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
