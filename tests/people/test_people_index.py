"""The people index: one page by group while everyone fits, else a letter bar A–Z and,
per letter, pages in name order with previous/next links and no total.

German names file as a German reader expects (``people.sorting``): umlauts as ae, oe,
ue (Ä under A), a nobility particle behind the name; names that begin with no letter
A–Z under "#". Every address has its English counterpart; the old numbered pages lead
to the index.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.signals import content_changed
from people import sorting
from people.models import IndexEntry, Person, Role, RoleKind
from projects.models import Project

from tests.factories import make_project

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def letter_url(letter, number=1, language="de"):
    with translation.override(language):
        name, kwargs = (
            ("people:others", {}) if letter == "#" else ("people:letter", {"letter": letter})
        )
        if number == 1:
            return reverse(name, kwargs=kwargs)
        return reverse(f"{name}-page", kwargs={**kwargs, "page": number})


def names_in(html):
    """The people's names in the order the page lists them."""
    return re.findall(r'<li>\s*<a href="/(?:de|en)/(?:personen|people)/[^"/]+/">([^<]+)</a>', html)


# Family name, given name: in the index's order within their letters.
NAMED = [
    ("Abel", "Zoe"),
    ("Adler", "Max"),
    ("Äbischer", "Lena"),  # "aebischer": after "adler"
    ("Müller", "Anna"),  # "mueller", like Mueller: then by given name
    ("Mueller", "Bernd"),
    ("Mulder", "Jan"),
    ("Muller", "Eva"),
    ("Øberg", "Sven"),  # "oberg"
    ("Oertel", "Karl"),
    ("Özdemir", "Ayla"),  # "oezdemir"
    ("Ohm", "Georg"),
    ("Weber", "Ida"),
    ("von Weizsäcker", "Richard"),  # under W: "weizsaecker"
    ("Иванов", "Иван"),  # no letter A–Z: "#"
]
FILLERS = 120  # "Nachname000" …: two pages under N


@pytest.fixture
def grown(db):
    """More public people than a page: the named ones and 120 under N, each with a role
    on a published project; one under Q without a role and one under Y only on an
    unpublished project, who are not public."""
    project = make_project(1)
    hidden = make_project(2, published=False)
    kind = RoleKind.objects.create(name="Bearbeitung", slug="bearbeitung")
    names = [*NAMED, *((f"Nachname{n:03d}", f"Vorname{n:03d}") for n in range(FILLERS))]
    # In bulk, without the search index's signals, then indexed as after any bulk change.
    people = Person.objects.bulk_create(
        Person(given_name=given, family_name=family, slug=f"person-{n}")
        for n, (family, given) in enumerate(names)
    )
    Role.objects.bulk_create(
        Role(project=project, kind=kind, person=person, position=n)
        for n, person in enumerate(people)
    )
    content_changed.send(sender=Role)
    Person.objects.create(given_name="Quirin", family_name="Quast", slug="quast")
    yilmaz = Person.objects.create(given_name="Yusuf", family_name="Yilmaz", slug="yilmaz")
    Role.objects.create(project=hidden, kind=kind, person=yilmaz)
    return project


# -- the keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "key", "initial"),
    [
        ("Müller", "mueller", "m"),
        ("Mueller", "mueller", "m"),
        ("Äbischer", "aebischer", "a"),
        ("Öztürk", "oeztuerk", "o"),
        ("Strauß", "strauss", "s"),
        ("STRAUSS", "strauss", "s"),
        ("Harder-Nowka", "hardernowka", "h"),
        ("Émile", "emile", "e"),
        ("Øberg", "oberg", "o"),
        ("Łukasz", "lukasz", "l"),
        ("von Weizsäcker", "weizsaecker", "w"),
        ("von der Leyen", "leyen", "l"),
        ("von und zu Guttenberg", "guttenberg", "g"),
        ("Von Trapp", "vontrapp", "v"),  # a capital "Von" belongs to the name
        ("von", "von", "v"),
        ("Иванов", "иванов", "#"),
        ("1000", "1000", "#"),
        ("", "", "#"),
    ],
)
def test_family_names_sort_and_file_as_german_name_lists_do(family, key, initial):
    assert sorting.family_sort_key(family) == key
    assert sorting.initial(key) == initial


def test_an_indexed_person_carries_the_keys_of_their_name(db):
    project = make_project(1)
    kind = RoleKind.objects.create(name="Bearbeitung", slug="bearbeitung")
    person = Person.objects.create(given_name="Änne", family_name="Gärtner", slug="gaertner")
    Role.objects.create(project=project, kind=kind, person=person)
    entry = IndexEntry.objects.get(person=person)
    assert (entry.initial, entry.family_name_key, entry.given_name_key) == (
        "g",
        "gaertner",
        "aenne",
    )
    person.family_name = "Özkan"
    person.save(update_fields=["family_name"])
    entry.refresh_from_db()
    assert (entry.initial, entry.family_name_key) == ("o", "oezkan")


def test_the_archive_loaded_from_its_fixture_is_indexed(archive):
    # loaddata saves raw, without Person.save: the entries are made all the same.
    gaertner = IndexEntry.objects.get(person__family_name="Gärtner")
    assert (gaertner.initial, gaertner.family_name_key) == ("g", "gaertner")
    assert IndexEntry.objects.count() == Person.objects.public().count() == 19


# -- the real archive: one page by group, as before ---------------------------------------


def test_the_real_archives_index_is_one_page_by_group(client, archive):
    html = html_of(client, reverse("people:index"))
    assert "letter-bar" not in html and 'class="pagination"' not in html
    assert "<h2" in html and "Team der Professur" in html
    public = Person.objects.public()
    assert len(names_in(html)) == public.count() == 19
    # Within each group by name as the index orders it: "Gärtner" as "gaertner".
    team = names_in(html.partition("Team der Professur")[2].partition("<h2")[0])
    assert team == [
        "Dipl.-Päd. Julia Alrutz, M.Sc.",
        "Sebastian Alrutz, M.Sc.",
        "Prof. Dr. Stephan Duschek",
        "Anna Vogel, M.A.",
    ]


# -- a grown archive: the letter bar -------------------------------------------------------


def test_the_index_of_more_than_a_page_is_a_letter_bar(client, grown):
    html = html_of(client, reverse("people:index"))
    assert 'class="letter-bar"' in html and "<h2" not in html
    assert "Wählen Sie einen Buchstaben" in html and "Namen mit Ä, Ö oder Ü" in html
    assert 'class="pagination"' not in html and 'rel="next"' not in html
    for letter in "amnow":
        assert f'<a href="{letter_url(letter)}">{letter.upper()}</a>' in html
    assert f'<a href="{letter_url("#")}">#<span class="visually-hidden">' in html
    # Letters without public people are shown, not linked: Quast has no role, Yilmaz
    # one on an unpublished project.
    for letter in "bqyz":
        assert f'<span class="letter-bar__none">{letter.upper()}<' in html
        assert letter_url(letter) not in html
    assert "aria-current" not in html.partition('class="letter-bar"')[2].partition("</nav>")[0]


def test_a_letters_page_lists_its_people_in_name_order(client, grown):
    assert names_in(html_of(client, letter_url("a"))) == [
        "Zoe Abel",
        "Max Adler",
        "Lena Äbischer",
    ]
    assert names_in(html_of(client, letter_url("m"))) == [
        "Anna Müller",
        "Bernd Mueller",
        "Jan Mulder",
        "Eva Muller",
    ]
    assert names_in(html_of(client, letter_url("o"))) == [
        "Sven Øberg",
        "Karl Oertel",
        "Ayla Özdemir",
        "Georg Ohm",
    ]
    assert names_in(html_of(client, letter_url("w"))) == ["Ida Weber", "Richard von Weizsäcker"]
    assert names_in(html_of(client, letter_url("#"))) == ["Иван Иванов"]


def test_a_letters_page_marks_its_letter_and_names_it(client, grown):
    html = html_of(client, letter_url("o"))
    assert "<title>Personen: O – " in html and "<h1>Personen: O</h1>" in html
    assert html.count("<h1") == 1
    assert f'<a href="{letter_url("o")}" aria-current="page">O</a>' in html
    assert html.count("aria-current=") == 2  # the letter and "Personen" in the navigation
    assert 'class="pagination"' not in html and 'rel="prev"' not in html


def test_a_long_letter_comes_in_pages_without_a_total(client, grown):
    first = html_of(client, letter_url("n"))
    second_url = letter_url("n", 2)
    assert len(names_in(first)) == 100
    assert names_in(first)[:2] == ["Vorname000 Nachname000", "Vorname001 Nachname001"]
    assert f'<a href="{second_url}" rel="next">Nächste Seite</a>' in first
    assert f'<link rel="next" href="{second_url}">' in first
    assert "<span>Seite 1</span>" in first and " von " not in first
    assert 'rel="prev"' not in first

    second = html_of(client, second_url)
    assert names_in(second)[0] == "Vorname100 Nachname100"
    assert len(names_in(second)) == 20
    assert f'<a href="{letter_url("n")}" rel="prev">Vorherige Seite</a>' in second
    assert f'<link rel="prev" href="{letter_url("n")}">' in second
    assert "<span>Seite 2</span>" in second and 'rel="next"' not in second
    # The letter is marked as the current one, its first page not as this page.
    assert f'<a href="{letter_url("n")}" aria-current="true">N</a>' in second
    assert f'<link rel="canonical" href="http://testserver{second_url}">' in second


@pytest.mark.parametrize(
    "path",
    [
        "buchstabe/q/",  # no public person: Quast has no role
        "buchstabe/y/",  # Yilmaz only on an unpublished project
        "buchstabe/b/",
        "buchstabe/ä/",
        "buchstabe/A/",
        "buchstabe/ab/",
        "buchstabe/1/",
        "buchstabe/n/seite/3/",
        "buchstabe/n/seite/0/",
        "buchstabe/n/seite/99999999999999999999999/",
        "buchstabe/a/seite/2/",
        "buchstabe/andere/seite/2/",
    ],
)
def test_a_letter_or_page_that_is_not_there_is_a_404(client, grown, path):
    response = client.get(f"/de/personen/{path}")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_page_one_of_a_letter_leads_to_the_letter(client, grown):
    response = client.get("/de/personen/buchstabe/n/seite/1/")
    assert response.status_code == 301
    assert response["Location"] == letter_url("n")


def test_the_english_index_has_its_own_addresses(client, grown):
    assert letter_url("n", 2, "en") == "/en/people/letter/n/page/2/"
    assert letter_url("#", 1, "en") == "/en/people/letter/other/"
    html = html_of(client, letter_url("o", 1, "en"))
    assert '<html lang="en">' in html
    assert "<h1>People: O</h1>" in html
    assert 'aria-label="People by the initial of their family name"' in html
    assert names_in(html)[2] == "Ayla Özdemir"
    assert '<span class="letter-bar__none">B<span class="visually-hidden"> (no entries)' in html
    index = html_of(client, "/en/people/")
    assert "choose a letter" in index
    other = html_of(client, letter_url("#", 1, "en"))
    assert "<h1>People: other initial characters</h1>" in other
    second = html_of(client, letter_url("n", 2, "en"))
    assert "<span>Page 2</span>" in second
    assert '<a href="/en/people/letter/n/" rel="prev">Previous page</a>' in second


def test_each_letter_page_names_its_counterpart_in_the_other_language(client, grown):
    html = html_of(client, letter_url("n", 2))
    english = letter_url("n", 2, "en")
    assert f'hreflang="en" href="http://testserver{english}"' in html
    other = html_of(client, letter_url("#"))
    assert 'hreflang="en" href="http://testserver/en/people/letter/other/"' in other


@pytest.mark.parametrize(
    ("old", "index"),
    [("/de/personen/seite/2/", "/de/personen/"), ("/en/people/page/3/", "/en/people/")],
)
def test_the_old_numbered_pages_lead_to_the_index(client, grown, old, index):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == index
    assert client.get(old.replace("2", "0").replace("3", "0")).status_code == 404


def test_the_sitemap_names_every_letters_pages_in_both_languages(client, grown):
    xml = client.get("/sitemap.xml").content.decode()
    for url in (
        letter_url("a"),
        letter_url("n"),
        letter_url("n", 2),
        letter_url("#"),
        letter_url("n", 2, "en"),
        letter_url("#", 1, "en"),
    ):
        assert f"<loc>http://testserver{url}</loc>" in xml
    for url in (letter_url("n", 3), letter_url("q"), letter_url("y"), "/de/personen/seite/2/"):
        assert f"<loc>http://testserver{url}</loc>" not in xml


def test_the_real_archives_sitemap_has_no_letters(client, archive):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/personen/buchstabe/" not in xml and "/people/letter/" not in xml


def test_an_unpublished_project_hides_its_people_from_the_letters(client, grown):
    # Publishing the project of Yilmaz files him under Y at once.
    hidden = Project.objects.get(published=False)
    hidden.published = True
    hidden.save()
    assert names_in(html_of(client, letter_url("y"))) == ["Yusuf Yilmaz"]
    assert f'<a href="{letter_url("y")}">Y</a>' in html_of(client, reverse("people:index"))
