"""What search promises (docs/search.md), as queries and what each must find.

One table for the live search on SQLite and on PostgreSQL (tests/search/test_search.py,
run on both engines by CI) and for the static export's offline search
(tests/siteexport/test_static_export.py, run with node).
"""

from django.core.management import call_command

from search.query import Query, counts, matching, results

from tests.factories import make_project

TRIAL = "Förderer der Straße"
HIDDEN = "Zebrafinken im Verborgenen"
P01 = (
    "P01: Entwicklung und Implementierung von neuer Dachmarke, Kommunikationsstrategie und "
    "Wissensmanagement für das Luftfahrtcluster Metropolregion Hamburg"
)
P04 = (
    "P04: Co-Learning Space für Hamburger Cluster – Kollektive Erschließung neuer Felder "
    "und Akteure"
)
CROSS_CLUSTER = "Cross-Cluster Space Hamburg"
BWI = "Behörde für Wirtschaft und Innovation der Freien und Hansestadt Hamburg"

# (query, German titles it must find, German titles it must not find), on the archive and
# the two projects of ``trial_projects``.
PROMISES = [
    # Case, umlauts and ß both ways.
    ("Förderer", [TRIAL], []),
    ("FÖRDERER", [TRIAL], []),
    ("Foerderer", [TRIAL], []),
    ("Forderer", [TRIAL], []),
    ("Straße", [TRIAL], []),
    ("Strasse", [TRIAL], []),
    ("STRASSE", [TRIAL], []),
    ("Muehlenweg", [TRIAL], []),
    ("Muhlenweg", [TRIAL], []),
    ("Mühlbach", ["Dipl.-Kffr. Cordelia Mühlbach, M.Sc."], []),
    ("Muehlbach", ["Dipl.-Kffr. Cordelia Mühlbach, M.Sc."], []),
    # Parts of words.
    ("brücken", [TRIAL], []),
    ("bruecken", [TRIAL], []),
    ("Clusterbruecken", [TRIAL], []),
    ("gruenflachen", [TRIAL], []),
    ("wissens", [TRIAL, P01], []),
    ("Luftfahrt", [P01], []),
    # Every term must occur.
    ("Förderer Straße", [TRIAL], []),
    ("Straße Wissensmanagement", [TRIAL], []),
    ("Straße Raumfahrt", [], [TRIAL]),
    # Both languages' fields, whichever the page's language.
    ("bridges", [TRIAL], []),
    ("knowledge management", [TRIAL], []),
    ("Luftfahrtcluster", [P01], []),
    # A person's name finds the person and the projects with a role of theirs.
    ("Wulfsberg", ["Prof. Dr. Jens Wulfsberg", P01], []),
    ("Duschek", ["Prof. Dr. Stephan Duschek", P01, P04, CROSS_CLUSTER], []),
    ("Alrutz", ["Dipl.-Päd. Julia Alrutz, M.Sc.", "Sebastian Alrutz, M.Sc.", CROSS_CLUSTER], []),
    # Funders by name, short name and the names the projects list them under.
    ("EFRE", ["Europäischer Fonds für Regionale Entwicklung"], []),
    ("BWVI", [BWI], []),
    ("Verkehr und Innovation", [BWI], []),
    # Reports, interviews, statutory pages.
    ("Jahresbericht 2022", ["Jahresbericht Hamburger Cluster 2022"], []),
    ("Jochmann", ["Elke Jochmann", CROSS_CLUSTER], []),
    ("Impressum", ["Impressum"], []),
    # Two characters: the start of a word.
    ("Co Learning", [P04], []),
    # Nothing unpublished.
    ("Zebrafinken", [], [HIDDEN]),
    ("Verborgenen", [], [HIDDEN]),
    # Nothing to find.
    ("Raumfahrtagentur", [], [TRIAL]),
]


def trial_projects():
    """What the table's queries try besides the archive: the statutory pages, a published
    project with German spellings to find, and an unpublished one."""
    call_command("loaddata", "pages", verbosity=0)
    make_project(
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
    make_project(2, title_de=HIDDEN, title=HIDDEN, slug="zebrafinken", published=False)


def live(text, language="de", size=100):
    """The live search's first results for ``text`` in ``language``."""
    query = Query.parse(text)
    ids = list(matching(query).values_list("pk", flat=True)[:size]) if query else []
    return results(ids, query, language) if ids else []


def live_count(text):
    query = Query.parse(text)
    return sum(counts(matching(query)).values()) if query else 0


def plain(title):
    return str(title).replace("<mark>", "").replace("</mark>", "")
