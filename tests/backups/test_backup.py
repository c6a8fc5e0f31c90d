"""backup_archive and restore_archive: the whole archive into one file and back."""

import io
import json
import re
import tarfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from backups.management.commands.backup_archive import backup_models
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
