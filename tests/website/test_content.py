"""The archive's content: every fact of the source page is in the data and on the project pages.

The source is the chair's page "Drittmittelprojekte" as last changed on 17 April 2024. The
table below repeats its facts by hand, project by project, so that a change to the fixture
or to a template that drops one of them fails here. Known typos of the source appear
corrected ("Wissensmanagememt", "Innovationstrategie", "Prof. Wulfberg").
"""

import datetime
import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project, ProjectLink
from reports.models import AnnualReport, Interview, ReportSeries

pytestmark = pytest.mark.django_db

LAST_CHANGE = "17. April 2024"
SERIES = "Jahresbericht Hamburger Cluster"
EFRE = ("Europäischer Fonds für Regionale Entwicklung", "EFRE")
BMBF = ("Bundesministerium für Bildung und Forschung", "BMBF")
INTERVIEW_URL = "https://digitalcluster.hamburg/de/video-news-archiv/2024/2024-CrossClusterSpace"
BWVI_NAME = "Behörde für Wirtschaft, Verkehr und Innovation der Freien und Hansestadt Hamburg"

SOURCE = {
    "cross-cluster-space-hamburg": {
        "code": "",
        "title": "Cross-Cluster Space Hamburg",
        "subtitle": "",
        "sentences": [
            "Das Projekt „Cross-Cluster Space Hamburg“ baut auf die zwei erfolgreichen "
            "Projektphasen des „Co-Learning Space für Hamburger Cluster“ (2016-2020 & 2020-2023) "
            "auf.",
            "Im Laufe dieser Zeit hat sich das Projekt als ein Ort etabliert, an dem die Hamburger "
            "Cluster und befreundeten Netzwerkinitiativen ihre Interessen teilen, gemeinsame "
            "Lösungen und Cross-Cluster Aktivitäten entwickeln.",
            "Auf diesen Erfolgen soll im „Cross-Cluster Space Hamburg“ aufgebaut und die "
            "Zusammenarbeit durch eine neue Akzentsetzung, insbesondere in nichttechnologischen, "
            "gesellschaftsrelevanten Querschnittsthemen intensiviert und ausgebaut werden.",
            "So liefert das Projekt den Hamburger Clustern eine auf ihre Bedürfnisse eingehende "
            "Metaperspektive zur Kooperation und Professionalisierung sowie Unterstützung bei der "
            "Realisierung von Innovationspotentialen in den Schnittbereichen der "
            "Clusterorganisationen durch verschiedene Veranstaltungsformate und "
            "Kommunikationskanäle.",
            "Hierbei sollen in Zusammenarbeit mit den Clustermanagements Clusterbrücken und "
            "gemeinsame Co-Learning Felder, wie „Gesellschaftliche Einbindung“ und „Resilienz“ "
            "entwickelt und realisiert werden.",
            "Ziel des Projekts ist außerdem die Stärkung der Clustermanagements durch "
            "Qualifizierung sowie Strukturen des Wissenstransfers zwischen den "
            "Clustergeschäftsstellen und weiteren Innovationsbeteiligten in Hamburg.",
            "Darüber hinaus soll eine Vernetzung mit überregionalen Innovationsbeteiligten "
            "erreicht werden.",
        ],
        "funding_kind": "Förderer",
        "funders": [
            EFRE,
            ("Behörde für Wirtschaft und Innovation der Freien und Hansestadt Hamburg", "BWI"),
        ],
        "span": (("April 2023", "2023-04"), ("März 2026", "2026-03")),
        "roles": {
            "Koordination": ["Prof. Dr. Stephan Duschek"],
            "Leitung": ["Sebastian Alrutz, M.Sc."],
            "Bearbeitung": ["Dipl.-Päd. Julia Alrutz, M.Sc.", "Anna Vogel, M.A."],
        },
        "former": {},
        "affiliations": [],
        "reports": [2022],
        "interview": {
            "title": "Cross-Cluster Space Hamburg",
            "headline": "Gelebte Cluster-Politik durch branchenübergreifende Zusammenarbeit von "
            "Clustern und Netzwerken in der Hansestadt",
            "teaser": "Elke Jochmann im Gespräch mit Sebastian Alrutz und Anna Vogel vom "
            "Cross-Cluster Space an der Helmut Schmidt Universität der Bundeswehr in Hamburg.",
        },
        "links": [],
    },
    "co-learning-space-neue-felder-und-akteure": {
        "code": "P04",
        "title": "Co-Learning Space für Hamburger Cluster \N{EN DASH} "
        "Kollektive Erschließung neuer Felder und Akteure",
        "subtitle": "",
        "sentences": [
            "Das Projekt schließt unmittelbar an das im Mai 2020 erfolgreich abgeschlossene "
            "Projekt „Co-Learning Space für Hamburger Cluster“ an und setzt dieses strukturell und "
            "konzeptionell kontinuierlich fort.",
            "So ist es unter Berücksichtigung der Innovationsstrategie der Freien und Hansestadt "
            "Hamburg weiterhin Zielsetzung des Projekts, die clusterübergreifende Zusammenarbeit "
            "der Hamburger Cluster zu fördern, Ansätze und Maßnahmen für die weiterführende "
            "Professionalisierung des Cluster-Managements kollektiv zu erproben und umzusetzen "
            "sowie die Entwicklung weiterführender Clusterbrücken (Cross-Clustering) zu begleiten.",
            "Außerdem ist das Anliegen, die in der ersten Projektphase aufgebauten "
            "clusterübergreifenden Strukturen zu festigen und auszubauen.",
            "Der inhaltliche Fokus liegt in diesem Projekt insbesondere auf der Erschließung neuer "
            "Themenfelder und Akteure, um den Wissens- und Technologietransfer in Hamburg "
            "voranzutreiben.",
            "Den Clustern sollen so perspektivische Räume in Ausrichtung auf "
            "Querschnittstechnologien geöffnet und die Entwicklung von cross-cluster-relevanten "
            "Themenfeldern als Clusterbrücken und Co-Learning Felder angeregt werden.",
        ],
        "funding_kind": "Förderer",
        "funders": [EFRE, (BWVI_NAME, "BWI")],
        "span": (("Juni 2020", "2020-06"), ("März 2023", "2023-03")),
        "roles": {
            "Koordination": ["Prof. Dr. Stephan Duschek"],
            "Leitung": ["Dipl.-Päd. Julia Alrutz, M.Sc."],
            "Bearbeitung": ["Anna Vogel, M.A."],
        },
        "former": {
            "Leitung": ["Dipl.-Kffr. Cordelia Mühlbach, M.Sc."],
            "Bearbeitung": ["Dr. Axel Czaya", "Tina Barkmann, M.A.", "Kristina Pöllsner, M.A."],
        },
        "affiliations": [],
        "reports": [2019, 2020, 2021],
        "interview": None,
        "links": [],
    },
    "co-learning-space-fuer-hamburger-cluster": {
        "code": "P03",
        "title": "Co-Learning Space für Hamburger Cluster",
        "subtitle": "",
        "sentences": [
            "Die Metropolregion Hamburg ist ein angesehenes Zentrum erfolgreicher "
            "Clusterentwicklung.",
            "Ausgezeichnet als eine von sechs europäischen „Model demonstrator regions for modern "
            "cluster policy“(2014) strebt die Hamburger Clusterpolitik permanent nach Verbesserung "
            "und Förderung interorganisationaler Zusammenarbeit für mehr Fortschritt und "
            "Wettbewerbsfähigkeit.",
            "Die Hamburger Clusterpolitik ist Teil der übergreifenden Innovationsstrategie mit dem "
            "Ziel, Hamburg zu einer Innovationshauptstadt für Europa auszubauen.",
            "In einem weiteren Entwicklungsschritt soll die Zusammenarbeit zwischen den Clustern "
            "gestärkt werden, um noch mehr Lern-, Entwicklungs-, und Synergiepotenziale zu "
            "erschließen.",
            "Das Forschungsprojekt zur Entwicklung eines Co-Learning Space für Hamburger Cluster "
            "soll Ansätze und Maßnahmen für die weiterführende Professionalisierung des "
            "Managements der Hamburger Cluster kollektiv erproben und umsetzen sowie die "
            "Entwicklung weiterführender Clusterbrücken (Cross-Clustering) begleiten.",
            "Das Projekt soll die clusterübergreifende Zusammenarbeit anregen, durch Schaffung von "
            "neuen Plattformen den Austauschprozess erleichtern und mithilfe einer effizienten und "
            "effektiven Vernetzung der Partner Innovationen ermöglichen, die die "
            "Wissensentwicklung und den Wissenstransfer stärken.",
        ],
        "funding_kind": "Förderer",
        "funders": [EFRE, (BWVI_NAME, "BWVI")],
        "span": (("November 2016", "2016-11"), ("Oktober 2019", "2019-10")),
        "roles": {
            "Koordination": ["Prof. Dr. Stephan Duschek"],
            "Leitung": ["Dr. Astrid Hintze", "Dr. Tanja Zeeb"],
            "Bearbeitung": [
                "Wiebke Kannenberg, M.A.",
                "Tina Barkmann, M.Sc.",
                "Kristina Pöllsner, M.A.",
                "Christine Koch",
            ],
        },
        "former": {},
        "affiliations": [],
        "reports": [2018],
        "interview": None,
        "links": [],
    },
    "alfaclu": {
        "code": "P02",
        "title": "Demografiesensibles Kompetenzmanagement in Hochtechnologie-Clustern",
        "subtitle": "Verbundprojekt „Altersgerechte und -übergreifende Fachkräfteentwicklung in "
        "Hochtechnologie-Clustern am Beispiel optischer Technologien und Mikrosystemtechnik in "
        "Berlin und Brandenburg“ (AlFaClu)",
        "sentences": [
            "Die ca. 400 Organisationen im Cluster Optik in der Region Berlin und Brandenburg "
            "müssen nicht nur mit einer alternden Belegschaft, sondern v.a. in den Bereichen der "
            "optischen Technologien und Mikrosystemtechnik auch mit einem Mangel an Nachwuchs "
            "umgehen.",
            "Dieser demografiebedingte Engpass, gepaart mit der Notwendigkeit zunehmender "
            "Vernetzung der KMU, um die Innovations- und Arbeitsprozesse im Hochtechnologiecluster "
            "im internationalen Wettbewerb konkurrenzfähig gestalten zu können, verlangt "
            "inhaltlich (bzgl. der geforderten Kompetenzen) und strukturell (bzgl. der "
            "Ausgestaltung eines Kompetenzmanagements) nach neuen Konzepten.",
            "Zum einen aufgrund der Spezifika altersgerechter und -übergreifender Weiterbildung, "
            "zum anderen aufgrund der herrschenden „coopetition“ in Clustern.",
            "Ziel des Verbundprojektes ist es, ein integratives Kompetenzmanagement-Konzept zur "
            "altersgerechten und -übergreifenden Fachkräfteentwicklung im Cluster Optik zu "
            "entwickeln, zu erproben, zu verbessern und zu verbreiten.",
            "Das Projekt entwirft zusammen mit der Universität Hamburg, dem Zentrum für "
            "Mikrosystemtechnik Berlin (ZEMI) und elf Value Partnern aus dem Cluster Optik "
            "Lösungen, die das Spannungsfeld von Kooperation und Konkurrenz domestizieren, indem "
            "adäquate Anreiz- und Koordinationsmechanismen auf Clusterebene sowie Maßnahmen zur "
            "Umsetzung auf Unternehmensebene erarbeitet werden.",
        ],
        "funding_kind": "Auftraggeber",
        "funders": [BMBF],
        "span": (("November 2013", "2013-11"), ("Januar 2017", "2017-01")),
        "roles": {
            "Verbundkoordinator und Projektleitung": ["Prof. Dr. Stephan Duschek"],
            "Co-Koordinator und Co-Leitung": ["Dr. Christian Gärtner"],
            "Bearbeitung der Projekte im Verbund": ["Dr. Christian Gärtner", "Uta Voigt", "N.N."],
        },
        "former": {},
        "affiliations": ["HSU", "ZEMI Berlin", "Prof. Schramm, Universität Hamburg"],
        "reports": [],
        "interview": None,
        "links": [("www.alfaclu.de", "http://www.alfaclu.de")],
    },
    "luftfahrtcluster-dachmarke-und-wissensmanagement": {
        "code": "P01",
        "title": "Entwicklung und Implementierung von neuer Dachmarke, Kommunikationsstrategie "
        "und Wissensmanagement für das Luftfahrtcluster Metropolregion Hamburg",
        "subtitle": "",
        "sentences": [
            "Das Luftfahrtcluster Metropolregion Hamburg hat sich seit Beginn clusterpolitischer "
            "Maßnahmen im Jahr 2001 sehr erfolgreich entwickelt, ist die nationale Nummer eins, "
            "europaweit die Nummer zwei und weltweit die Nummer drei der zivilen "
            "Luftfahrtindustrie sowie eines der ersten fünf ausgezeichneten deutschen "
            "Spitzencluster.",
            "Zur Unterstützung dieser Spitzenposition werden zwei grundlegende Schritte verfolgt: "
            "die systematische Sammlung, Zusammenführung und Weiterentwicklung der vernetzten bzw. "
            "der noch zu vernetzenden Clusterkompetenzen im Rahmen eines neuartigen für "
            "interorganisationale Prozesse sensiblen Wissensmanagement-Systems sowie die "
            "Entwicklung und Etablierung einer Dachmarke für das gesamte Cluster, welche im "
            "Zusammenhang mit einer zu entwickelnden clusterübergreifenden "
            "Kommunikationsstrategie den Bekanntheitsgrad des Clusters, seiner Akteure und des "
            "einzigartigen Produkt- und Leistungsportfolios weiter erhöhen soll.",
            "Die Kommunikation nach innen und außen soll dabei einen Effekt der Selbstverstärkung "
            "zur Erhöhung der Effektivität und Effizienz der Arbeiten im Cluster durch den "
            "Austausch von Daten, Informationen und Wissen einerseits sowie materiellen Gütern "
            "andererseits bewirken.",
        ],
        "funding_kind": "Auftraggeber",
        "funders": [BMBF],
        "span": (("August 2011", "2011-08"), ("November 2013", "2013-11")),
        "roles": {
            "Leitung": ["Prof. Dr. Stephan Duschek", "Prof. Dr. Jens Wulfsberg"],
            "Bearbeitung": ["Astrid Harder-Nowka", "Dr. Frank Lerch", "Pascal Krenz"],
        },
        "former": {},
        "affiliations": ["HSU, Laboratorium Fertigungstechnik", "Prof. Wulfsberg"],
        "reports": [],
        "interview": None,
        "links": [],
    },
}
SLUGS = list(SOURCE)
CORRECTED_TYPOS = ["Wissensmanagememt", "Innovationstrategie", "Wulfberg", "( BMBF)"]


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def page_text(content):
    """The visible text of an HTML page: tags dropped, entities decoded, whitespace collapsed."""
    content = re.sub(r"<(script|style)\b.*?</\1>", "", content, flags=re.S | re.I)
    return squash(html.unescape(re.sub(r"<[^>]+>", "", content)))


def expected_facts(slug):
    """Every string of the source that the project's German page must show."""
    source = SOURCE[slug]
    facts = [source["title"], *source["sentences"], source["funding_kind"], LAST_CHANGE]
    facts += [source["code"], source["subtitle"]]
    for name, short in source["funders"]:
        facts += [name, short]
    for holders in (source["roles"], source["former"]):
        for kind, names in holders.items():
            facts += [kind, *names]
    facts += source["affiliations"]
    facts += [f"{SERIES} {year}" for year in source["reports"]]
    if source["interview"]:
        facts += list(source["interview"].values())
    facts += [label for label, _url in source["links"]]
    return [fact for fact in facts if fact]


# ------------------------------------------------------------------ the data


def test_archive_loads_with_the_source_counts(archive):
    assert Project.objects.count() == 5
    assert Project.objects.published().count() == 5
    assert Person.objects.count() == 19
    assert RoleKind.objects.count() == 6
    assert Role.objects.count() == 28
    assert Role.objects.filter(is_former=True).count() == 4
    assert Role.objects.filter(person=None).count() == 1
    assert Organisation.objects.count() == 5
    assert Funding.objects.count() == 8
    assert ProjectLink.objects.count() == 1
    assert ReportSeries.objects.count() == 1
    assert AnnualReport.objects.count() == 5
    assert Interview.objects.count() == 1


def test_projects_keep_the_source_order_and_last_change(archive):
    assert [p.slug for p in Project.objects.all()] == SLUGS
    assert [p.code for p in Project.objects.all()] == ["", "P04", "P03", "P02", "P01"]
    last_change = datetime.datetime(2024, 4, 17, 10, 0, tzinfo=datetime.UTC)
    assert {p.updated_at for p in Project.objects.all()} == {last_change}
    assert {r.updated_at for r in AnnualReport.objects.all()} == {last_change}
    assert Project.objects.get(code="P04").predecessor.code == "P03"
    assert Project.objects.get(code="").predecessor.code == "P04"


@pytest.mark.parametrize("slug", SLUGS)
def test_data_holds_every_fact_of_the_source(archive, slug):
    source = SOURCE[slug]
    project = Project.objects.get(slug=slug)
    assert project.code == source["code"]
    assert project.title_de == source["title"]
    assert project.subtitle_de == source["subtitle"]
    description = squash(project.description_de)
    for sentence in source["sentences"]:
        assert sentence in description
    assert len(project.paragraphs) >= 1
    assert squash(" ".join(source["sentences"])) == squash(" ".join(project.paragraphs))

    fundings = project.fundings.all()
    assert [(f.name_as_listed_de, f.short_name_as_listed_de) for f in fundings] == source["funders"]
    assert {f.get_kind_display() for f in fundings} == {source["funding_kind"]}

    (start, _), (end, _) = source["span"]
    with translation.override("de"):
        assert project.duration == f"{start} bis {end}"

    roles = project.roles.for_project_page()
    for former, holders in ((False, source["roles"]), (True, source["former"])):
        listed = {}
        for role in roles.filter(is_former=former):
            listed.setdefault(role.kind.name_de, []).append(role.holder_name)
        assert listed == holders
    affiliations = [r.affiliation_as_listed_de for r in roles if r.affiliation_as_listed_de]
    assert sorted(affiliations) == sorted(source["affiliations"])

    assert sorted(r.year for r in project.reports.all()) == source["reports"]
    assert [(link.label_de, link.url) for link in project.links.all()] == source["links"]
    interview = project.interviews.first()
    if source["interview"] is None:
        assert interview is None
    else:
        assert {
            "title": interview.title_de,
            "headline": interview.headline_de,
            "teaser": interview.teaser_de,
        } == source["interview"]


def test_no_typo_of_the_source_survives(archive):
    """Visitors' text only: the editors' notes name the corrections on purpose."""
    public = [
        *Project.objects.values_list("title_de", "subtitle_de", "description_de"),
        *Role.objects.values_list("affiliation_as_listed_de"),
        *Person.objects.values_list("affiliation_de"),
        *Funding.objects.values_list("name_as_listed_de", "short_name_as_listed_de"),
    ]
    text = " ".join(value for row in public for value in row)
    for typo in CORRECTED_TYPOS:
        assert typo not in text


def test_people_groups_and_titles(archive):
    team = set(Person.objects.filter(group="team").values_list("family_name", "given_name"))
    assert team == {
        ("Duschek", "Stephan"),
        ("Alrutz", "Sebastian"),
        ("Alrutz", "Julia"),
        ("Vogel", "Anna"),
    }
    partners = set(Person.objects.filter(group="partner").values_list("family_name", flat=True))
    assert partners == {"Voigt", "Wulfsberg", "Krenz", "Jochmann"}
    assert Person.objects.get(family_name="Barkmann").full_name == "Tina Barkmann, M.Sc."
    assert Person.objects.get(family_name="Voigt").affiliation_de == "ZEMI Berlin"
    interview = Interview.objects.get()
    assert interview.interviewer.plain_name == "Elke Jochmann"
    assert {p.plain_name for p in interview.interviewees.all()} == {
        "Sebastian Alrutz",
        "Anna Vogel",
    }
    # Lost on the source page ("–> hier" without an address); found in Digitalcluster
    # Hamburg's video news archive, and the project's notes name that source.
    assert interview.url == INTERVIEW_URL
    assert "Digitalcluster Hamburg" in interview.project.editor_notes


def test_funders_carry_identifiers_and_eu_programmes(archive):
    efre = Organisation.objects.get(short_name="EFRE")
    assert efre.crossref_funder_id == "10.13039/501100008530"
    bmbf = Organisation.objects.get(short_name="BMBF")
    assert (bmbf.crossref_funder_id, bmbf.ror_id) == (
        "10.13039/501100002347",
        "https://ror.org/04pz7b180",
    )
    assert Organisation.objects.get(name="Universität Hamburg").ror_id == (
        "https://ror.org/00g30e956"
    )
    # One Hamburg agency, listed under the name of its time.
    assert Organisation.objects.filter(short_name="BWI").count() == 1
    programmes = dict(
        Funding.objects.filter(organisation=efre).values_list("project__slug", "eu_programme")
    )
    assert programmes == {
        "cross-cluster-space-hamburg": "efre-2021-2027",
        "co-learning-space-neue-felder-und-akteure": "efre-2014-2020",
        "co-learning-space-fuer-hamburger-cluster": "efre-2014-2020",
    }
    partners = Project.objects.get(code="P02").partners.all()
    assert {o.short_name or o.name for o in partners} == {"Universität Hamburg", "ZEMI"}
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_every_translated_field_has_an_english_version(archive):
    for project in Project.objects.all():
        assert project.title_en and project.description_en
        assert project.description_en.count("\n\n") == project.description_de.count("\n\n")
        assert (project.subtitle_en == "") == (project.subtitle_de == "")
    for funding in Funding.objects.all():
        assert funding.name_as_listed_en and funding.short_name_as_listed_en
    for kind in RoleKind.objects.all():
        assert kind.name_en and kind.name_en != kind.name_de
    interview = Interview.objects.get()
    assert interview.headline_en and interview.teaser_en
    assert ReportSeries.objects.get().title_en == "Annual Report Hamburg Clusters"


# ------------------------------------------------------------------ the pages


@pytest.mark.parametrize("slug", SLUGS)
def test_german_page_shows_every_fact_of_the_source(client, archive, slug):
    response = client.get(f"/de/projekte/{slug}/")
    assert response.status_code == 200
    content = response.content.decode()
    text = page_text(content)
    missing = [fact for fact in expected_facts(slug) if fact not in text]
    assert not missing, f"/de/projekte/{slug}/ does not show: {missing}"
    for month, iso in SOURCE[slug]["span"]:
        assert month in text or f'datetime="{iso}"' in content, month
    for _label, url in SOURCE[slug]["links"]:
        assert f'href="{url}' in content
    # Tina Barkmann has the degree this project lists, not the other project's.
    if slug == "co-learning-space-neue-felder-und-akteure":
        assert "Tina Barkmann, M.Sc." not in text
    for typo in CORRECTED_TYPOS:
        assert typo not in text


@pytest.mark.parametrize("language", ["de", "en"])
def test_project_page_links_the_interview(client, archive, language):
    with translation.override(language):
        url = Project.objects.get(slug="cross-cluster-space-hamburg").get_absolute_url()
    content = client.get(url).content.decode()
    assert f'href="{INTERVIEW_URL}"' in content
    assert "Der Link zum Interview ist nicht mehr bekannt" not in content


@pytest.mark.parametrize("slug", SLUGS)
def test_english_page_shows_the_english_description(client, archive, slug):
    project = Project.objects.get(slug=slug)
    # /en/projects/<slug>/ once the English catalogue translates the path (test_site checks it).
    # The request runs inside override() so that its language does not leak into later tests.
    with translation.override("en"):
        url = project.get_absolute_url()
        response = client.get(url)
    assert url.startswith("/en/") and url.endswith(f"/{slug}/")
    assert response.status_code == 200
    text = page_text(response.content.decode())
    assert squash(project.title_en) in text
    for paragraph in project.description_en.split("\n\n"):
        assert squash(paragraph) in text
    assert SOURCE[slug]["sentences"][0] not in text


# ------------------------------------------------------------------ load_archive


def run_load_archive():
    out = StringIO()
    call_command("load_archive", stdout=out)
    return out.getvalue()


def test_load_archive_fills_an_empty_database_and_writes_placeholders(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    output = run_load_archive()
    assert "Archiv geladen" in output
    assert Project.objects.count() == 5
    reports = AnnualReport.objects.all()
    assert len(reports) == 5
    for report in reports:
        path = settings.MEDIA_ROOT / report.file.name
        data = path.read_bytes()
        assert data.startswith(b"%PDF")
        assert (
            report.file.name == f"jahresberichte/jahresbericht-hamburger-cluster-{report.year}.pdf"
        )
        assert report.file_size == len(data)
        assert report.page_count == 1
        pages = PdfReader(path).pages
        assert len(pages) == 1
        width, height = pages[0].mediabox.width, pages[0].mediabox.height
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    # Writing the files did not touch the reports' "last change".
    last_change = datetime.datetime(2024, 4, 17, 10, 0, tzinfo=datetime.UTC)
    assert {r.updated_at for r in reports} == {last_change}


def test_load_archive_leaves_an_edited_database_alone(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    run_load_archive()
    project = Project.objects.get(code="P04")
    project.title = "Von der Redaktion geändert"
    project.save()
    pdf = settings.MEDIA_ROOT / "jahresberichte/jahresbericht-hamburger-cluster-2019.pdf"
    first = pdf.read_bytes()
    counts = (Project.objects.count(), Person.objects.count(), Role.objects.count())

    output = run_load_archive()

    assert "Inhalte vorhanden" in output
    assert (Project.objects.count(), Person.objects.count(), Role.objects.count()) == counts
    assert Project.objects.get(code="P04").title == "Von der Redaktion geändert"
    assert pdf.read_bytes() == first
    assert sorted(p.name for p in pdf.parent.iterdir()) == [
        f"jahresbericht-hamburger-cluster-{year}.pdf" for year in range(2018, 2023)
    ]


def test_load_archive_replaces_a_missing_placeholder_only(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    run_load_archive()
    folder = settings.MEDIA_ROOT / "jahresberichte"
    (folder / "jahresbericht-hamburger-cluster-2020.pdf").unlink()
    real = folder / "jahresbericht-hamburger-cluster-2021.pdf"
    real.write_bytes(b"%PDF-1.7 the real report")
    AnnualReport.objects.filter(year=2021).update(is_placeholder=False)

    output = run_load_archive()

    assert "2020" in output and "2021" not in output
    assert (folder / "jahresbericht-hamburger-cluster-2020.pdf").read_bytes().startswith(b"%PDF")
    assert real.read_bytes() == b"%PDF-1.7 the real report"
