"""A database of the release before the move migrates forward and back (issue 19).

The release before December 2026 (commit 6549e24) kept the site's own models in the
configuration package: clusterspace.Page, OpenDataLicence, ContentVersion and LinkCheck.
Their apps (pages, opendata, pagecache, linkchecks) adopt the tables with every row;
content types, permissions, the admin's log and the version history follow. The test
migrates the test database back to that release, fills it as the old code would have
(through the historical models), migrates forward, back and forward again: it ends
migrated to the newest state, as the tests after it expect, even when it fails.
"""

import json
import os
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from linkchecks.models import LinkCheck
from opendata.models import OpenDataLicence
from pagecache.models import ContentVersion
from pages.models import Page, SiteIdentity
from reports.models import AnnualReport
from search.models import SearchEntry

# The leaf migrations of the release before the move (``git show 6549e24:<app>/migrations/``).
OLD_RELEASE = {
    "core": "0002_old_slugs",
    "projects": "0005_list_indexes",
    "people": "0004_list_indexes",
    "reports": "0004_list_index",
    "clusterspace": "0007_linkcheck",
}
# The apps that came with the move: not migrated at all in the old release.
NEW_APPS = ("pages", "pagecache", "search", "linkchecks", "opendata")
# Each moved model (clusterspace.<name> in the old release) → its app and model now.
MOVED = {
    "page": ("pages", Page),
    "opendatalicence": ("opendata", OpenDataLicence),
    "contentversion": ("pagecache", ContentVersion),
    "linkcheck": ("linkchecks", LinkCheck),
}
EDITOR_PERMISSIONS = {
    "pages": ["add_page", "change_page", "delete_page", "view_page"],
    "opendata": ["add_opendatalicence", "change_opendatalicence", "view_opendatalicence"],
    "linkchecks": ["change_linkcheck", "view_linkcheck"],
}
REPORT_FILE = "jahresberichte/jahresbericht-testreihe-2022.pdf"
REPORT_BYTES = b"%PDF-1.4\n% Testdatei: bleibt beim Migrieren unberuehrt\n%%EOF\n"
WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def old_targets():
    """Every app's leaf migration in the old release; the new apps unapplied."""
    targets = []
    for app_label, name in MigrationExecutor(connection).loader.graph.leaf_nodes():
        if app_label in NEW_APPS:
            targets.append((app_label, None))
        else:
            targets.append((app_label, OLD_RELEASE.get(app_label, name)))
    return targets


def migrate(targets):
    """Migrate the test database to ``targets``; the state it is in then. (The executor's
    own answer, after a plan that unapplies migrations of several apps, can hold models
    of the apps unapplied last: the state is read off the graph at the targets instead.)"""
    MigrationExecutor(connection).migrate(targets)
    nodes = [target for target in targets if target[1] is not None]
    return MigrationExecutor(connection).loader.project_state(nodes, at_end=True)


def migrate_to_newest():
    state = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    # Content types keep their ids while their labels move; the cache is cleared anyway,
    # so that no test after this one sees a label read while the database was old.
    ContentType.objects.clear_cache()
    return state


def rows(model):
    """A table's rows as stored, read through a historical model: no translation field
    rewritten to the active language, as modeltranslation does on the site's models."""
    return list(model.objects.order_by("pk").values())


def fill_old_release(apps):
    """What the old release's code would have written: a statutory page, the open-data
    licence, the content version, a link check, the page's search entry, a project with
    an annual report and its PDF, an editor in the editor group, a version of the page
    and of the licence, and an admin log entry of the page. Returns the ids the checks
    need."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    Revision = apps.get_model("reversion", "Revision")
    OldVersion = apps.get_model("reversion", "Version")
    OldLogEntry = apps.get_model("admin", "LogEntry")

    page = apps.get_model("clusterspace", "Page").objects.create(
        slug="impressum",
        title="Impressum",
        title_de="Impressum",
        title_en="Legal notice",
        body="Herausgeberin ist die Professur für Organisationstheorie.",
        body_de="Herausgeberin ist die Professur für Organisationstheorie.",
        body_en="Published by the chair of organisation theory.",
    )
    licence = apps.get_model("clusterspace", "OpenDataLicence").objects.create(
        name="CC BY 4.0",
        url="https://creativecommons.org/licenses/by/4.0/",
        attribution="Quelle: Projektarchiv der Professur für Organisationstheorie",
        attribution_de="Quelle: Projektarchiv der Professur für Organisationstheorie",
        attribution_en="Source: project archive of the chair of organisation theory",
    )
    apps.get_model("clusterspace", "ContentVersion").objects.create(
        pk=1, version=41, changed_at=WHEN
    )
    # The old search index, which the search app replaces by its own (clusterspace 0008).
    apps.get_model("clusterspace", "SearchEntry").objects.create(
        kind="page",
        object_id=page.pk,
        url_name="pages:impressum",
        title_de="Impressum",
        title_en="Legal notice",
        title_key_de="impressum",
        title_key_en="legal notice",
        folded="impressum legal notice",
    )
    apps.get_model("clusterspace", "LinkCheck").objects.create(
        url="https://example.org/alt",
        state="moved",
        status=301,
        redirects=[{"status": 301, "url": "https://example.org/neu"}],
        new_url="https://example.org/neu",
        checked_at=WHEN,
        last_ok=WHEN,
    )

    # Content rows with bulk_create, which sends no post_save: today's page cache counts
    # every save of a content app's model, in a table the old release does not have.
    Project = apps.get_model("projects", "Project")
    ReportSeries = apps.get_model("reports", "ReportSeries")
    AnnualReport = apps.get_model("reports", "AnnualReport")
    [project] = Project.objects.bulk_create(
        [
            Project(
                title="Testprojekt",
                title_de="Testprojekt",
                slug="testprojekt",
                description="Ein Projekt des Upgrade-Tests.",
                description_de="Ein Projekt des Upgrade-Tests.",
                start_year=2020,
                start_month=4,
                published=True,
            )
        ]
    )
    [series] = ReportSeries.objects.bulk_create(
        [ReportSeries(title="Testreihe", title_de="Testreihe", slug="testreihe")]
    )
    default_storage.save(REPORT_FILE, ContentFile(REPORT_BYTES))
    [report] = AnnualReport.objects.bulk_create(
        [
            AnnualReport(
                series=series,
                year=2022,
                file=REPORT_FILE,
                file_size=len(REPORT_BYTES),
                published=True,
            )
        ]
    )
    AnnualReport.projects.through.objects.bulk_create(
        [AnnualReport.projects.through(annualreport=report, project=project)]
    )

    # The old release's editor group: the content apps and the site's own models.
    page_type = ContentType.objects.get(app_label="clusterspace", model="page")
    group, _ = Group.objects.get_or_create(name="Redaktion")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["projects", "people", "reports"])
        | Permission.objects.filter(
            content_type__app_label="clusterspace",
            content_type__model__in=["page", "opendatalicence", "linkcheck"],
        )
    )
    assert group.permissions.filter(codename="change_page", content_type=page_type).exists()
    editor = User.objects.create(
        username="redakteurin", password=make_password("ein-gutes-Passwort-9"), is_staff=True
    )
    editor.groups.add(group)

    # django-reversion's versions, serialized as it does (serializers.serialize, JSON).
    versions = {}
    for obj, comment in ((page, "Impressum angelegt"), (licence, "Lizenz festgelegt")):
        revision = Revision.objects.create(date_created=WHEN, user=editor, comment=comment)
        versions[obj._meta.model_name] = OldVersion.objects.create(
            revision=revision,
            object_id=str(obj.pk),
            content_type=ContentType.objects.get_for_model(obj),
            db="default",
            format="json",
            serialized_data=serializers.serialize("json", [obj]),
            object_repr=str(obj.title if obj is page else obj.name),
        ).pk
    assert json.loads(OldVersion.objects.get(pk=versions["page"]).serialized_data)[0]["model"] == (
        "clusterspace.page"
    )

    OldLogEntry.objects.create(
        action_time=WHEN,
        user=editor,
        content_type=page_type,
        object_id=str(page.pk),
        object_repr="Impressum",
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Text"]}}]),
    )
    return {
        "page": page.pk,
        "editor": editor.pk,
        "group": group.pk,
        "report": report.pk,
        "versions": versions,
        "permissions": set(group.permissions.values_list("pk", flat=True)),
        "content_types": {
            model_name: ContentType.objects.get(app_label="clusterspace", model=model_name).pk
            for model_name in MOVED
        },
    }


def check_old_release(apps, ids, expected_rows):
    """The rows in the old tables under the old labels, versions serialized with them."""
    tables = set(connection.introspection.table_names())
    ContentType = apps.get_model("contenttypes", "ContentType")
    OldVersion = apps.get_model("reversion", "Version")
    for model_name, (new_app, _model) in MOVED.items():
        assert f"clusterspace_{model_name}" in tables
        assert f"{new_app}_{model_name}" not in tables
        assert rows(apps.get_model("clusterspace", model_name)) == expected_rows[model_name]
        content_type = ContentType.objects.get(pk=ids["content_types"][model_name])
        assert (content_type.app_label, content_type.model) == ("clusterspace", model_name)
    assert "clusterspace_searchentry" in tables and "search_searchentry" not in tables
    for model_name, version_id in ids["versions"].items():
        data = json.loads(OldVersion.objects.get(pk=version_id).serialized_data)
        assert data[0]["model"] == f"clusterspace.{model_name}"
    group = apps.get_model("auth", "Group").objects.get(pk=ids["group"])
    assert set(group.permissions.values_list("pk", flat=True)) == ids["permissions"]


def report_file_state():
    path = default_storage.path(REPORT_FILE)
    return default_storage.open(REPORT_FILE).read(), os.stat(path).st_mtime_ns


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_release_migrates_forward_and_back(media_root):
    try:
        old_apps = migrate(old_targets()).apps
        ids = fill_old_release(old_apps)
        old_rows = {name: rows(old_apps.get_model("clusterspace", name)) for name in MOVED}
        file_before = report_file_state()

        new_apps = migrate_to_newest().apps

        # Every row under its new model, with the same values; the tables renamed.
        tables = set(connection.introspection.table_names())
        for model_name, (new_app, model) in MOVED.items():
            assert model._meta.db_table == f"{new_app}_{model_name}"
            assert f"{new_app}_{model_name}" in tables
            assert f"clusterspace_{model_name}" not in tables
            assert rows(new_apps.get_model(new_app, model_name)) == old_rows[model_name]
            assert ContentType.objects.get_for_model(model).pk == ids["content_types"][model_name]
        assert not ContentType.objects.filter(
            app_label="clusterspace", model__in=list(MOVED)
        ).exists()
        assert "clusterspace_searchentry" not in tables and "search_searchentry" in tables

        # The editor keeps the same permissions, now named by the new apps.
        editor = get_user_model().objects.get(pk=ids["editor"])
        group = editor.groups.get()
        assert set(group.permissions.values_list("pk", flat=True)) == ids["permissions"]
        for app_label, codenames in EDITOR_PERMISSIONS.items():
            for codename in codenames:
                assert editor.has_perm(f"{app_label}.{codename}"), codename
        assert editor.has_perm("reports.change_annualreport")

        # The admin's log and the page's history point to the page in its new app.
        page = Page.objects.get(pk=ids["page"])
        change_url = reverse("admin:pages_page_change", args=[page.pk])
        entry = LogEntry.objects.get(object_id=str(page.pk))
        assert entry.get_admin_url() == change_url
        version = Version.objects.get_for_object(page).get()
        assert version.pk == ids["versions"]["page"]
        assert json.loads(version.serialized_data)[0]["model"] == "pages.page"
        assert version.field_dict["title_en"] == "Legal notice"
        licence = OpenDataLicence.objects.get()
        licence_version = Version.objects.get_for_object(licence).get()
        assert licence_version.field_dict["attribution_en"] == (
            "Source: project archive of the chair of organisation theory"
        )

        client = Client()
        client.force_login(editor)
        response = client.get(change_url)
        assert response.status_code == 200
        assert "Legal notice" in response.content.decode()
        history = client.get(reverse("admin:pages_page_history", args=[page.pk]))
        assert history.status_code == 200
        assert "Impressum angelegt" in history.content.decode()
        revision_url = reverse("admin:pages_page_revision", args=[page.pk, version.pk])
        assert revision_url in history.content.decode()
        assert client.get(revision_url).status_code == 200

        # An editor's later change, undone by restoring the kept version.
        Page.objects.filter(pk=page.pk).update(title_en="Imprint", body_en="Changed.")
        version.revision.revert()
        page.refresh_from_db()
        assert (page.title_en, page.body_en) == (
            "Legal notice",
            "Published by the chair of organisation theory.",
        )

        # The renamed table takes new rows, numbered after the old ones.
        added = Page.objects.create(
            slug="datenschutz", title_de="Datenschutzerklärung", body_de="Neu angelegt."
        )
        assert added.pk > page.pk

        # The report with its project, and its file: the same name, bytes and time.
        report = AnnualReport.objects.get(pk=ids["report"])
        assert report.projects.get().slug == "testprojekt"
        assert report.file.name == REPORT_FILE
        assert report_file_state() == file_before

        # Back to the old release: the rows in the old tables under the old labels.
        new_rows = {name: rows(new_apps.get_model(app, name)) for name, (app, _m) in MOVED.items()}
        old_apps = migrate(old_targets()).apps
        check_old_release(old_apps, ids, new_rows)
        assert report_file_state() == file_before
    finally:
        # Forward again: the tests after this one need the newest state.
        migrate_to_newest()
    # What the migrate command does after the migrations: the source page's identity and
    # a search index for the content there is, both new in this release.
    call_command("migrate", verbosity=0)
    assert SiteIdentity.current().name_de == "Projektarchiv"
    assert SearchEntry.objects.filter(kind="page", object_id=ids["page"]).exists()
    assert Page.objects.get(slug="impressum").title_en == "Legal notice"
