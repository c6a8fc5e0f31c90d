"""The site-wide search: what it promises (tests/search/queries.py), ranking, the marks of
its matches and calm answers."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from projects.models import Project
from search.query import MAX_QUERY_LENGTH, Query, excerpt, fold, spellings

from tests.factories import make_project, populate
from tests.search.queries import PROMISES, TRIAL, live, plain, trial_projects

pytestmark = pytest.mark.django_db


def titles(text, language="de"):
    return [plain(result.title) for result in live(text, language)]


# -- the promises, on this database (CI runs them on SQLite and on PostgreSQL) --------------


@pytest.fixture
def trial(archive):
    trial_projects()


@pytest.fixture
def trial_alone(db):
    trial_projects()


@pytest.mark.parametrize(("q", "wanted", "unwanted"), PROMISES, ids=[p[0] for p in PROMISES])
def test_search_keeps_its_promises(trial, q, wanted, unwanted):
    found = titles(q)
    assert set(wanted) <= set(found), q
    assert not set(unwanted) & set(found), q


# -- folding -------------------------------------------------------------------------------


def test_fold_keeps_every_character_in_its_place():
    assert fold("FÖRDERER") == "forderer"
    assert fold("Café Ångström!") == "cafe angstrom "
    assert fold("Straße") == "straße"
    assert fold("Mu\u0308hle") == "mu hle"  # a decomposed umlaut: the mark is no letter
    for text in ("Förderer der Straße", "İstanbul – Ærø", "x\u0308\u00df"):
        assert len(fold(text)) == len(text)


def test_a_term_counts_in_each_of_its_spellings():
    assert spellings("Förderer") == ["foerderer", "forderer"]
    assert spellings("Foerderer") == ["foerderer", "forderer"]
    assert spellings("Straße") == ["strasse", "straße"]
    assert spellings("Strasse") == ["strasse", "straße"]
    assert spellings("Cluster") == ["cluster"]


def test_query_keeps_phrases_and_drops_one_letter_terms():
    query = Query.parse('  "Co-Learning Space"  x  Cluster ')
    assert query.terms == [["co learning space"], ["cluster"]]
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


def test_an_excerpt_keeps_its_marks_whole():
    text = "Wort " * 60 + "\x02Treffer\x03 " + "Wort " * 60
    part = excerpt(text)
    assert part.startswith("… ") and part.endswith(" …")
    assert part.count("\x02") == part.count("\x03") == 1
    assert len(part) < 240


# -- marks, languages, ranking --------------------------------------------------------------


def test_marks_show_the_text_as_written(trial_alone):
    (result,) = live("Clusterbruecken")
    assert plain(result.title) == TRIAL
    assert "Über <mark>Clusterbrücken</mark>" in result.snippet
    if connection.vendor == "sqlite":  # FTS5 marks parts of words too
        (result,) = live("bruecken")
        assert "Über Cluster<mark>brücken</mark>" in result.snippet
    (result,) = live("Forderer Strasse")
    assert str(result.title) == "<mark>Förderer</mark> der <mark>Straße</mark>"


def test_english_fields_are_searched_and_results_are_in_the_page_language(trial_alone):
    assert titles("bridges", "de") == [TRIAL]
    assert titles("bridges", "en") == ["Funders of the street"]
    (result,) = live("knowledge", "de")
    # The match is only in the English description: the snippet says so.
    assert result.snippet_language == "en" and result.snippet_in_other_language
    assert "<mark>knowledge</mark>" in str(result.snippet)


def test_german_fallbacks_on_english_pages_are_marked(db):
    make_project(1, title_de="Nur deutsch: Clusterbrücken", title_en="", slug="nur-deutsch")
    (result,) = live("Clusterbruecken", "en")
    assert result.title_language == "de"
    assert result.snippet_language == "de" and not result.snippet_in_other_language
    (result,) = live("Clusterbruecken", "de")
    assert result.title_language == ""


def test_title_matches_rank_above_text_matches(db):
    make_project(1, title_de="Über Netzwerke", description_de="Nebenbei: Cluster.", slug="a")
    make_project(2, title_de="Cluster im Wandel", description_de="Ohne Bezug.", slug="b")
    make_project(3, title_de="Clusterpolitik", description_de="Ohne Bezug.", slug="c")
    found = titles("Cluster")
    assert set(found[:2]) == {"Cluster im Wandel", "Clusterpolitik"}
    assert found[2] == "Über Netzwerke"


def test_results_name_their_kind_and_link_to_the_page_language(archive):
    (first, *_rest) = live("Duschek", "en")
    assert first.kind == "person" and first.kind_label == "Person"
    assert first.url.startswith("/en/")
    report = live("Jahresbericht 2022")[0]
    assert report.kind == "report"
    assert "<mark>2022</mark>" in str(report.title)


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
    # The number of matches per kind (also the count), the ids of one page of results,
    # their texts with the matches marked; the site's identity (pages.SiteIdentity).
    with django_assert_num_queries(4):
        response = client.get(url, {"q": "Testprojekt"})
    assert response.context["total"] == size


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stems: PostgreSQL only")
def test_postgres_finds_inflected_forms_by_their_stem(db):
    make_project(1, title_de="Förderungen der Kooperation", slug="a")
    assert "Förderungen der Kooperation" in titles("Förderung")
    assert "Förderungen der Kooperation" in titles("kooperationen")
