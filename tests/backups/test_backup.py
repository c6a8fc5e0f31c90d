"""backup_archive and restore_archive: the whole archive into one file and back."""

import io
import json
import re
import tarfile
from io import StringIO

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation
from reversion.models import Version

from backups.management.commands.backup_archive import backup_models
from backups.moved import new_label, relabel
from editors.group import EDITOR_GROUP
from linkchecks.models import LinkCheck
from opendata.models import OpenDataLicence
from pagecache.models import ContentVersion
from pages.models import Page
from people.models import Person
from projects.models import Organisation, Project
from reports.models import AnnualReport


def public_urls():
    from django.urls import reverse

    urls = []
    for language in ("de", "en"):
        with translation.override(language):
            urls += [reverse("projects:index"), reverse("people:index"), reverse("reports:list")]
            urls += [p.get_absolute_url() for p in Project.objects.published()]
            urls += [p.get_absolute_url() for p in Person.objects.public()]
            urls += [o.get_absolute_url() for o in Organisation.objects.all()]
            urls += [r.get_absolute_url() for r in AnnualReport.objects.published()]
            urls += [r.get_download_url() for r in AnnualReport.objects.published()]
            # The search index is not in the backup: the restore writes it anew.
            urls += [f"{reverse('search:search')}?q={q}" for q in ("Wulfsberg", "Cluster")]
    return urls


def render(urls):
    client = Client()
    pages = {}
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        pages[url] = (response.status_code, body)
    return pages


def row_counts():
    return {model._meta.label: model._meta.base_manager.count() for model in backup_models()}


@pytest.fixture
def filled_archive(transactional_db, media_root):
    """The archive's content, its placeholder PDFs, an extra upload, an editor in a group."""
    call_command("load_archive", stdout=StringIO())
    default_storage.save("personen/test-bild.png", ContentFile(b"\x89PNG not really"))
    group = Group.objects.create(name="Test-Redaktion")
    group.permissions.add(*Permission.objects.filter(codename__endswith="_project"))
    editor = get_user_model().objects.create_user(
        "redakteur", password="ein-gutes-Passwort-9", is_staff=True
    )
    editor.groups.add(group)


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_page_and_file(filled_archive, media_root, tmp_path):
    urls = public_urls()
    assert len(urls) > 40
    before = render(urls)
    assert all(status == 200 for status, _ in before.values())
    counts = row_counts()
    files = {
        name: default_storage.open(name).read()
        for name in ("personen/test-bild.png", *AnnualReport.objects.values_list("file", flat=True))
    }

    target = tmp_path / "sicherung.tar.gz"
    out = StringIO()
    call_command("backup_archive", str(target), stdout=out)
    assert "Sicherung geschrieben" in out.getvalue()
    assert target.stat().st_mode & 0o077 == 0  # users' password hashes: owner only

    with tarfile.open(target) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "data.json" in names and "media/personen/test-bild.png" in names
    assert manifest["counts"] == counts

    # A new installation: empty database (migrated), empty media folder.
    call_command("flush", interactive=False, verbosity=0)
    for name in files:
        default_storage.delete(name)
    # What migrate itself creates stays: the editors' group.
    assert {label: n for label, n in row_counts().items() if n} == {"auth.Group": 1}

    out = StringIO()
    call_command("restore_archive", str(target), stdout=out)
    assert "wiederhergestellt" in out.getvalue()
    assert "Modellnamen angepasst" not in out.getvalue()  # a backup of today's labels

    assert row_counts() == counts
    assert render(urls) == before
    for name, content in files.items():
        assert default_storage.open(name).read() == content, name
    editor = get_user_model().objects.get(username="redakteur")
    assert editor.check_password("ein-gutes-Passwort-9")
    assert editor.has_perm("projects.change_project")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_content(filled_archive, tmp_path):
    target = tmp_path / "sicherung.tar.gz"
    call_command("backup_archive", str(target), stdout=StringIO())
    projects = Project.objects.count()
    with pytest.raises(CommandError, match="nicht leer"):
        call_command("restore_archive", str(target), stdout=StringIO())
    assert Project.objects.count() == projects


@pytest.mark.django_db(transaction=True)
def test_backup_never_overwrites_an_existing_file(filled_archive, tmp_path):
    target = tmp_path / "sicherung.tar.gz"
    target.write_bytes(b"older backup")
    with pytest.raises(CommandError, match="gibt es schon"):
        call_command("backup_archive", str(target), stdout=StringIO())
    assert target.read_bytes() == b"older backup"


@pytest.mark.django_db(transaction=True)
def test_backup_into_a_folder_names_the_file_by_the_time(filled_archive, tmp_path):
    """The nightly job (deploy/systemd/clusterspace-backup.service) names only a folder."""
    folder = tmp_path / "backups"
    folder.mkdir()
    call_command("backup_archive", str(folder), stdout=StringIO())
    written = list(folder.iterdir())
    assert len(written) == 1
    assert re.fullmatch(r"clusterspace-\d{8}-\d{6}\.tar\.gz", written[0].name)
    with tarfile.open(written[0]) as tar:
        assert {"manifest.json", "data.json"} <= set(tar.getnames())


MOVED = [Page, OpenDataLicence, ContentVersion, LinkCheck]


def old_label(label):
    """The label a backup made before the move gives a model: "clusterspace.Page" for
    "pages.Page"."""
    app_label, object_name = label.split(".")
    return f"{new_label(app_label, object_name.lower(), backwards=True)}.{object_name}"


def as_made_before_the_move(backup, target):
    """A copy of ``backup`` with the labels the models had before the move: in data.json
    and in the manifest's list of models, as backup_archive of that release wrote them."""
    with tarfile.open(backup) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "data.json":
                data = json.dumps(relabel(json.loads(data), backwards=True)).encode()
            elif member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["models"] = [old_label(label) for label in manifest["models"]]
                manifest["counts"] = {old_label(k): n for k, n in manifest["counts"].items()}
                data = json.dumps(manifest).encode()
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with tarfile.open(target) as tar:
        return json.load(tar.extractfile("data.json"))


def editor_group_permissions():
    permissions = Group.objects.get(name=EDITOR_GROUP).permissions
    return set(permissions.values_list("content_type__app_label", "codename"))


def versions_of(obj):
    return [(v.revision.comment, v.field_dict) for v in Version.objects.get_for_object(obj)]


@pytest.mark.django_db(transaction=True)
def test_restore_reads_a_backup_made_before_the_models_moved(filled_archive, tmp_path):
    editor = get_user_model().objects.get(username="redakteur")
    editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Impressum und Lizenz festgelegt")
        page = Page.objects.get(slug="impressum")
        page.title_en = "Legal notice"
        page.save()
        licence = OpenDataLicence.objects.create(
            name="CC BY 4.0",
            url="https://creativecommons.org/licenses/by/4.0/",
            attribution_de="Quelle: Projektarchiv der Professur für Organisationstheorie",
            attribution_en="Source: project archive of the chair of organisation theory",
        )
    LinkCheck.objects.create(
        url="https://example.org/alt",
        state=LinkCheck.State.MOVED,
        status=301,
        redirects=[{"status": 301, "url": "https://example.org/neu"}],
        new_url="https://example.org/neu",
        checked_at=page.updated_at,
    )
    counts = row_counts()
    rows = {model: serializers.serialize("json", model.objects.order_by("pk")) for model in MOVED}
    assert all(counts[model._meta.label] for model in MOVED)
    permissions = editor_group_permissions()
    assert {("pages", "change_page"), ("opendata", "change_opendatalicence")} <= permissions
    versions = {obj: versions_of(obj) for obj in (page, licence)}
    assert versions[page][0][1]["title_en"] == "Legal notice"

    backup = tmp_path / "sicherung.tar.gz"
    call_command("backup_archive", str(backup), stdout=StringIO())
    old = tmp_path / "sicherung-vor-dem-umzug.tar.gz"
    data = as_made_before_the_move(backup, old)
    # The copy names the models, permissions and versions as the old release did.
    labels = {entry["model"] for entry in data}
    assert {"clusterspace.page", "clusterspace.opendatalicence"} <= labels
    assert {"clusterspace.contentversion", "clusterspace.linkcheck"} <= labels
    assert not labels & {"pages.page", "opendata.opendatalicence", "linkchecks.linkcheck"}
    [group] = [
        e for e in data if e["model"] == "auth.group" and e["fields"]["name"] == EDITOR_GROUP
    ]
    assert ["change_page", "clusterspace", "page"] in group["fields"]["permissions"]
    [page_version] = [
        e
        for e in data
        if e["model"] == "reversion.version" and e["fields"]["content_type"][1] == "page"
    ]
    assert page_version["fields"]["content_type"] == ["clusterspace", "page"]
    assert json.loads(page_version["fields"]["serialized_data"])[0]["model"] == "clusterspace.page"

    call_command("flush", interactive=False, verbosity=0)
    out = StringIO()
    call_command("restore_archive", str(old), stdout=out)
    assert "Modellnamen angepasst" in out.getvalue()

    assert row_counts() == counts
    for model in MOVED:
        assert serializers.serialize("json", model.objects.order_by("pk")) == rows[model], model
    assert editor_group_permissions() == permissions
    editor = get_user_model().objects.get(username="redakteur")
    assert editor.has_perm("pages.change_page") and editor.has_perm("linkchecks.change_linkcheck")
    for obj, kept in versions.items():
        assert versions_of(obj) == kept
    # The restored tables take new rows, numbered after the restored ones.
    added = LinkCheck.objects.create(
        url="https://example.org/neu",
        state=LinkCheck.State.WORKING,
        status=200,
        checked_at=page.updated_at,
    )
    assert added.pk > max(LinkCheck.objects.exclude(pk=added.pk).values_list("pk", flat=True))
    # The kept version restores the page.
    Page.objects.filter(pk=page.pk).update(title_en="Imprint")
    Version.objects.get_for_object(page).first().revision.revert()
    assert Page.objects.get(pk=page.pk).title_en == "Legal notice"


def make_tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_foreign_or_hostile_files(tmp_path, media_root):
    manifest = json.dumps({"format": "clusterspace-backup", "version": 1, "counts": {}}).encode()
    hostile = tmp_path / "hostile.tar.gz"
    make_tar(
        hostile,
        {"manifest.json": manifest, "data.json": b"[]", "media/../../ausserhalb.txt": b"x"},
    )
    with pytest.raises(CommandError, match="Unzulässiger Dateiname"):
        call_command("restore_archive", str(hostile), stdout=StringIO())
    assert not (tmp_path / "ausserhalb.txt").exists()
    assert not (media_root.parent / "ausserhalb.txt").exists()

    foreign = tmp_path / "foreign.tar.gz"
    make_tar(foreign, {"data.json": b"[]"})
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore_archive", str(foreign), stdout=StringIO())

    not_a_backup = tmp_path / "kaputt.tar.gz"
    not_a_backup.write_bytes(b"no tar at all")
    with pytest.raises(CommandError, match="keine lesbare Sicherung"):
        call_command("restore_archive", str(not_a_backup), stdout=StringIO())
