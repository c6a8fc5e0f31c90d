"""Ready for the next Django: no transitional settings, https for bare web addresses.

The suite itself runs with Django's deprecation warnings as errors (pyproject.toml's
filterwarnings), so anything Django 6 removes fails it now.
"""

import tomllib
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_suite_turns_djangos_deprecation_warnings_into_errors():
    options = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    filters = options["tool"]["pytest"]["ini_options"]["filterwarnings"]
    assert "error::django.utils.deprecation.RemovedInDjango60Warning" in filters
    assert "error::django.utils.deprecation.RemovedInDjango61Warning" in filters
    assert not any("FORMS_URLFIELD_ASSUME_HTTPS" in entry for entry in filters)
    assert settings.FORMS_URLFIELD_ASSUME_HTTPS is False  # Django's default: not set


def admin_forms(user):
    """Every admin form (each registered model's and each inline's) as an editor sees it."""
    request = RequestFactory().get("/de/admin/")
    request.user = user
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        yield model._meta.label, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield (
                f"{model._meta.label} › {inline.model._meta.label}",
                inline.get_formset(request).form,
            )


@pytest.mark.django_db
def test_every_web_address_in_the_admin_reads_a_bare_host_as_https(admin_user):
    checked = []
    for label, form in admin_forms(admin_user):
        for name, field in form.base_fields.items():
            if isinstance(field, forms.URLField):
                checked.append(f"{label}.{name}")
                assert field.clean("www.example.org") == "https://www.example.org", label
                assert field.clean("http://example.org") == "http://example.org", label
    assert {
        "opendata.OpenDataLicence.url",
        "projects.Organisation.website",
        "projects.Organisation.ror_id",
        "projects.Project › projects.ProjectLink.url",
        "projects.Project › reports.Interview.url",
        "reports.Interview.url",
    } <= set(checked)
