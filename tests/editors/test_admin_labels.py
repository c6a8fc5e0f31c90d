"""Every admin page speaks the editors' language, in German and in English.

Walks the start page, each list, add form and change form (with its inlines) the admin
offers, as a superuser and as an editor, and fails on a name from the code: a model's
class name ("AnnualReport", "annualreport", "AnnualReport_projects"), an app's label or
a package's own name for an app ("Axes", "Authentifizierung und Autorisierung"), or
Django's "… object (N)" for an entry without a name.
"""

import html
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from editors.group import EDITOR_GROUP
from editors.sites import SECTIONS
from linkchecks.models import LinkCheck
from opendata.models import OpenDataLicence

pytestmark = pytest.mark.django_db

# App labels that are words of their own (an English page may say "Projects").
WORDS = {
    "projects",
    "people",
    "reports",
    "pages",
    "website",
    "search",
    "sessions",
    "editors",
    "core",
    "admin",
}
OBJECT_N = re.compile(r"\bobject \(\d+\)|\bObjekt \(\d+\)")
# Django's and django-axes' own names for their apps.
PACKAGE_APP_NAMES = [
    "Authentifizierung und Autorisierung",
    "Authentication and Authorization",
    "Axes",
]


def code_names():
    """Names from the code that no label may show: CamelCase class names and their
    lower-case model names, names with "_" (auto-created relations), app labels."""
    names = set()
    for model in apps.get_models(include_auto_created=True):
        object_name = model._meta.object_name
        if "_" in object_name or sum(char.isupper() for char in object_name) > 1:
            names.update({object_name, model._meta.model_name})
    for config in apps.get_app_configs():
        if config.label not in WORDS:
            names.add(config.label)
    return names


NAMES = code_names()
NAME_PATTERN = re.compile(
    r"(?<![\w/.#-])("
    + "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True))
    + r")(?![\w/.-])",
    re.IGNORECASE,
)


def visible_text(page):
    """The text a reader sees or hears: without scripts, styles, tags and addresses, but
    with the titles and labels of elements."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = re.findall(r'\s(?:title|aria-label|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *attributes]))


def problems(page):
    text = visible_text(page)
    found = [match.group(0) for match in OBJECT_N.finditer(text)]
    found += [match.group(0) for match in NAME_PATTERN.finditer(text)]
    found += [name for name in PACKAGE_APP_NAMES if re.search(rf"\b{name}\b", text)]
    return found


@pytest.fixture
def rows(archive, admin_user):
    """One entry of every model the admin lists, so that each change form is walked."""
    now = timezone.now()
    LinkCheck.objects.create(url="https://example.org/", state="working", checked_at=now)
    OpenDataLicence.objects.create()
    AccessAttempt.objects.create(
        username="jemand", ip_address="127.0.0.1", user_agent="Test", failures_since_start=1
    )
    AccessLog.objects.create(username="jemand", ip_address="127.0.0.1", user_agent="Test")
    AccessFailureLog.objects.create(
        username="jemand", ip_address="127.0.0.1", user_agent="Test", locked_out=False
    )


def editor_client():
    user = get_user_model().objects.create_user(
        "redaktion", "redaktion@example.org", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client = Client()
    client.force_login(user)
    return user, client


def pages_of(user, language):
    """The admin's addresses for ``user``: start page, every list, add and change form."""
    from django.contrib import admin

    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        sections = admin.site.get_app_list(request)
        addresses = [reverse("admin:index")]
        for section in sections:
            for entry in section["models"]:
                if entry["admin_url"]:
                    addresses.append(entry["admin_url"])
                if entry.get("add_url"):
                    addresses.append(entry["add_url"])
                first = entry["model"].objects.order_by("pk").first()
                model_admin = admin.site.get_model_admin(entry["model"])
                if first is not None and model_admin.has_view_permission(request, first):
                    opts = entry["model"]._meta
                    addresses.append(
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
                    )
    return sections, addresses


def walk(client, user, language):
    sections, addresses = pages_of(user, language)
    assert sections and len(addresses) > 5
    found = {}
    for address in addresses:
        response = client.get(address, follow=True)
        assert response.status_code == 200, address
        page = response.content.decode()
        assert f'lang="{language}"' in page, address
        if trouble := problems(page):
            found[address] = sorted(set(trouble))
    return addresses, found


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_admin_page_shows_a_name_from_the_code_to_a_superuser(
    admin_client, admin_user, rows, language
):
    addresses, found = walk(admin_client, admin_user, language)
    assert found == {}
    # Every registered model was walked: list, and change form of its first entry.
    assert len(addresses) >= 3 * sum(len(members) for _slug, _name, members in SECTIONS) - 12


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_admin_page_shows_a_name_from_the_code_to_an_editor(rows, language):
    user, client = editor_client()
    addresses, found = walk(client, user, language)
    assert found == {}
    # Editors see the content, the website and the checks; not the administration.
    assert not any("/auth/" in address or "/axes/" in address for address in addresses)
    assert any("/projects/project/" in address for address in addresses)


def test_the_check_finds_what_it_looks_for():
    assert problems("<td>AnnualReport_projects object (1)</td>") == [
        "object (1)",
        "AnnualReport_projects",
    ]
    assert problems('<th class="column-annualreport">Annualreport</th>') == ["Annualreport"]
    assert "Axes" in problems("<caption>Axes</caption>")
    assert problems('<a href="/de/admin/linkchecks/linkcheck/">Linkprüfungen</a>') == []
    assert problems("<h1>Projects</h1><p>Jahresberichte</p>") == []
