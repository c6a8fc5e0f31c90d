"""The admin's list, add and change pages of every model work for editors, in German."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from people.models import Person
from projects.models import Project

from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

MODELS = [
    model
    for model in apps.get_models()
    if model._meta.app_label in {"projects", "people", "reports"}
    and admin.site.is_registered(model)
]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_add_and_change_pages(admin_client, archive, model):
    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert admin_client.get(admin_url(model, "changelist") + "?q=Cluster").status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert obj is not None, f"the archive has no {model._meta.label}"
    change = admin_client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200


def test_admin_speaks_german(admin_client, archive):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Projekte" in html and "Personen" in html and "Jahresberichte" in html


def test_project_change_page_edits_roles_funders_reports_and_links_inline(admin_client, archive):
    project = Project.objects.get(code="P04")
    html = admin_client.get(admin_url(Project, "change", project.pk)).content.decode()
    for prefix in ("fundings", "links", "roles", "interviews"):
        assert f'name="{prefix}-TOTAL_FORMS"' in html, prefix
    assert "Jahresbericht Hamburger Cluster 2019" in html
    assert "Auf der Website anzeigen" in html


def test_deleting_a_referenced_person_is_refused_with_a_message(admin_client, archive):
    person = Person.objects.get(family_name="Duschek")
    response = admin_client.post(admin_url(Person, "delete", person.pk), {"post": "yes"})
    assert response.status_code == 200
    assert "geschützt" in response.content.decode() or "nicht gelöscht" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


def test_end_before_start_is_a_form_error_not_a_500(admin_client, archive):
    project = Project.objects.get(code="P04")
    url = admin_url(Project, "change", project.pk)
    data = change_form_data(
        admin_client.get(url), start_year=2023, start_month=4, end_year=2022, end_month=1
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    project.refresh_from_db()
    assert project.end_year == 2023
