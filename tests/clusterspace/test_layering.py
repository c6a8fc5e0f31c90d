"""The layering docs/architecture.md describes, checked on the code itself.

Every app has its floor: core, the content apps, the feature apps, the website that
composes them, and the configuration package on top. A package imports only those
below it, and projects does not use the relations that people and reports add to its
models: pages and admin screens that show them are composed above it.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)

# Every first-party package, from the bottom floor up; each may import those before it.
ORDER = [
    "core",
    "projects",
    "people",
    "reports",
    "pages",
    "pagecache",
    "search",
    "linkchecks",
    "opendata",
    "editors",
    "siteexport",
    "backups",
    "website",
    "clusterspace",
]
MAY_IMPORT = {package: set(ORDER[:position]) for position, package in enumerate(ORDER)}


def test_the_order_names_every_app_and_follows_the_settings():
    # The project's own apps are the folders at its top with an apps.py.
    first_party = [
        config.name for config in apps.get_app_configs() if Path(config.path).parent == BASE
    ]
    assert first_party == ORDER
    assert sorted(ORDER) == sorted(path.parent.name for path in BASE.glob("*/apps.py"))


def python_files(package):
    return sorted((BASE / package).rglob("*.py"))


def imported_packages(path):
    """The top-level packages a module imports (absolute imports only)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_an_app_imports_only_the_apps_below_it(package):
    others = set(MAY_IMPORT) - {package}
    wrong = {}
    for path in python_files(package):
        forbidden = (imported_packages(path) & others) - MAY_IMPORT[package]
        if forbidden:
            wrong[str(path.relative_to(BASE))] = sorted(forbidden)
    assert wrong == {}


def test_the_checks_see_what_they_look_for(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import reports.models\nfrom people import admin\nfrom . import views\n")
    assert imported_packages(module) == {"reports", "people"}
    module.write_text(
        '"""Roles: reached through project.roles."""\n'
        "rows = project.interviews.all()\n"
        'qs = Project.objects.filter(roles__person__slug="x")\n'
        'field = Project._meta.get_field("reports")\n'
    )
    assert {"interviews", "roles", "reports"} <= names_used(module)
    assert "Roles: reached through project.roles." not in names_used(module)


def relations_added_by_other_apps(app_label):
    """The names of the reverse relations other apps add to ``app_label``'s models."""
    names = set()
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.get_fields():
            reverse = field.auto_created and not field.concrete
            if reverse and field.related_model._meta.app_label != app_label:
                names.add(field.name)
    return names


def names_used(path):
    """Attribute names and string constants (lookups such as "roles__person") in code,
    leaving out docstrings."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                used.add(node.value.split("__")[0])
        elif isinstance(node, ast.keyword) and node.arg:
            used.add(node.arg.split("__")[0])
    return used


def test_projects_does_not_reach_into_the_apps_that_build_on_it():
    added = relations_added_by_other_apps("projects")
    assert {"roles", "reports", "interviews"} <= added  # the check knows what to look for
    reaching = {}
    for path in python_files("projects"):
        name = str(path.relative_to(BASE))
        if "migrations" in path.parts:
            continue
        used = names_used(path) & added
        if used:
            reaching[name] = sorted(used)
    assert reaching == {}
