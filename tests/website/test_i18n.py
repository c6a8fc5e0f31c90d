"""German first, English second: pages, addresses, content fallback and the catalogues."""

import ast
import contextlib
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
LOCALE = BASE_DIR / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# The site's other HTML pages, where they exist (other parts of the site add them).
OPTIONAL_PAGES = ["projects:list", "projects:organisations", "search:search", "opendata:page"]


def page_pairs():
    """(German address, English address) of every public HTML page of the archive."""
    pairs = []

    def add(name, **kwargs):
        urls = []
        for language in ("de", "en"):
            with translation.override(language):
                urls.append(reverse(name, kwargs=kwargs))
        pairs.append(tuple(urls))

    add("projects:index")
    add("people:index")
    add("reports:list")
    for name in OPTIONAL_PAGES:
        with contextlib.suppress(NoReverseMatch):
            add(name)
    for project in Project.objects.published():
        add("projects:detail", slug=project.slug)
    for person in Person.objects.public():
        add("people:detail", slug=person.slug)
    for organisation in Organisation.objects.all():
        add("projects:organisation", slug=organisation.slug)
    for report in AnnualReport.objects.published().select_related("series"):
        add("reports:detail", series=report.series.slug, year=report.year)
    return pairs


def get(client, url):
    """A page in the language of its address; the language does not leak into later tests."""
    with translation.override(url.split("/")[1]):
        return client.get(url)


def alternates(page):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))


def head_text(page, pattern):
    match = re.search(pattern, page, re.S)
    return html.unescape(match.group(1)).strip() if match else ""


def title_of(page):
    return head_text(page, r"<title>(.*?)</title>")


def description_of(page):
    return head_text(page, r'<meta name="description" content="([^"]*)">')


def visible_text(page):
    body = page.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def switch_link(page, language):
    """The language switch's link to ``language``."""
    switch = re.search(r'<p class="language-switch">(.*?)</p>', page, re.S)
    assert switch, "no language switch"
    match = re.search(rf'<a href="([^"]+)" hreflang="{language}"', switch.group(1))
    assert match, f"no link to {language} in the language switch"
    return html.unescape(match.group(1))


# ------------------------------------------------------------------ pages


# Interface words that must not show on an English page (the English catalogue covers them).
GERMAN_INTERFACE = [
    "Zum Inhalt springen",
    "Hauptnavigation",
    "Jahresberichte",
    "Projektdaten",
    "Laufzeit",
    "Letzte Änderung",
    "nicht veröffentlicht",
    "Drittmittelprojekte",
]


def test_every_page_has_its_language_alternates_title_and_description(client, archive):
    pairs = page_pairs()
    assert len(pairs) > 20
    for de_url, en_url in pairs:
        assert de_url.startswith("/de/") and en_url.startswith("/en/"), (de_url, en_url)
        pages = {}
        for language, url in (("de", de_url), ("en", en_url)):
            response = get(client, url)
            assert response.status_code == 200, url
            page = response.content.decode()
            assert f'<html lang="{language}"' in page, url
            links = alternates(page)
            assert links.get("de", "").endswith(de_url), (url, links)
            assert links.get("en", "").endswith(en_url), (url, links)
            assert links.get("x-default") == links.get("de"), (url, links)
            assert title_of(page) and description_of(page), url
            pages[language] = page
        assert title_of(pages["de"]) != title_of(pages["en"]), de_url
        assert description_of(pages["de"]) != description_of(pages["en"]), de_url
        english = visible_text(pages["en"]) + title_of(pages["en"]) + description_of(pages["en"])
        leaked = [word for word in GERMAN_INTERFACE if word in english]
        assert not leaked, f"{en_url} shows German interface text: {leaked}"


@pytest.mark.parametrize("kind", ["project", "person", "report list", "organisation", "report"])
def test_language_switch_leads_to_the_same_page(client, archive, kind):
    if kind == "project":
        name, kwargs = "projects:detail", {"slug": "co-learning-space-neue-felder-und-akteure"}
    elif kind == "person":
        name, kwargs = "people:detail", {"slug": Person.objects.get(family_name="Duschek").slug}
    elif kind == "report list":
        name, kwargs = "reports:list", {}
    elif kind == "organisation":
        name, kwargs = "projects:organisation", {"slug": Organisation.objects.get(pk=2).slug}
    else:
        name, kwargs = "reports:detail", {"series": ReportSeries.objects.get().slug, "year": 2022}
    urls = {}
    for language in ("de", "en"):
        with translation.override(language):
            urls[language] = reverse(name, kwargs=kwargs)
    assert urls["de"] != urls["en"]
    german = get(client, urls["de"]).content.decode()
    assert switch_link(german, "en") == urls["en"]
    english = get(client, urls["en"]).content.decode()
    assert switch_link(english, "de") == urls["de"]


def test_english_addresses_are_translated(archive):
    with translation.override("en"):
        assert reverse("projects:detail", kwargs={"slug": "alfaclu"}) == "/en/projects/alfaclu/"
        assert reverse("people:index") == "/en/people/"
        assert reverse("reports:list") == "/en/annual-reports/"
        assert reverse("projects:organisation", kwargs={"slug": "efre"}) == (
            "/en/organisations/efre/"
        )
    with translation.override("de"):
        assert reverse("projects:detail", kwargs={"slug": "alfaclu"}) == "/de/projekte/alfaclu/"
        assert reverse("reports:list") == "/de/jahresberichte/"


@pytest.mark.parametrize(
    "accept, target",
    [
        ("", "/de/"),
        ("en-GB,en;q=0.8", "/en/"),
        ("en-US", "/en/"),
        ("de-DE,de;q=0.9,en;q=0.8", "/de/"),
        ("fr-FR,fr;q=0.9", "/de/"),
    ],
)
def test_root_sends_visitors_to_their_language(client, accept, target):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/", **headers)
    assert response.status_code == 302
    assert response.headers["Location"] == target


# ------------------------------------------------------------------ content fallback


def test_an_empty_english_field_shows_the_german_text_marked_as_german(client, archive):
    project = Project.objects.get(code="P04")
    Project.objects.filter(pk=project.pk).update(title_en="", description_en="")
    kind = RoleKind.objects.get(name_de="Koordination")
    RoleKind.objects.filter(pk=kind.pk).update(name_en="")
    funding = project.fundings.get(short_name_as_listed_de="BWI")
    Funding.objects.filter(pk=funding.pk).update(name_as_listed_en="")

    with translation.override("en"):
        url = project.get_absolute_url()
    page = get(client, url).content.decode()

    title = html.escape(project.title_de, quote=False)
    assert f'<span lang="de">{title}</span></h1>' in page
    assert '<div class="prose" lang="de">' in page
    assert html.escape(project.description_de.split("\n\n")[0], quote=False) in page
    assert '<dt><span lang="de">Koordination</span></dt>' in page
    # Field by field: the funder's English short name stays English and unmarked.
    name = html.escape(funding.name_as_listed_de, quote=False)
    assert f'<span lang="de">{name}</span> (BWI)' in page
    # English fields are not marked, and the page itself stays English.
    assert '<html lang="en"' in page
    assert "<dt>Project lead</dt>" in page
    assert '<span lang="de">European Regional Development Fund' not in page

    german = get(client, project.get_absolute_url()).content.decode()
    assert 'lang="de"' not in german.split("<body", 1)[1]


def test_fallback_marking_in_lists_interviews_and_roles(client, archive):
    Project.objects.filter(code="P03").update(title_en="")
    Interview.objects.update(headline_en="", teaser_en="")
    ReportSeries.objects.update(title_en="")
    Role.objects.filter(affiliation_as_listed_de="ZEMI Berlin").update(affiliation_as_listed_en="")

    home = get(client, "/en/").content.decode()
    title = html.escape(Project.objects.get(code="P03").title_de, quote=False)
    assert f'<span lang="de">{title}</span>' in home

    with translation.override("en"):
        ccs = Project.objects.get(code="").get_absolute_url()
        alfaclu = Project.objects.get(code="P02").get_absolute_url()
        reports = reverse("reports:list")
    page = get(client, ccs).content.decode()
    assert '<p class="interview__headline" lang="de">Gelebte Cluster-Politik' in page
    assert '<p lang="de">Elke Jochmann im Gespräch' in page
    assert '<span lang="de">Jahresbericht Hamburger Cluster</span> 2022' in page
    assert (
        'Uta Voigt</a> (<span lang="de">ZEMI Berlin</span>)'
        in get(client, alfaclu).content.decode()
    )
    listing = get(client, reports).content.decode()
    assert '<span lang="de">Jahresbericht Hamburger Cluster</span></h2>' in listing


def test_tr_writes_every_name_as_its_model_does(archive):
    """{% tr obj %} is __str__ (Funding: display_name) with the fallback marked."""
    template = Template("{% load i18n_tags %}{% tr obj %}")
    objects = [
        *Project.objects.all(),
        *Organisation.objects.all(),
        *Funding.objects.all(),
        *RoleKind.objects.all(),
        *AnnualReport.objects.select_related("series"),
        *ReportSeries.objects.all(),
        *Interview.objects.all(),
    ]
    Project.objects.update(title_en="")  # half the parts fall back
    Organisation.objects.update(short_name_en="")
    objects += [*Project.objects.all(), *Organisation.objects.all()]
    for language in LANGUAGES:
        with translation.override(language):
            for obj in objects:
                rendered = template.render(Context({"obj": obj}))
                expected = obj.display_name if isinstance(obj, Funding) else str(obj)
                assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == expected
                if language == settings.LANGUAGE_CODE:
                    assert "lang=" not in rendered


# ------------------------------------------------------------------ interface catalogues


def test_catalogues_speak_each_language():
    with translation.override("en"):
        assert translation.gettext("Jahresberichte") == "Annual reports"
        assert translation.gettext("projekte/<slug:slug>/") == "projects/<slug:slug>/"
        assert translation.gettext("%(start)s bis %(end)s") == "%(start)s to %(end)s"
        assert translation.gettext("seit %(start)s") == "since %(start)s"
        assert translation.ngettext("%(n)s Seite", "%(n)s Seiten", 3) == "%(n)s pages"
        assert translation.npgettext("Überschrift", "Projekt", "Projekte", 1) == "Project"
        assert translation.gettext("Projekt") == "Project"
    with translation.override("de"):
        assert translation.gettext("Jahresberichte") == "Jahresberichte"
        assert translation.gettext("projekte/<slug:slug>/") == "projekte/<slug:slug>/"


def test_german_and_english_navigation(client, archive):
    german = get(client, "/de/").content.decode()
    for word in ("Projekte", "Personen", "Jahresberichte", "Zum Inhalt springen"):
        assert word in german
    english = get(client, "/en/").content.decode()
    for word in ("Projects", "People", "Annual reports", "Skip to content"):
        assert word in english


def msgfmt(*args):
    if shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext's msgfmt is missing (apt-get install gettext)")
    return subprocess.run(["msgfmt", *args], capture_output=True, text=True, check=False)


def msgunfmt(path):
    return subprocess.run(["msgunfmt", str(path)], capture_output=True, text=True, check=False)


def po_entries(path):
    """The entries of a .po file but its header, and its fuzzy ones.

    Entries map (msgctxt, msgid) to (msgid_plural, [msgstr, …]).
    """
    entries, fuzzy = {}, []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy.append(block)
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            key = (fields.get("msgctxt"), fields["msgid"])
            translations = [value for name, value in fields.items() if name.startswith("msgstr")]
            entries[key] = (fields.get("msgid_plural", ""), translations)
    return entries, fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_valid_and_its_mo_is_current(language, tmp_path):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    checked = msgfmt("--check", "-o", str(tmp_path / "django.mo"), str(po))
    assert checked.returncode == 0, checked.stderr
    assert mo.exists(), f"{mo.relative_to(BASE_DIR)} missing: run make messages"
    # The catalogues as text (msgunfmt sorts the entries): the same messages, whatever
    # the compiled files' layout.
    fresh = msgunfmt(tmp_path / "django.mo")
    built = msgunfmt(mo)
    assert fresh.returncode == built.returncode == 0, fresh.stderr + built.stderr
    assert built.stdout == fresh.stdout, (
        f"{mo.relative_to(BASE_DIR)} is older than its .po: run make messages"
    )


def test_english_translates_every_string_german_keeps_its_source():
    german, german_fuzzy = po_entries(LOCALE / "de" / "LC_MESSAGES" / "django.po")
    english, english_fuzzy = po_entries(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    assert set(german) == set(english), (
        "extract both catalogues together (makemessages -l de -l en)"
    )
    assert not english_fuzzy and not german_fuzzy
    untranslated = [key for key, (_plural, values) in english.items() if not all(values)]
    assert not untranslated, f"English catalogue lacks: {untranslated}"
    # German is the source language: its msgstr stay empty, the msgid is the text.
    assert not [key for key, (_plural, values) in german.items() if any(values)]
    # A translation uses only the placeholders of its source, and all of them.
    placeholder = re.compile(r"%\(\w+\)[sd]|<[^>]+>")
    for (_context, msgid), (plural, values) in english.items():
        source = set(placeholder.findall(msgid + plural))
        used = set().union(*(placeholder.findall(value) for value in values))
        assert used == source, (msgid, values)


# The command that extracts the catalogues (README: Translations).
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "de",
    "-l",
    "en",
    "--no-location",
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=media",
    "--ignore=var",
]


def test_catalogues_hold_every_string_of_the_sources(tmp_path):
    """makemessages over a copy of the sources finds no string the catalogues lack."""
    copy = tmp_path / "src"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "media",
            "staticfiles",
            "var",
            "node_modules",
            "__pycache__",
            "*.sqlite3*",
            "*.mo",
            ".pytest_cache",
            ".ruff_cache",
            "test-artifacts",
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted, _fuzzy = po_entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    catalogue, _fuzzy = po_entries(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    missing = sorted(set(extracted) - set(catalogue), key=str)
    assert not missing, f"strings not in the catalogues (run makemessages, translate): {missing}"


# ------------------------------------------------------------------ dates and numbers


def test_dates_and_durations_in_the_page_language(client, archive):
    with translation.override("en"):
        url = Project.objects.get(code="P04").get_absolute_url()
    english = visible_text(get(client, url).content.decode())
    assert "June 2020 to March 2023" in english
    assert "Last changed: 17 April 2024" in english
    german = visible_text(
        get(client, "/de/projekte/co-learning-space-neue-felder-und-akteure/").content.decode()
    )
    assert "Juni 2020 bis März 2023" in german
    assert "Letzte Änderung: 17. April 2024" in german

    ongoing = Project.objects.get(code="P04")
    ongoing.end_year = ongoing.end_month = None
    for language, expected in (("de", "seit Juni 2020"), ("en", "since June 2020")):
        with translation.override(language):
            assert ongoing.duration == expected


def test_file_sizes_in_the_page_language(client, archive):
    AnnualReport.objects.update(file_size=1_258_291, page_count=12)  # 1.2 MiB
    AnnualReport.objects.filter(year=2018).update(file_size=900, page_count=1)
    german = visible_text(get(client, "/de/jahresberichte/").content.decode())
    for text in ("1,2 MB", "12 Seiten", "900 Bytes", "1 Seite"):
        assert text in german
    assert "1.2 MB" not in german
    with translation.override("en"):
        url = reverse("reports:list")
    english = visible_text(get(client, url).content.decode())
    for text in ("1.2 MB", "12 pages", "900 bytes", "1 page"):
        assert text in english
    assert "1,2 MB" not in english


# ------------------------------------------------------------------ admin


def test_admin_is_german_with_both_languages_of_a_field_one_above_the_other(admin_client, archive):
    project = Project.objects.get(code="")  # with funders, roles and an interview
    url = reverse("admin:projects_project_change", args=[project.pk])
    assert url.startswith("/de/")
    page = admin_client.get(url).content.decode()
    assert '<html lang="de"' in page
    assert "Sichern" in page  # Django's German "Save"
    assert "tabbed_translation_fields" not in page  # no tabs hiding a language
    for name in ("title", "subtitle", "description"):
        for language in LANGUAGES:
            assert f'name="{name}_{language}"' in page, (name, language)
        # Each labelled with its language, the field marked with it.
        assert re.search(rf'<label[^>]*for="id_{name}_de"[^>]*>[^<]+ \(Deutsch\):', page), name
        assert re.search(rf'<label[^>]*for="id_{name}_en"[^>]*>[^<]+ \(Englisch\):', page), name
        assert re.search(rf'<[^>]*name="{name}_en"[^>]*lang="en"', page) or re.search(
            rf'<[^>]*lang="en"[^>]*name="{name}_en"', page
        ), name
    # The inlines' translated fields too: funders, roles, interviews, links.
    for field in (
        "fundings-0-name_as_listed",
        "fundings-0-short_name_as_listed",
        "roles-0-affiliation_as_listed",
        "interviews-0-headline",
        "interviews-0-teaser",
    ):
        for language in LANGUAGES:
            assert f'name="{field}_{language}"' in page, (field, language)


@pytest.mark.parametrize(
    "model", [Organisation, Person, RoleKind, ReportSeries, Interview], ids=lambda m: m.__name__
)
def test_other_content_admins_show_both_languages_labelled(admin_client, archive, model):
    model_admin = admin.site.get_model_admin(model)
    assert "tabbed_translation_fields.js" not in str(model_admin.media)
    obj = model.objects.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    page = admin_client.get(url).content.decode()
    assert re.search(r'<label[^>]*for="id_\w+_de"[^>]*>[^<]+ \(Deutsch\):', page)
    assert re.search(r'<label[^>]*for="id_\w+_en"[^>]*>[^<]+ \(Englisch\):', page)
    assert 'lang="en"' in page


def test_fallback_marking_on_the_funders_index_and_statutory_pages(client, archive):
    from django.core.management import call_command

    from pages.models import Page
    from projects.models import Organisation

    call_command("loaddata", "pages", verbosity=0)
    Organisation.objects.filter(slug="bwi").update(name_en="")
    page = Page.objects.first()
    Page.objects.filter(pk=page.pk).update(title_en="", body_en="")
    with translation.override("en"):
        funders = reverse("projects:organisations")
        page_url = page.get_absolute_url()
    name = html.escape(Organisation.objects.get(slug="bwi").name_de, quote=False)
    assert f'<span lang="de">{name}</span>' in get(client, funders).content.decode()
    legal = get(client, page_url).content.decode()
    assert f'<h1><span lang="de">{html.escape(page.title_de, quote=False)}</span></h1>' in legal
    assert '<div class="prose" lang="de">' in legal
