"""The pages a public body owes: Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit and Leichte Sprache, edited in the admin and linked from every footer."""

import importlib
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from pages.models import Page
from pages.views import render_body

pytestmark = pytest.mark.django_db

KINDS = [kind.value for kind in Page.Kind]
ENGLISH_PATHS = {
    "impressum": "/en/legal-notice/",
    "datenschutz": "/en/privacy/",
    "barrierefreiheit": "/en/accessibility/",
    "leichte-sprache": "/en/easy-read/",
}
GERMAN_TITLES = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutzerklärung",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    "leichte-sprache": "Leichte Sprache",
}


@pytest.fixture
def pages(db):
    call_command("loaddata", "pages", verbosity=0)


def url(kind, language):
    with translation.override(language):
        return reverse(f"pages:{kind}")


def text_of(client, kind, language):
    response = client.get(url(kind, language))
    assert response.status_code == 200, (kind, language)
    return response.content.decode()


def test_every_kind_is_in_the_fixture(pages):
    assert sorted(Page.objects.values_list("slug", flat=True)) == sorted(KINDS)
    for page in Page.objects.all():
        assert page.published and page.title_de and page.title_en
        assert page.body_de and page.body_en


@pytest.mark.parametrize("kind", KINDS)
def test_pages_answer_in_both_languages_at_translated_addresses(client, pages, kind):
    assert url(kind, "de") == f"/de/{kind}/"
    assert url(kind, "en") == ENGLISH_PATHS[kind]
    german = text_of(client, kind, "de")
    assert f"<h1>{GERMAN_TITLES[kind]}</h1>" in german
    english = text_of(client, kind, "en")
    assert '<html lang="en"' in english
    assert GERMAN_TITLES[kind] not in english.split("<h1>")[1].split("</h1>")[0]


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_footer_links_the_four_pages(client, archive, pages, language):
    for path in (f"/{language}/", url("impressum", language)):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer"') :]
        for kind in KINDS:
            assert f'href="{url(kind, language)}"' in footer, (path, kind)


def test_unpublished_pages_are_hidden_from_visitors_only(client, admin_client, pages):
    page = Page.objects.get(slug="leichte-sprache")
    page.published = False
    page.save()
    assert client.get(url("leichte-sprache", "de")).status_code == 404
    response = admin_client.get(url("leichte-sprache", "de"))
    assert response.status_code == 200
    assert "Nicht veröffentlicht" in response.content.decode()


def test_impressum_names_university_and_chair_and_marks_the_unknown(client, pages):
    html = text_of(client, "impressum", "de")
    assert "Helmut-Schmidt-Universität" in html
    assert "Professur für Betriebswirtschaftslehre, insbesondere Organisationstheorie" in html
    assert "Prof. Dr. Stephan Duschek" in html
    assert "§ 18 Abs. 2 MStV" in html
    # Unknown facts are visibly marked placeholders, never invented.
    assert html.count('<mark class="placeholder">[Platzhalter:') >= 4
    for unknown in ("Postanschrift", "Telefonnummer", "E-Mail-Adresse", "verantwortlichen Person"):
        assert f"[Platzhalter: {unknown}" in html or unknown in html.split("[Platzhalter:", 1)[1]


def test_privacy_policy_says_what_the_site_does(client, pages):
    html = text_of(client, "datenschutz", "de")
    for fact in (
        "keine Cookies",
        "IP-Adresse",
        "Art. 15 DSGVO",
        "Art. 77 DSGVO",
        "CSRF",
        "Datenschutzbeauftragte",
    ):
        assert fact in html, fact
    assert "[Platzhalter: Name und Kontakt der oder des Datenschutzbeauftragten" in html


def test_accessibility_statement_has_what_bitv_asks(client, pages):
    html = text_of(client, "barrierefreiheit", "de")
    assert "teilweise vereinbar" in html
    assert "Nicht barrierefreie Inhalte" in html and "Platzhalter" in html
    assert "erstellt" in html and "2026" in html
    assert "Barrieren melden" in html
    assert "[Platzhalter: E-Mail-Adresse für Rückmeldungen zur Barrierefreiheit" in html
    assert "Schlichtungsstelle nach § 16" in html
    english = text_of(client, "barrierefreiheit", "en")
    assert "Enforcement procedure" in english and "section 16" in english


@pytest.mark.parametrize(
    ("language", "heading", "state", "sections"),
    [
        ("de", "Redaktionsbereich", "teilweise vereinbar", ["Inhalte: Projekte", "Website:"]),
        ("en", "Editors' area", "partially compliant", ["Content: Projects", "Website:"]),
    ],
)
def test_accessibility_statement_names_the_admin_with_its_own_state(
    client, pages, monkeypatch, language, heading, state, sections
):
    from editors import accessibility

    html = text_of(client, "barrierefreiheit", language)
    part = html[html.index(f">{heading}</h2>") :]
    part = part[: part.index("</section>")]
    assert state in part  # a gap is listed: partly
    assert "/admin/" not in part  # the admin's address stays unpublished
    for section in sections:  # generated from the admin's sections
        assert section in part
    gaps = re.findall(r"<li>(.*?)</li>", part.split("<ul>")[-1], re.S)
    assert len(gaps) == len(accessibility.GAPS) == 1
    # In place of the marker, after the list of documents, before how it was made.
    assert "[Redaktionsbereich]" not in html and "[Editors" not in html
    assert html.index('id="inaccessible-documents"') < html.index('id="admin-accessibility"')
    # With no gap left, the statement says so itself.
    monkeypatch.setattr(accessibility, "GAPS", [])
    html = text_of(client, "barrierefreiheit", language)
    part = html[html.index('id="admin-accessibility"') :]
    part = part[: part.index("</section>")]
    assert state not in part and ("vereinbar" in part or "compliant" in part)


def test_migration_swaps_the_written_admin_line_for_the_generated_part_and_back(pages):
    from django.apps import apps

    migration = importlib.import_module("pages.migrations.0003_statement_admin_part")
    page = Page.objects.get(slug="barrierefreiheit")
    generated = (page.body_de, page.body_en)
    migration.written_part(apps, None)
    page.refresh_from_db()
    for text, field in ((page.body_de, "body_de"), (page.body_en, "body_en")):
        assert migration.MARKER[field] not in text
        # The old line stands where it stood: after the other gaps, before the last one.
        assert f"{migration.OLD[field]}- " in text
    migration.generated_part(apps, None)
    page.refresh_from_db()
    assert (page.body_de, page.body_en) == generated
    # A statement the editors changed there stays theirs.
    Page.objects.filter(pk=page.pk).update(body_de="Eigener Text.", body_en="Own text.")
    migration.written_part(apps, None)
    migration.generated_part(apps, None)
    page.refresh_from_db()
    assert (page.body_de, page.body_en) == ("Eigener Text.", "Own text.")


def test_easy_read_page_uses_short_sentences(client, pages):
    html = text_of(client, "leichte-sprache", "de")
    body = html.split('<div class="prose">')[1].split("</div>")[0]
    sentences = [line for line in body.replace("<br>", "\n").split("\n") if line.strip()]
    assert "Diese Internet-Seite ist ein Archiv." in body
    longest = max(len(line.split()) for line in sentences if not line.strip().startswith("<"))
    assert longest <= 12


def test_render_body_escapes_editors_markup():
    html = render_body('Hallo <script>alert("x")</script>\n\n## <b>Titel</b>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h2>&lt;b&gt;Titel&lt;/b&gt;</h2>" in html


def test_render_body_paragraphs_lists_links_and_placeholders():
    html = render_body(
        "Erste Zeile\nzweite Zeile\n\n- eins\n- zwei <i>\n\n"
        "Mail: info@example.org, Web: https://example.org/\n\n"
        "Tel.: [Platzhalter: Nummer <fehlt>, bitte ergänzen]"
    )
    assert "<p>Erste Zeile<br>\nzweite Zeile</p>" in html
    assert "<ul>\n<li>eins</li>\n<li>zwei &lt;i&gt;</li>\n</ul>" in html
    assert '<a href="mailto:info@example.org">info@example.org</a>' in html
    assert '<a href="https://example.org/"' in html
    marked = "[Platzhalter: Nummer &lt;fehlt&gt;, bitte ergänzen]"
    assert f'<mark class="placeholder">{marked}</mark>' in html


def test_load_archive_loads_the_pages_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_archive", stdout=StringIO())
    assert Page.objects.count() == len(KINDS)
    Page.objects.filter(slug="impressum").update(title_de="Bearbeitet")
    Page.objects.exclude(slug="impressum").delete()
    call_command("load_archive", stdout=StringIO())
    # An edited site keeps its pages: nothing is overwritten or added back.
    assert list(Page.objects.values_list("title_de", flat=True)) == ["Bearbeitet"]


def test_pages_are_edited_in_the_admin_in_both_languages(admin_client, pages):
    page = Page.objects.get(slug="barrierefreiheit")
    html = admin_client.get(reverse("admin:pages_page_change", args=[page.pk])).content.decode()
    assert 'name="body_de"' in html and 'name="body_en"' in html
    assert admin_client.get(reverse("admin:pages_page_changelist")).status_code == 200
