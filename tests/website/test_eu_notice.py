"""The EU's publicity elements: the emblem and the statement its funding period requires.

The funding period is data on the project-funder relation (``Funding.eu_programme``):
the Cross-Cluster Space (EFRE 2021-2027) is "Kofinanziert von der Europäischen Union",
P03 and P04 (EFRE 2014-2020) name the Union and the fund, P01 and P02 (BMBF) show none.
Placement and size are checked in a real browser (tests/browser/).
"""

import re

import pytest
from django.db.models import Q
from django.utils import translation

from projects.models import Funding, Organisation, Project

from tests.factories import make_project

pytestmark = pytest.mark.django_db

STATEMENT_2021 = {
    "de": ["Kofinanziert von der Europäischen Union"],
    "en": ["Co-funded by the European Union"],
}
STATEMENT_2014 = {
    "de": ["Europäische Union", "Europäischer Fonds für regionale Entwicklung"],
    "en": ["European Union", "European Regional Development Fund"],
}
EMBLEM_NAME = {"de": "Emblem der Europäischen Union", "en": "Emblem of the European Union"}


def notices(client, project, language):
    with translation.override(language):
        url = project.get_absolute_url()
    html = client.get(url).content.decode()
    return re.findall(r'<div class="eu-notice" data-eu-programme="([^"]+)">(.*?)</div>', html, re.S)


def project(code_or_slug):
    return Project.objects.get(Q(code=code_or_slug) | Q(slug=code_or_slug))


@pytest.mark.parametrize("language", ["de", "en"])
def test_cross_cluster_space_is_co_funded_2021_2027(client, archive, language):
    found = notices(client, project("cross-cluster-space-hamburg"), language)
    assert [programme for programme, _ in found] == ["efre-2021-2027"]
    block = found[0][1]
    for line in STATEMENT_2021[language]:
        assert line in block
    assert f'role="img" aria-label="{EMBLEM_NAME[language]}"' in block
    # The 2021-2027 statement no longer names the fund.
    assert "Fonds" not in block and "Fund" not in block


@pytest.mark.parametrize("code", ["P03", "P04"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_p03_and_p04_name_the_union_and_the_fund(client, archive, code, language):
    found = notices(client, project(code), language)
    assert [programme for programme, _ in found] == ["efre-2014-2020"]
    block = found[0][1]
    for line in STATEMENT_2014[language]:
        assert line in block
    assert f'aria-label="{EMBLEM_NAME[language]}"' in block
    assert "Kofinanziert" not in block and "Co-funded" not in block


@pytest.mark.parametrize("code", ["P01", "P02"])
def test_projects_without_eu_funding_show_no_notice(client, archive, code):
    for language in ("de", "en"):
        assert notices(client, project(code), language) == []


def test_the_notice_comes_before_the_description(client, archive):
    html = client.get(project("cross-cluster-space-hamburg").get_absolute_url()).content.decode()
    assert html.index('class="eu-notice"') < html.index('class="prose"')
    assert html.index("</h1>") < html.index('class="eu-notice"')


def test_a_new_project_gets_its_notice_from_its_funding(client, db):
    new = make_project(1)
    assert notices(client, new, "de") == []
    efre = Organisation.objects.create(
        name="Europäischer Fonds für regionale Entwicklung", slug="efre"
    )
    Funding.objects.create(
        project=new,
        organisation=efre,
        name_as_listed="Europäischer Fonds für regionale Entwicklung",
        eu_programme=Funding.EUProgramme.EFRE_2021_2027,
    )
    found = notices(client, new, "de")
    assert [programme for programme, _ in found] == ["efre-2021-2027"]
    assert "Kofinanziert von der Europäischen Union" in found[0][1]


def test_one_notice_per_programme(client, db):
    new = make_project(2)
    for n in range(2):
        organisation = Organisation.objects.create(name=f"Förderer {n}", slug=f"foerderer-{n}")
        Funding.objects.create(
            project=new,
            organisation=organisation,
            name_as_listed=organisation.name,
            eu_programme=Funding.EUProgramme.EFRE_2014_2020,
        )
    assert [programme for programme, _ in notices(client, new, "en")] == ["efre-2014-2020"]


def test_the_emblem_has_twelve_stars_on_reflex_blue(client, archive):
    html = client.get(project("P04").get_absolute_url()).content.decode()
    svg = re.search(r'<svg class="eu-emblem".*?</svg>', html, re.S).group(0)
    assert 'viewBox="0 0 810 540"' in svg  # 3:2
    assert 'fill="#003399"' in svg and 'fill="#ffcc00"' in svg
    star_path = re.search(r'<path fill="#ffcc00" d="([^"]+)"', svg).group(1)
    assert star_path.count("M") == 12 and star_path.count("Z") == 12
