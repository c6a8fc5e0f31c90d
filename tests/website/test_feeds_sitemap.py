"""Atom feeds per language, sitemap.xml with hreflang alternates, robots.txt."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def feed(client, language):
    with translation.override(language):
        url = reverse("website:feed")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_feed_address_names_its_type_and_the_old_one_redirects(client, archive, language):
    with translation.override(language):
        url = reverse("website:feed")
    assert url == f"/{language}/feed.xml"
    response = client.get(f"/{language}/feed/")
    assert response.status_code == 301
    assert response["Location"] == url


@pytest.mark.parametrize("language", ["de", "en"])
def test_feed_lists_projects_and_reports_in_its_language(client, archive, language):
    root = feed(client, language)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 5 + 5
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert all(f"/{language}/" in link for link in links)
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    expected = "Co-Learning Space für Hamburger Cluster" if language == "de" else "Co-Learning"
    assert any(expected in title for title in titles)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == language


def test_feed_is_newest_first(client, archive):
    project = Project.objects.get(code="P01")
    project.save()  # changed just now
    first = feed(client, "de").find(f"{ATOM}entry")
    assert project.title in first.findtext(f"{ATOM}title")


def test_every_page_announces_its_languages_feed(client, archive):
    for language in ("de", "en"):
        with translation.override(language):
            url, feed_url = reverse("people:index"), reverse("website:feed")
        html = client.get(url).content.decode()
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed_url}"' in html


def sitemap_urls(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SITEMAP}url")
    }


def test_sitemap_has_every_public_page_in_both_languages_with_alternates(client, archive):
    urls = sitemap_urls(client)
    objects = [
        *Project.objects.published(),
        *Person.objects.public(),
        *Organisation.objects.with_public_projects(),
        *AnnualReport.objects.published(),
    ]
    for obj in objects:
        for language in ("de", "en"):
            with translation.override(language):
                loc = f"http://testserver{obj.get_absolute_url()}"
            assert loc in urls, loc
            alternates = urls[loc]
            assert set(alternates) == {"de", "en", "x-default"}
            assert alternates["x-default"] == alternates["de"]
    for name in ("projects:index", "projects:list", "people:index", "opendata:page"):
        with translation.override("en"):
            assert f"http://testserver{reverse(name)}" in urls


def test_sitemap_leaves_out_search_and_filters(client, archive):
    urls = sitemap_urls(client)
    assert not [url for url in urls if "?" in url or "/suche/" in url or "/search/" in url]


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert f"Disallow: {reverse('search:search')}" in text
