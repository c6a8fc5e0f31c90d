"""Addresses that never break: a changed slug leaves a permanent redirect behind."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from core.addresses import REDIRECT_MAX_AGE
from core.models import OldSlug
from people.models import Person
from projects.models import Organisation, Project
from reports.models import ReportSeries

from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

CCS = "cross-cluster-space-hamburg"


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def rename(obj, slug):
    obj.slug = slug
    obj.save()


ENTRIES = {
    "project": (lambda: Project.objects.get(slug=CCS), "projects:detail", "slug", {}),
    "organisation": (
        lambda: Organisation.objects.get(short_name="EFRE"),
        "projects:organisation",
        "slug",
        {},
    ),
    "person": (lambda: Person.objects.get(family_name="Duschek"), "people:detail", "slug", {}),
    "report series": (
        lambda: ReportSeries.objects.get(),
        "reports:detail",
        "series",
        {"year": 2022},
    ),
}


@pytest.mark.parametrize("case", ENTRIES)
@pytest.mark.parametrize("language", ["de", "en"])
def test_an_old_address_redirects_permanently_with_its_query(client, archive, case, language):
    get, name, kwarg, extra = ENTRIES[case]
    obj = get()
    old = url(name, language, **{kwarg: obj.slug}, **extra)
    rename(obj, "neue-adresse")
    new = url(name, language, **{kwarg: "neue-adresse"}, **extra)
    assert client.get(new).status_code == 200
    response = client.get(old, {"seite": "2"})
    assert response.status_code == 301
    assert response["Location"] == f"{new}?seite=2"
    # A bounded lifetime, as long as the address has been old (seconds here).
    cache_control = dict(
        part.strip().partition("=")[::2] for part in response["Cache-Control"].split(",")
    )
    assert "public" in cache_control and 0 <= int(cache_control["max-age"]) < 60


def test_a_redirect_to_an_unpublished_entry_is_private_to_the_editor(admin_client, archive):
    project = Project.objects.get(slug=CCS)
    old = project.get_absolute_url()
    project.published = False
    rename(project, "entwurf")
    response = admin_client.get(old)
    assert response.status_code == 301
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_a_redirect_is_kept_as_long_as_it_has_stood_and_a_day_at_most(client, archive):
    project = Project.objects.get(slug=CCS)
    old_address = project.get_absolute_url()
    rename(project, "neue-adresse")
    old = OldSlug.objects.get(slug=CCS)
    for age, low, high in (
        (timedelta(minutes=5), 300, 330),
        (timedelta(days=30), REDIRECT_MAX_AGE, REDIRECT_MAX_AGE),
    ):
        OldSlug.objects.filter(pk=old.pk).update(replaced_at=timezone.now() - age)
        cache_control = client.get(old_address)["Cache-Control"]
        assert low <= int(re.search(r"max-age=(\d+)", cache_control).group(1)) <= high
    assert REDIRECT_MAX_AGE == 24 * 60 * 60


def test_renamed_back_the_first_address_answers_again(client, archive):
    project = Project.objects.get(slug=CCS)
    first = project.get_absolute_url()
    rename(project, "zwischenadresse")
    second = project.get_absolute_url()
    assert client.get(first)["Location"] == second
    rename(project, CCS)
    assert client.get(first).status_code == 200
    response = client.get(second)
    assert (response.status_code, response["Location"]) == (301, first)


def test_a_report_download_redirects_too(client, archive):
    series = ReportSeries.objects.get()
    old = url("reports:download", "de", series=series.slug, year=2022)
    rename(series, "jahresbericht")
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == url("reports:download", "de", series="jahresbericht", year=2022)


def test_a_chain_answers_in_one_hop(client, archive):
    project = Project.objects.get(slug=CCS)
    first = project.get_absolute_url()
    rename(project, "zweite-adresse")
    second = project.get_absolute_url()
    rename(project, "dritte-adresse")
    current = project.get_absolute_url()
    for old in (first, second):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, current)


def test_a_slug_taken_back_is_current_again(client, archive):
    project = Project.objects.get(slug=CCS)
    rename(project, "zwischendurch")
    rename(project, CCS)
    assert client.get(url("projects:detail", "de", slug=CCS)).status_code == 200
    response = client.get(url("projects:detail", "de", slug="zwischendurch"))
    assert response["Location"] == url("projects:detail", "de", slug=CCS)


def test_an_unpublished_entry_is_not_revealed_by_its_old_address(client, archive):
    project = Project.objects.get(slug=CCS)
    project.published = False
    rename(project, "geheim")
    assert client.get(url("projects:detail", "de", slug=CCS)).status_code == 404


def test_an_unknown_address_stays_a_404(client, archive):
    assert client.get(url("projects:detail", "de", slug="gibt-es-nicht")).status_code == 404


def test_a_new_entry_takes_an_old_address_and_the_editor_is_told(admin_client, archive):
    project = Project.objects.get(slug=CCS)
    rename(project, "cross-cluster-space")
    other = Project.objects.get(code="P04")
    change = reverse("admin:projects_project_change", args=[other.pk])
    response = admin_client.post(
        change, change_form_data(admin_client.get(change), slug=CCS), follow=True
    )
    (warning,) = [str(m) for m in response.context["messages"] if "frühere Adresse" in str(m)]
    assert f"„{CCS}“" in warning and "Cross-Cluster Space Hamburg" in warning
    page = admin_client.get(url("projects:detail", "de", slug=CCS))
    assert page.status_code == 200
    assert page.context["project"] == other
    assert not OldSlug.objects.filter(slug=CCS).exists()


def test_the_admin_lists_old_addresses_and_an_editor_may_remove_one(admin_client, client, archive):
    person = Person.objects.get(family_name="Duschek")
    old = person.get_absolute_url()
    rename(person, "stephan-duschek-hsu")
    change = reverse("admin:people_person_change", args=[person.pk])
    form = admin_client.get(change)
    assert "Frühere Adressen (leiten hierher weiter)" in form.content.decode()
    (formset,) = [
        f.formset for f in form.context["inline_admin_formsets"] if f.formset.model is OldSlug
    ]
    data = change_form_data(form)
    data[f"{formset.prefix}-0-DELETE"] = "on"
    assert admin_client.post(change, data).status_code == 302
    assert client.get(old).status_code == 404
    assert not OldSlug.objects.filter(
        content_type=ContentType.objects.get_for_model(Person)
    ).exists()


def test_the_sitemap_lists_only_current_addresses(client, archive):
    project = Project.objects.get(slug=CCS)
    rename(project, "neu")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/projekte/{CCS}/" not in sitemap
    assert "/projekte/neu/" in sitemap
