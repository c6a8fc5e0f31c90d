"""JSON-LD on project, person and organisation pages; OpenGraph and Twitter tags everywhere."""

import json
import re

import pytest
from django.urls import reverse

from pages.models import SiteIdentity
from people.models import Person
from projects.models import Organisation, Project
from website import structured_data
from website.structured_data import to_script
from website.views import for_project_page

from tests.factories import make_project

pytestmark = pytest.mark.django_db


def jsonld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1, len(blocks)
    return json.loads(blocks[0])


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_project_is_a_research_project_with_funders_members_and_parent(client, archive):
    project = Project.objects.get(code="P04")
    data = jsonld(page(client, project.get_absolute_url()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ResearchProject"
    assert data["name"] == project.title
    assert data["foundingDate"] == "2020-06" and data["dissolutionDate"] == "2023-03"
    assert data["parentOrganization"]["name"] == "Professur für Organisationstheorie"
    funders = {funder["name"]: funder for funder in data["funder"]}
    efre = funders["Europäischer Fonds für Regionale Entwicklung"]
    assert {"@type": "PropertyValue", "propertyID": "Crossref Funder ID"}.items() <= efre[
        "identifier"
    ][0].items()
    # The funder under the name the project lists, as an alternate name.
    bwi = funders["Behörde für Wirtschaft und Innovation der Freien und Hansestadt Hamburg"]
    assert any("Verkehr" in name for name in bwi["alternateName"])
    grants = data["funding"]
    assert {grant["@type"] for grant in grants} == {"MonetaryGrant"}
    assert not any("amount" in grant for grant in grants)
    roles = {(m["roleName"], m["member"]["familyName"]) for m in data["member"]}
    assert ("Koordination", "Duschek") in roles
    assert ("Leitung (ehemals)", "Mühlbach") in roles


def test_person_has_honorific_prefix_and_suffix_and_roles(client, archive):
    person = Person.objects.get(slug="julia-alrutz")
    data = jsonld(page(client, person.get_absolute_url()))
    assert data["@type"] == "Person"
    assert data["honorificPrefix"] == "Dipl.-Päd."
    assert data["honorificSuffix"] == "M.Sc."
    assert data["name"] == "Julia Alrutz"
    assert {role["memberOf"]["@type"] for role in data["memberOf"]} == {"ResearchProject"}
    assert set(data) <= {
        "@context", "@type", "@id", "name", "givenName", "familyName", "url",
        "honorificPrefix", "honorificSuffix", "affiliation", "memberOf",
    }  # fmt: skip


def test_organisation_lists_its_grants(client, archive):
    organisation = Organisation.objects.get(slug="bmbf")
    data = jsonld(page(client, organisation.get_absolute_url()))
    org, *grants = data["@graph"]
    assert org["identifier"][1]["value"] == "https://ror.org/04pz7b180"
    assert "https://ror.org/04pz7b180" in org["sameAs"]
    assert len(grants) == 2 and all(grant["funder"]["@id"] == org["@id"] for grant in grants)


def test_overview_describes_the_website_and_its_search(client, archive):
    data = jsonld(page(client, reverse("projects:index")))
    assert data["@type"] == "WebSite"
    assert data["potentialAction"]["target"]["urlTemplate"].endswith("?q={search_term}")


def test_script_end_tags_in_data_cannot_close_the_element(db):
    html = str(to_script({"name": "</script><script>alert(1)</script> & <!--"}))
    assert html.count("</script>") == 1
    assert "<script>alert" not in html and "<!--" not in html
    payload = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(payload)["name"] == "</script><script>alert(1)</script> & <!--"


def test_a_hostile_title_stays_inside_the_json(client, db):
    project = make_project(1, title="</script><b>x</b>", title_de="</script><b>x</b>")
    html = page(client, project.get_absolute_url())
    assert jsonld(html)["name"] == "</script><b>x</b>"


@pytest.mark.parametrize(
    "name",
    ["projects:index", "projects:list", "projects:organisations", "people:index", "search:search"],
)
def test_every_page_has_opengraph_and_twitter_tags(client, archive, name):
    html = page(client, reverse(name))
    for tag in (
        'property="og:title"',
        'property="og:description"',
        'property="og:url" content="http://testserver/de/',
        'property="og:locale" content="de_DE"',
        'property="og:locale:alternate" content="en_GB"',
        'name="twitter:card" content="summary"',
    ):
        assert tag in html, tag


def test_opengraph_title_is_the_pages_title(client, archive):
    project = Project.objects.get(code="P03")
    html = page(client, project.get_absolute_url())
    assert f'<meta property="og:title" content="P03: {project.title}">' in html
    assert f"<title>P03: {project.title} \u2013 " in html


def test_structured_data_adds_no_queries(rf, django_assert_num_queries, archive):
    request = rf.get("/")
    project = for_project_page(Project.objects.all()).get(code="P04")
    person = Person.objects.for_listing().get(slug="anna-vogel")
    identity = SiteIdentity.current()  # the page's, from the context processor
    with django_assert_num_queries(0):
        structured_data.project(request, project, identity)
        structured_data.person_page(request, person, person.roles.all())
