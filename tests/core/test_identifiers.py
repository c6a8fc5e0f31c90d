"""Research identifiers: ORCID iDs of people, grant numbers of fundings (and the
organisations' ROR and Crossref Funder IDs) on pages, in JSON-LD and in the open data."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.identifiers import orcid_check_digit, validate_grant_number, validate_orcid
from people.models import Person
from projects.models import Funding, Organisation, Project

from tests.admin_forms import change_form_data
from tests.website.test_structured_data import jsonld, page

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"  # ORCID's own example
GRANT = "03IHS024A"


@pytest.mark.parametrize("value", [ORCID, "0000-0002-1694-233X", "0000-0001-5109-3700"])
def test_valid_orcid_ids_pass(value):
    validate_orcid(value)
    assert orcid_check_digit(value.replace("-", "")[:-1]) == value[-1]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0000-0002-1825-0098", "Prüfziffer"),
        ("0000-0002-1825-009", "vier Gruppen"),
        ("0000 0002 1825 0097", "vier Gruppen"),
        ("https://orcid.org/0000-0002-1825-0097", "ohne „https://orcid.org/“"),
        ("0000-0002-1825-009x", "vier Gruppen"),
    ],
)
def test_invalid_orcid_ids_are_refused_saying_what_is_wrong(value, says):
    with pytest.raises(ValidationError) as refusal:
        validate_orcid(value)
    assert says in refusal.value.messages[0]


@pytest.mark.parametrize("value", ["03<script>", " 03IHS", "03\nIHS", "-1"])
def test_invalid_grant_numbers_are_refused(value):
    with pytest.raises(ValidationError) as refusal:
        validate_grant_number(value)
    assert "Förderkennzeichen" in refusal.value.messages[0]


def test_admin_refuses_a_mistyped_orcid_and_keeps_nothing(admin_client, archive):
    person = Person.objects.get(family_name="Duschek")
    url = reverse("admin:people_person_change", args=[person.pk])
    response = admin_client.post(
        url, change_form_data(admin_client.get(url), orcid="0000-0002-1825-0098")
    )
    assert response.status_code == 200
    assert "Prüfziffer" in " ".join(response.context["adminform"].form.errors["orcid"])
    person.refresh_from_db()
    assert person.orcid == ""


@pytest.fixture
def identified(archive):
    person = Person.objects.get(family_name="Duschek")
    person.orcid = ORCID
    person.save()
    funding = Funding.objects.get(project__code="P04", organisation__short_name="EFRE")
    funding.grant_number = GRANT
    funding.save()
    return person, funding


def test_person_page_links_the_orcid_id_as_its_https_address(client, identified):
    person, _funding = identified
    html = page(client, person.get_absolute_url())
    assert f'href="https://orcid.org/{ORCID}"' in html
    data = jsonld(html)
    assert data["identifier"]["propertyID"] == "ORCID"
    assert data["identifier"]["value"] == ORCID
    assert f"https://orcid.org/{ORCID}" in data["sameAs"]


def test_project_and_organisation_pages_show_the_grant_number(client, identified):
    _person, funding = identified
    project_html = page(client, funding.project.get_absolute_url())
    assert "Förderkennzeichen" in project_html and GRANT in project_html
    grants = jsonld(project_html)["funding"]
    assert [g["identifier"]["value"] for g in grants if "identifier" in g] == [GRANT]
    org_html = page(client, funding.organisation.get_absolute_url())
    assert GRANT in org_html
    graph = jsonld(org_html)["@graph"]
    grants = [node for node in graph if node["@type"] == "MonetaryGrant"]
    assert [g["identifier"]["value"] for g in grants if "identifier" in g] == [GRANT]
    # Projects without a known number show no empty label.
    other = Project.objects.get(code="P01")
    assert "Förderkennzeichen" not in page(client, other.get_absolute_url())


def test_open_data_carries_orcid_and_grant_number(client, identified):
    person, funding = identified
    data = json.loads(client.get(reverse("opendata:json")).getvalue())
    people = {row["slug"]: row for row in data["people"]}
    assert people[person.slug]["orcid"] == f"https://orcid.org/{ORCID}"
    project = next(p for p in data["projects"] if p["slug"] == funding.project.slug)
    assert [f["grant_number"] for f in project["fundings"] if f["grant_number"]] == [GRANT]

    def rows(table):
        response = client.get(reverse("opendata:csv", args=[table]))
        text = response.getvalue().decode()
        return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))

    assert {row["orcid"] for row in rows("personen")} >= {f"https://orcid.org/{ORCID}"}
    assert GRANT in {row["grant_number"] for row in rows("foerderungen")}


def test_the_funders_identifiers_from_the_shared_notes(client, archive):
    bmbf = Organisation.objects.get(short_name="BMBF")
    data = jsonld(page(client, bmbf.get_absolute_url()))["@graph"][0]
    assert "https://ror.org/04pz7b180" in data["sameAs"]
    assert "https://doi.org/10.13039/501100002347" in data["sameAs"]
