"""Site-wide checks in the spirit of djangoproject.com: every page, both languages."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport

pytestmark = pytest.mark.django_db


def public_urls():
    """Every public page of the archive, in the active language."""
    urls = [reverse("projects:index"), reverse("people:index"), reverse("reports:list")]
    urls += [project.get_absolute_url() for project in Project.objects.published()]
    urls += [person.get_absolute_url() for person in Person.objects.public()]
    urls += [organisation.get_absolute_url() for organisation in Organisation.objects.all()]
    urls += [report.get_absolute_url() for report in AnnualReport.objects.published()]
    return urls


def urls_in(language):
    with translation.override(language):
        return public_urls()


def h1_count(html):
    return len(re.findall(r"<h1[\s>]", html))


def test_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration:\n{out.getvalue()}")


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_answers_in_both_languages(client, archive, language):
    urls = urls_in(language)
    assert len(urls) > 20
    for url in urls:
        assert url.startswith(f"/{language}/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert h1_count(html) == 1, f"{url} has {h1_count(html)} <h1>"
        assert f'<html lang="{language}"' in html, url
        assert 'href="#main-content"' in html and 'id="main-content"' in html, url


def test_english_urls_are_translated(archive):
    with translation.override("en"):
        assert reverse("people:index") == "/en/people/"
        assert reverse("reports:list") == "/en/annual-reports/"
        project = Project.objects.get(code="P04")
        assert project.get_absolute_url().startswith("/en/projects/")


def test_root_sends_visitors_to_their_language(client, db):
    assert client.get("/").headers["Location"] == "/de/"
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert english.headers["Location"] == "/en/"


@pytest.mark.parametrize(
    "url",
    [
        "/de/projekte/gibt-es-nicht/",
        "/de/personen/niemand/",
        "/de/jahresberichte/keine-reihe/2022/",
        "/de/jahresberichte/keine-reihe-2022.pdf",
        "/de/jahresberichte/jahresbericht-hamburger-cluster-99999999999999999999.pdf",
        "/de/jahresberichte/jahresbericht-hamburger-cluster/70000/",
        "/de/projekte/%3Cscript%3E/",
        "/de/gibt-es-nicht/",
    ],
)
def test_wrong_urls_get_a_german_404_page(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html
    assert "<script>" not in html


def test_hostile_query_strings_change_nothing(client, archive):
    before = Project.objects.count()
    for query in ("?page=-1", "?q=%00", "?" + "a=" * 500, "?x=<script>alert(1)</script>"):
        response = client.get(reverse("projects:index") + query)
        assert response.status_code == 200
        assert b"<script>alert(1)</script>" not in response.content
    assert Project.objects.count() == before
