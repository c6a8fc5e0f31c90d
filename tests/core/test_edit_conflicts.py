"""Two editors, one entry: no change is lost, the second is told and keeps her input."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import EditPresence
from opendata.models import OpenDataLicence
from pages.models import Page
from people.models import Person, Role, RoleKind
from projects.models import Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

CCS = "cross-cluster-space-hamburg"


def editor(username, first, last):
    user = get_user_model().objects.create_superuser(
        username, f"{username}@example.org", "pw", first_name=first, last_name=last
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna(db):
    return editor("anna", "Anna", "Vogel")


@pytest.fixture
def julia(db):
    return editor("julia", "Julia", "Alrutz")


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def delete_url_of(client, response):
    """The change form's delete link followed: the confirmation page's address."""
    (href,) = re.findall(
        r'href="([^"]*/delete/[^"]*)" class="deletelink"', response.content.decode()
    )
    redirect = client.get(href.replace("&amp;", "&"))
    assert redirect.status_code == 302
    return redirect["Location"]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_second_save_is_refused_with_who_when_and_the_stored_values(anna, julia, archive):
    project = Project.objects.get(slug=CCS)
    opened_by_anna = anna.get(change_url(project))
    opened_by_julia = julia.get(change_url(project))

    saved = anna.post(
        change_url(project),
        change_form_data(opened_by_anna, description_de="Neue Beschreibung von Anna."),
    )
    assert saved.status_code == 302

    refused = julia.post(
        change_url(project), change_form_data(opened_by_julia, subtitle_de="Julias Untertitel")
    )
    assert refused.status_code == 200  # the form again, not saved
    form = refused.context["adminform"].form
    (message,) = form.non_field_errors()
    assert "von Anna Vogel am" in message
    # The other version beside her own: the stored description at the field; her input kept.
    assert "Gespeicherter Stand: Neue Beschreibung von Anna." in " ".join(
        form.errors["description_de"]
    )
    assert form["subtitle_de"].value() == "Julias Untertitel"
    project.refresh_from_db()
    assert project.description_de == "Neue Beschreibung von Anna."
    assert not project.subtitle_de

    # She takes Anna's description over and saves again: both changes stay.
    merged = julia.post(
        change_url(project),
        change_form_data(refused, description_de="Neue Beschreibung von Anna."),
    )
    assert merged.status_code == 302
    project.refresh_from_db()
    assert project.description_de == "Neue Beschreibung von Anna."
    assert project.subtitle_de == "Julias Untertitel"


@pytest.mark.parametrize("first", ["anna", "julia"])
def test_no_change_is_lost_in_either_order(anna, julia, archive, first):
    clients = {"anna": anna, "julia": julia}
    second = "julia" if first == "anna" else "anna"
    project = Project.objects.get(slug=CCS)
    forms = {name: client.get(change_url(project)) for name, client in clients.items()}
    assert (
        clients[first]
        .post(change_url(project), change_form_data(forms[first], subtitle_de=first))
        .status_code
        == 302
    )
    response = clients[second].post(
        change_url(project), change_form_data(forms[second], subtitle_de=second)
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.subtitle_de == first


def test_a_change_only_in_inline_rows_is_detected_and_named(anna, julia, archive):
    project = Project.objects.get(slug=CCS)
    opened_by_anna = anna.get(change_url(project))
    opened_by_julia = julia.get(change_url(project))
    link_prefix = next(
        formset.formset.prefix
        for formset in opened_by_anna.context["inline_admin_formsets"]
        if formset.formset.model._meta.model_name == "projectlink"
    )
    data = change_form_data(opened_by_anna)
    total = int(data[f"{link_prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{link_prefix}-TOTAL_FORMS": str(total + 1),
            f"{link_prefix}-{total}-label_de": "Neuer Link von Anna",
            f"{link_prefix}-{total}-url": "https://example.org/anna",
            f"{link_prefix}-{total}-position": "9",
        }
    )
    assert anna.post(change_url(project), data).status_code == 302
    assert project.links.filter(url="https://example.org/anna").exists()

    refused = julia.post(change_url(project), change_form_data(opened_by_julia))
    assert refused.status_code == 200
    (message,) = refused.context["adminform"].form.non_field_errors()
    assert "Geändert wurden auch die Zeilen in: Links" in message
    assert "Neuer Link von Anna" in message
    assert project.links.filter(url="https://example.org/anna").exists()


CONTENT_MODELS = {
    "project": (lambda: Project.objects.get(slug=CCS), "description_de"),
    "organisation": (lambda: Organisation.objects.get(short_name="EFRE"), "editor_notes"),
    "person": (lambda: Person.objects.get(family_name="Duschek"), "affiliation_de"),
    "role kind": (lambda: RoleKind.objects.first(), "name_de"),
    "role": (lambda: Role.objects.first(), "affiliation_as_listed_de"),
    "report series": (lambda: ReportSeries.objects.first(), "title_de"),
    "annual report": (lambda: AnnualReport.objects.get(year=2022), "editor_notes"),
    "interview": (lambda: Interview.objects.first(), "teaser_de"),
    "statutory page": (lambda: Page.objects.get(slug="impressum"), "body_de"),
    "open data licence": (lambda: OpenDataLicence.objects.first(), "attribution_de"),
}


def posted(response, **changes):
    data = change_form_data(response, **changes)
    data.pop("file", None)  # a stored report PDF stays: a browser sends no file then
    return data


@pytest.mark.parametrize("case", CONTENT_MODELS)
def test_every_content_model_refuses_a_stale_save(anna, julia, archive, case):
    call_command("loaddata", "pages", verbosity=0)
    if OpenDataLicence.objects.first() is None:
        OpenDataLicence.objects.create(name="CC BY 4.0", url="https://example.org/licence")
    get, field = CONTENT_MODELS[case]
    obj = get()
    opened_by_anna = anna.get(change_url(obj))
    opened_by_julia = julia.get(change_url(obj))
    first = anna.post(change_url(obj), posted(opened_by_anna, **{field: "Annas Fassung"}))
    assert first.status_code == 302, first.context["adminform"].form.errors
    second = julia.post(change_url(obj), posted(opened_by_julia, **{field: "Julias Fassung"}))
    assert second.status_code == 200
    form = second.context["adminform"].form
    assert "von Anna Vogel am" in " ".join(form.non_field_errors())
    assert "Gespeicherter Stand: Annas Fassung" in " ".join(form.errors[field])
    assert form[field].value() == "Julias Fassung"
    obj.refresh_from_db()
    assert getattr(obj, field) == "Annas Fassung"


def test_deleting_an_entry_changed_since_it_was_opened_is_refused(anna, julia, archive):
    interview = Interview.objects.get()
    opened_by_anna = anna.get(change_url(interview))
    delete_url = delete_url_of(anna, opened_by_anna)
    assert "edit_token=" in delete_url
    assert anna.get(delete_url).status_code == 200  # the confirmation page

    opened_by_julia = julia.get(change_url(interview))
    julia.post(change_url(interview), change_form_data(opened_by_julia, teaser_de="Neu"))

    refused = anna.post(delete_url, {"post": "yes"}, follow=True)
    assert Interview.objects.filter(pk=interview.pk).exists()
    (message,) = [m for m in messages_of(refused) if "Nicht gelöscht" in m]
    assert "von Julia Alrutz am" in message
    assert refused.redirect_chain[-1][0] == change_url(interview)

    # Having seen the new state, she can delete it.
    current = anna.get(change_url(interview))
    assert anna.post(delete_url_of(anna, current), {"post": "yes"}).status_code == 302
    assert not Interview.objects.filter(pk=interview.pk).exists()


def test_a_confirmation_opened_without_a_state_gets_one(anna, archive):
    interview = Interview.objects.get()
    meta = interview._meta
    bare = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[interview.pk])
    response = anna.get(bare)
    assert response.status_code == 302
    assert "edit_token=" in response["Location"]


def test_the_change_form_says_who_else_has_it_open(anna, julia, archive):
    project = Project.objects.get(slug=CCS)
    opened_by_anna = anna.get(change_url(project))
    assert not [m for m in messages_of(opened_by_anna) if "zurzeit auch geöffnet" in m]
    opened_by_julia = julia.get(change_url(project))
    (notice,) = [m for m in messages_of(opened_by_julia) if "zurzeit auch geöffnet" in m]
    assert "Anna Vogel (seit " in notice
    # Anna saves: she no longer has it open.
    anna.post(change_url(project), change_form_data(opened_by_anna))
    again = julia.get(change_url(project))
    assert not [m for m in messages_of(again) if "Anna Vogel" in m]
    assert EditPresence.objects.count() == 1  # Julia's own


def changelist_url(model):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


def test_delete_selected_is_refused_for_an_entry_changed_since_the_confirmation(
    anna, julia, archive
):
    interviews = list(Interview.objects.order_by("pk"))
    person = Person.objects.order_by("pk").first()
    selection = {"action": "delete_selected", "_selected_action": [str(i.pk) for i in interviews]}
    # Anna selects the interviews and is asked to confirm.
    confirmation = anna.post(changelist_url(Interview), selection)
    assert confirmation.status_code == 200
    assert "Sind Sie sicher" in confirmation.content.decode()
    # Julia changes one of them in between.
    changed = interviews[0]
    julia.post(
        change_url(changed),
        change_form_data(julia.get(change_url(changed)), title_de="Neuer Titel"),
    )
    changed.refresh_from_db()
    assert changed.title_de == "Neuer Titel"
    refused = anna.post(changelist_url(Interview), {**selection, "post": "yes"}, follow=True)
    assert Interview.objects.count() == len(interviews)  # nothing deleted
    (message,) = messages_of(refused)
    assert message.startswith("Nichts gelöscht:")
    assert "Neuer Titel" in message and "Julia Alrutz" in message
    # Confirmed again, having seen the new state, the deletion goes through.
    assert anna.post(changelist_url(Interview), selection).status_code == 200
    done = anna.post(changelist_url(Interview), {**selection, "post": "yes"}, follow=True)
    assert Interview.objects.count() == 0
    assert any("gelöscht" in message and "Nichts" not in message for message in messages_of(done))
    assert Person.objects.filter(pk=person.pk).exists()


def test_delete_selected_unchanged_entries_go_at_once(anna, archive):
    projects = Project.objects.filter(published=True).order_by("pk")[:1]
    selection = {"action": "delete_selected", "_selected_action": [str(p.pk) for p in projects]}
    assert anna.post(changelist_url(Project), selection).status_code == 200
    anna.post(changelist_url(Project), {**selection, "post": "yes"})
    assert not Project.objects.filter(pk__in=[p.pk for p in projects]).exists()


def test_delete_selected_without_its_confirmation_page_deletes_nothing(anna, archive):
    """A confirmation posted without the page having been shown (a stale or forged form)
    has no remembered state: refused like a changed entry."""
    interview = Interview.objects.order_by("pk").first()
    selection = {"action": "delete_selected", "_selected_action": [str(interview.pk)]}
    anna.post(changelist_url(Interview), {**selection, "post": "yes"})
    assert Interview.objects.filter(pk=interview.pk).exists()
