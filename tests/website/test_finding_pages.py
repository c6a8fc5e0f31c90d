"""The pages for finding things answer in both languages with one <h1> each."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PAGES = [
    ("projects:list", {}),
    ("projects:list", {"status": "abgeschlossen", "funder": "efre", "year": "2018"}),
    ("projects:organisations", {}),
    ("search:search", {}),
    ("search:search", {"q": "Cluster"}),
    ("search:search", {"q": "nichts-zu-finden"}),
    ("opendata:page", {}),
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(("name", "params"), PAGES)
def test_page_answers_in_its_language(client, archive, language, name, params):
    with translation.override(language):
        url = reverse(name)
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert f'<html lang="{language}"' in html
    assert 'id="main-content"' in html
    assert html.count('role="search"') >= 1


@pytest.mark.parametrize("language", ["de", "en"])
def test_english_and_german_addresses(archive, language):
    with translation.override(language):
        assert reverse("search:search").startswith(f"/{language}/")
        assert reverse("website:feed") == f"/{language}/feed.xml"
