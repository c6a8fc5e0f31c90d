"""The site-wide search: German-aware matching, ranking, highlighting and calm answers."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from people.models import Person
from projects.models import Project
from search.query import MAX_QUERY_LENGTH, Query, fold, highlight, search, squash

from tests.factories import make_project, populate

pytestmark = pytest.mark.django_db


def results(text, language="de"):
    return search(Query.parse(text), language)[:100]


def titles(text, language="de"):
    return [str(result.title) for result in results(text, language)]


def found(text, needle, language="de"):
    plain = [title.replace("<mark>", "").replace("</mark>", "") for title in titles(text, language)]
    return any(needle in title for title in plain)


@pytest.fixture
def german_project(db):
    return make_project(
        1,
        title="Förderer der Straße",
        title_de="Förderer der Straße",
        title_en="Funders of the street",
        subtitle_de="Über Clusterbrücken in der Metropolregion",
        subtitle_en="On cluster bridges in the metropolitan region",
        description="Ein Projekt über Wissensmanagement.\n\nMit Mühlenweg und Grünflächen.",
        description_de="Ein Projekt über Wissensmanagement.\n\nMit Mühlenweg und Grünflächen.",
        description_en="A project on knowledge management.",
        slug="foerderer-der-strasse",
    )


# -- normalisation -----------------------------------------------------------------------


def test_fold_lowers_case_and_drops_accents():
    assert fold("FÖRDERER") == "forderer"
    assert fold("Straße") == "strasse"
    assert fold("STRASSE") == "strasse"
    assert fold("Café Ångström") == "cafe angstrom"
    assert fold("Mu\u0308hle") == "muhle"  # a decomposed umlaut


def test_squash_treats_ae_oe_ue_like_the_umlaut():
    assert squash(fold("Foerderer")) == squash(fold("Förderer")) == "forderer"
    assert squash(fold("Muehlbach")) == squash(fold("Mühlbach")) == "muhlbach"


def test_query_keeps_phrases_and_drops_one_letter_terms():
    query = Query.parse('  "Co-Learning Space"  x  Cluster ')
    assert [term.text for term in query.terms] == ["Co-Learning Space", "Cluster"]
    assert query.notices


def test_query_is_capped_at_200_characters():
    query = Query.parse("wort " * 100)
    assert len(query.text) <= MAX_QUERY_LENGTH
    assert query.notices


def test_query_without_usable_terms_is_false():
    assert not Query.parse("")
    assert not Query.parse("   ")
    assert not Query.parse("a . ,")
    assert not Query.parse('""')


def test_highlight_marks_the_original_spelling_and_escapes_the_rest():
    html = str(highlight("<b>Förderer</b> & Straße", Query.parse("forderer strasse").terms))
    assert html == "&lt;b&gt;<mark>Förderer</mark>&lt;/b&gt; &amp; <mark>Straße</mark>"
    html = str(highlight("Clusterbrücken", Query.parse("bruecken").terms))
    assert html == "Cluster<mark>brücken</mark>"


# -- German-aware matching ---------------------------------------------------------------


# Case, umlauts and ß both ways, parts of compound words: what every search promises
# (the static export's offline search is held to the same list).
FOLDED_QUERIES = [
    "Forderer",
    "Foerderer",
    "FÖRDERER",
    "förderer",
    "Strasse",
    "STRASSE",
    "Straße",
    "Cluster",
    "brücken",
    "bruecken",
    "brucken",
    "Clusterbruecken",
    "Muehlenweg",
    "Muhlenweg",
    "gruenflachen",
    "wissens",
    "Förderer Straße",
]


@pytest.mark.parametrize("text", FOLDED_QUERIES)
def test_umlauts_case_and_compound_parts_match(german_project, text):
    assert found(text, "Förderer der Straße"), text


def test_plain_spelling_in_the_text_is_found_by_the_umlaut(db):
    person = Person.objects.create(
        given_name="Jens", family_name="Muehlberg", slug="jens-muehlberg"
    )
    project = make_project(2)
    project.roles.create(person=person, kind=_role_kind())
    for text in ("Mühlberg", "Muhlberg", "muehlberg"):
        assert found(text, "Jens Muehlberg"), text


def _role_kind():
    from people.models import RoleKind

    return RoleKind.objects.create(name="Leitung", slug="leitung-test")


def test_a_stem_finds_inflected_forms(german_project):
    assert found("Metropolregionen", "Förderer der Straße")


def test_every_term_must_occur(german_project):
    assert found("Straße Wissensmanagement", "Förderer der Straße")
    assert not found("Straße Raumfahrt", "Förderer der Straße")


def test_english_fields_are_searched_and_results_are_in_the_page_language(german_project):
    assert titles("bridges", "de") == ["Förderer der Straße"]
    assert titles("bridges", "en") == ["Funders of the street"]
    (result,) = results("knowledge", "de")
    # The match is only in the English description: the snippet says so.
    assert result.snippet_language == "en" and result.snippet_in_other_language
    assert "<mark>knowledge</mark>" in str(result.snippet)


def test_german_fallbacks_on_english_pages_are_marked(db):
    make_project(1, title_de="Nur deutsch: Clusterbrücken", title_en="", slug="nur-deutsch")
    (result,) = results("Clusterbruecken", "en")
    assert result.title_language == "de"
    assert result.snippet_language == "de" and not result.snippet_in_other_language
    (result,) = results("Clusterbruecken", "de")
    assert result.title_language == ""


def test_title_matches_rank_above_description_matches(db):
    make_project(1, title_de="Über Netzwerke", description_de="Nebenbei: Cluster.", slug="a")
    make_project(2, title_de="Cluster im Wandel", description_de="Ohne Bezug.", slug="b")
    make_project(3, title_de="Clusterpolitik", description_de="Ohne Bezug.", slug="c")
    assert [t.replace("<mark>", "").replace("</mark>", "") for t in titles("Cluster")] == [
        "Cluster im Wandel",  # a whole word in the title
        "Clusterpolitik",  # the start of a word in the title
        "Über Netzwerke",  # only in the description
    ]


# -- the archive's entries -----------------------------------------------------------------


def test_people_funders_reports_and_interviews_are_found(archive):
    kinds = {result.kind for result in results("Alrutz")}
    assert {"person", "interview"} <= kinds
    assert results("Duschek")[0].kind == "person"
    assert results("EFRE")[0].kind == "organisation"
    # The funder's former name, as the older projects list it.
    assert results("Verkehr und Innovation")[0].kind == "organisation"
    assert results("BWVI")[0].url.endswith("/organisationen/bwi/")
    report = results("Jahresbericht 2022")[0]
    assert report.kind == "report"
    assert "<mark>2022</mark>" in str(report.title)
    assert results("Jochmann")[0].kind == "person"


def test_results_link_to_the_page_language(archive):
    with translation.override("en"):
        (first, *_rest) = search(Query.parse("Luftfahrtcluster"), "en")[:10]
    assert first.url.startswith("/en/")


# -- the page ------------------------------------------------------------------------------


def search_page(client, q, language="de", **params):
    with translation.override(language):
        url = reverse("search:search")
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_ranked_highlighted_results(client, archive):
    html = search_page(client, "Foerderer")
    assert "Treffer für „Foerderer“" in html
    html = search_page(client, "Clusterbruecken")
    assert "<mark>" in html


def test_every_page_has_one_search_box(client, archive):
    for url in (reverse("projects:index"), Project.objects.get(code="P04").get_absolute_url()):
        html = client.get(url).content.decode()
        assert html.count('role="search"') == 1, url
        assert f'action="{reverse("search:search")}"' in html


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "x",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%_%",
        "\x00\x1f\u202e",
        "ß" * 5000,
        '"""',
        "a" * 10_000,
        "🙂",
    ],
)
def test_odd_queries_get_a_calm_answer(client, archive, q):
    html = search_page(client, q)
    assert "<script>alert" not in html
    assert html.count("<h1") == 1


def test_an_overlong_query_is_cut_with_a_note(client, archive):
    html = search_page(client, "Cluster " * 100)
    assert f"ersten {MAX_QUERY_LENGTH} Zeichen" in html


def test_an_empty_submission_asks_for_a_term(client, archive):
    assert "mindestens zwei Zeichen" in search_page(client, "")
    assert "mindestens zwei Zeichen" not in client.get(reverse("search:search")).content.decode()


def test_nothing_found_offers_the_lists(client, archive):
    html = search_page(client, "Raumfahrtagentur")
    assert "Nichts gefunden" in html
    assert reverse("projects:list") in html


def test_results_are_paged_and_odd_pages_are_calm(client, db):
    populate(30)
    first = search_page(client, "Testprojekt")
    assert "30 Treffer" in first and "Seite 1 von 3" in first  # ten a page
    assert "Seite 2 von 3" in search_page(client, "Testprojekt", page="2")
    assert "Seite 3 von 3" in search_page(client, "Testprojekt", page="999")
    assert "Seite 1 von 3" in search_page(client, "Testprojekt", page="abc")


def test_the_english_page_answers_in_english_context(client, archive):
    html = search_page(client, "Cluster", language="en")
    assert '<html lang="en"' in html


@pytest.mark.parametrize("size", [5, 50])
def test_search_query_count_is_fixed(client, django_assert_num_queries, size):
    populate(size)
    url = reverse("search:search")
    # The number of matches per kind (also the count), one page of results; the site's
    # identity (pages.SiteIdentity).
    with django_assert_num_queries(3):
        response = client.get(url, {"q": "Testprojekt"})
    assert response.context["total"] == size


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_full_text_search_adds_stemmed_matches(db):
    make_project(1, title_de="Förderungen der Kooperation", slug="a")
    assert found("Förderung", "Förderungen der Kooperation")
    assert found("kooperationen", "Förderungen der Kooperation")
