"""Lists that stay small: the list pages and the timeline come in pages of their own.

With the five real projects every list is one page without pagination; with a larger
archive each list shows a page, links the next and previous ones (in the page and as
``<link rel>`` in its head), and every page has its address (``/de/seite/2/``,
``/en/page/2/``), its hreflang counterparts and its place in the sitemap. The reports
list and an organisation's page are not counted: they name a page's number without the
total. The people index comes by initial once it is longer than a page
(``tests/people/test_people_index.py``).
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import Organisation, Project
from website.timeline import HOME_WINDOW

from tests.factories import make_project, populate

pytestmark = pytest.mark.django_db

LISTS = ["projects:index", "people:index", "reports:list", "projects:organisations"]
# The lists in numbered pages; the people index's pages are its letters'.
PAGED_LISTS = ["projects:index", "reports:list", "projects:organisations"]
# Lists read without counting them: "Seite 2", not "Seite 2 von 5".
UNCOUNTED = {"reports:list"}


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def page_url(name, number, language="de", **kwargs):
    with translation.override(language):
        if number == 1:
            return reverse(name, kwargs=kwargs)
        return reverse(f"{name}-page", kwargs={**kwargs, "page": number})


@pytest.fixture
def large(db):
    """60 projects (60 reports, 180 people, one funder of all) and 60 partner
    organisations: every list and the funder's page fill two pages."""
    populate(60)
    project = Project.objects.get(slug="testprojekt-0")
    for n in range(60):
        project.partners.add(
            Organisation.objects.create(name=f"Partner {n:02d}", slug=f"partner-{n}")
        )


@pytest.mark.parametrize("name", LISTS)
def test_the_real_archive_has_no_pagination(client, archive, name):
    html = html_of(client, reverse(name))
    assert 'class="pagination"' not in html
    assert 'rel="next"' not in html and 'rel="prev"' not in html


def test_the_real_archive_lists_everything_on_one_page(client, archive):
    assert len(client.get(reverse("projects:index")).context["projects"]) == 5
    assert len(client.get(reverse("reports:list")).context["reports"]) == 5
    html = html_of(client, Organisation.objects.get(slug="efre").get_absolute_url())
    assert 'class="pagination"' not in html
    assert client.get(page_url("projects:index", 2)).status_code == 404


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_a_long_list_links_its_second_page(client, large, name):
    html = html_of(client, reverse(name))
    second = page_url(name, 2)
    assert 'class="pagination"' in html
    assert f'<a href="{second}" rel="next">Nächste Seite</a>' in html
    assert f'<link rel="next" href="{second}">' in html
    if name in UNCOUNTED:
        assert "<span>Seite 1</span>" in html and " von " not in html
    else:
        assert re.search(r"Seite 1 von [2-5]<", html)
    assert 'rel="prev"' not in html


@pytest.mark.parametrize("name", PAGED_LISTS)
def test_the_second_page_works_and_links_back(client, large, name):
    first, second = page_url(name, 1), page_url(name, 2)
    response = client.get(second)
    html = response.content.decode()
    page = response.context["page_obj"]
    pages = page.paginator.num_pages if name not in UNCOUNTED else page.number + page.has_next()
    assert ("<span>Seite 2</span>" if name in UNCOUNTED else f"Seite 2 von {pages}<") in html
    assert f'<a href="{first}" rel="prev">Vorherige Seite</a>' in html
    assert f'<link rel="prev" href="{first}">' in html
    assert ('rel="next"' in html) == (pages > 2)
    assert html.count("<h1") == 1
    # Its own canonical address; its English counterpart is the English page 2.
    assert f'<link rel="canonical" href="http://testserver{second}">' in html
    english = page_url(name, 2, "en")
    assert f'hreflang="en" href="http://testserver{english}"' in html
    assert "/page/2/" in english
    assert client.get(english).status_code == 200


def test_the_pages_share_out_the_entries(client, large):
    first = client.get(reverse("projects:index")).context["projects"]
    second = client.get(page_url("projects:index", 2)).context["projects"]
    assert len(first) == 24 and len(second) == 24
    assert not {p.pk for p in first} & {p.pk for p in second}
    people = client.get(page_url("people:letter", 2, letter="n")).context["page_obj"]
    assert len(people.object_list) == 80  # 180 people, all "Nachname…", 100 a page
    reports = client.get(page_url("reports:list", 5)).context["reports"]
    assert len(reports) == 12  # 60 reports, 12 a page
    assert client.get(page_url("reports:list", 6)).status_code == 404


def test_the_home_page_shows_its_timeline_on_the_first_page_only(client, large):
    assert '<svg class="timeline__svg"' in html_of(client, reverse("projects:index"))
    assert "timeline__svg" not in html_of(client, page_url("projects:index", 2))


@pytest.mark.parametrize("number", ["abc", "0", "99999", "-1", "2.5"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_a_page_that_is_not_there_is_a_404_in_the_pages_language(client, large, number, language):
    base = page_url("people:letter", 1, language, letter="n")
    word = "seite" if language == "de" else "page"
    response = client.get(f"{base}{word}/{number}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html and "Page not found" in html
    assert f'<html lang="{language}">' in html


def test_page_one_in_the_path_leads_to_the_list_itself(client, large):
    response = client.get("/de/personen/seite/1/")
    assert response.status_code == 301
    assert response["Location"] == reverse("people:index")


def test_a_page_number_in_the_query_changes_nothing(client, large):
    for query in ("?page=2", "?page=abc", "?page=0", "?page=99999"):
        for url in (page_url("people:letter", 1, letter="n"), reverse("reports:list")):
            response = client.get(url + query)
            assert response.status_code == 200
            assert response.context["page_obj"].number == 1


def test_an_organisations_page_pages_its_fundings_and_partner_projects(client, large):
    funder = Organisation.objects.get(slug="testfoerderer")
    context = client.get(funder.get_absolute_url()).context
    assert len(context["fundings"]) == 25
    third = client.get(page_url("projects:organisation", 3, slug=funder.slug))
    assert len(third.context["fundings"]) == 10
    assert client.get(page_url("projects:organisation", 4, slug=funder.slug)).status_code == 404


def test_the_name_history_counts_the_projects_of_a_long_page(client, large):
    funder = Organisation.objects.get(slug="testfoerderer")
    for funding in funder.fundings.all()[:7]:
        funding.name_as_listed = "Förderer (alter Name)"
        funding.name_as_listed_de = "Förderer (alter Name)"
        funding.save()
    html = html_of(client, funder.get_absolute_url())
    assert "Namen in den Projekten" in html
    assert "7 Projekte" in html and "53 Projekte" in html


def test_the_sitemap_names_the_further_pages_in_both_languages(client, large):
    xml = client.get("/sitemap.xml").content.decode()
    for name in PAGED_LISTS:
        assert f"http://testserver{page_url(name, 2)}</loc>" in xml
        assert f"http://testserver{page_url(name, 2, 'en')}</loc>" in xml
    assert "http://testserver/de/seite/3/</loc>" in xml  # 60 projects, 24 a page
    assert "http://testserver/de/seite/4/</loc>" not in xml
    organisation = page_url("projects:organisation", 2, slug="testfoerderer")
    assert f"http://testserver{organisation}</loc>" in xml
    assert "http://testserver/de/zeitleiste/2000/</loc>" in xml


# -- the timeline --------------------------------------------------------------------------


def bars(html):
    return re.findall(r'<rect x="\d+" y="\d+" width="\d+"', html)


def test_the_real_archives_home_timeline_is_whole_and_links_no_decades(client, archive):
    html = html_of(client, reverse("projects:index"))
    assert len(bars(html)) == 5
    assert "timeline__decades" not in html


def test_the_home_timeline_shows_the_newest_projects_and_links_the_decades(client, db):
    for n in range(HOME_WINDOW + 3):
        make_project(n, start_year=1995 + 2 * n, start_month=1, end_year=1996 + 2 * n)
    html = html_of(client, reverse("projects:index"))
    assert len(bars(html)) == HOME_WINDOW
    assert "Testprojekt 14" in html.partition("timeline__svg")[2]  # the newest, from 2023
    assert "Testprojekt 2 " not in html.partition("timeline__svg")[2].partition("</svg>")[0]
    for decade in (1990, 2000, 2010, 2020):
        assert f'href="{reverse("website:timeline", args=[decade])}"' in html


def test_a_decade_page_draws_the_projects_that_ran_in_it(client, archive):
    html = html_of(client, reverse("website:timeline", args=[2010]))
    assert "<h1>Zeitleiste 2010–2019</h1>" in html
    # P01 (2011–2013), P02 (2013–2017), P03 (2016–2019); P04 began in 2020, the
    # Cross-Cluster Space in 2023.
    assert len(bars(html)) == 3
    assert ">2010<" in html and ">2019<" in html and ">2020<" not in html
    assert 'class="pagination"' not in html
    english = html_of(client, "/en/timeline/2010/")
    assert "<h1>Timeline 2010–2019</h1>" in english


def test_a_decade_without_projects_or_not_a_decade_is_a_404(client, archive):
    for url in ("/de/zeitleiste/1980/", "/de/zeitleiste/2015/", "/de/zeitleiste/2090/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/de/zeitleiste/abc/").status_code == 404


def test_a_full_decade_comes_in_pages(client, db):
    for n in range(55):
        make_project(n, start_year=2001, start_month=1 + n % 12, end_year=2003)
    first = client.get(reverse("website:timeline", args=[2000]))
    assert len(bars(first.content.decode())) == 50
    second = client.get(reverse("website:timeline-page", args=[2000, 2]))
    assert len(bars(second.content.decode())) == 5
    assert client.get(reverse("website:timeline-page", args=[2000, 3])).status_code == 404
