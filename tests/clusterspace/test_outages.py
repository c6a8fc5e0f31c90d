"""Outages are no bugs: editors and visitors are told plainly, nothing is half done.

A database that is away is simulated with ``connection.execute_wrapper`` (every query,
or only the last one of a save, raises the OperationalError a stopped server gives); a
full upload disk with a storage that raises ``ENOSPC``. On PostgreSQL a real lock and
the statement timeout make the database slow. ``make faults`` rehearses the same on the
production stack.
"""

import errno
import os

import psycopg
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from clusterspace import views
from projects.models import Project
from reports.models import AnnualReport

from tests.clusterspace.test_production import (
    load_gunicorn_conf,
    production_env,
    run_python,
)
from tests.media_builders import files_under, pdf_bytes, pdf_upload

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's statement timeout"
)


def database_away(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def away_at_the_version_history(execute, sql, params, many, context):
    """The database goes at the end of a save: its rows and files are written, the
    version history (django-reversion, written last) is not."""
    if sql.lstrip().upper().startswith("INSERT") and "reversion_version" in sql:
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


def report_form(series, **extra):
    return {
        "series": series.pk,
        "year": 2022,
        "editor_notes": "",
        "published": "on",
        "file": pdf_upload(pdf_bytes(pages=2)),
        **extra,
    }


# -- Editors -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_save_while_the_database_is_away_is_refused_plainly(admin_user, archive):
    project = Project.objects.get(code="P04")
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = reverse("admin:projects_project_change", args=[project.pk])
    with connection.execute_wrapper(database_away):
        response = client.post(url, {"title_de": "Nie gespeichert"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert page.count("<h1>") == 1 and "<h1>Nicht gespeichert</h1>" in page
    assert "Ihre Änderungen wurden nicht gespeichert, auch nicht teilweise" in page
    assert "Zurück-Taste Ihres Browsers" in page
    assert "Traceback" not in page and "OperationalError" not in page
    project.refresh_from_db()
    assert project.title_de != "Nie gespeichert"


@pytest.mark.django_db
def test_signing_in_while_the_database_is_away_is_no_lost_save(archive):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_away):
        response = client.post(
            reverse("admin:login"), {"username": "redaktion", "password": "geheim"}
        )
    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>Die Redaktion ist gerade nicht erreichbar</h1>" in page
    assert "Nicht gespeichert" not in page


@pytest.mark.django_db
def test_the_admin_in_english_says_so_in_english(admin_user, archive):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    with connection.execute_wrapper(database_away):
        response = client.get("/en/admin/")
    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Editing is unavailable at the moment</h1>" in page


@pytest.mark.django_db(transaction=True)
def test_the_database_gone_in_the_middle_of_a_save_leaves_nothing_behind(
    admin_user, series, media_root
):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    add = reverse("admin:reports_annualreport_add")
    with connection.execute_wrapper(away_at_the_version_history):
        response = client.post(add, report_form(series))
    assert response.status_code == 503
    assert "Nicht gespeichert" in response.content.decode()
    assert AnnualReport.objects.count() == 0
    # The PDF and its covers were written before the database went; they went with it.
    assert files_under(media_root) == []

    # The same form, with the database there: saved, with its files.
    assert client.post(add, report_form(series)).status_code == 302
    report = AnnualReport.objects.get()
    assert files_under(media_root) == sorted(
        [report.file.name, report.cover_webp.name, report.cover_fallback.name]
    )


@pytest.mark.django_db
def test_a_full_upload_disk_is_refused_plainly(admin_user, series, media_root, monkeypatch):
    def full(name, content, max_length=None):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)

    monkeypatch.setattr(default_storage, "save", full)
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.post(reverse("admin:reports_annualreport_add"), report_form(series))
    assert response.status_code == 507
    assert "Retry-After" not in response
    page = response.content.decode()
    assert "<h1>Nicht gespeichert</h1>" in page
    assert "Der Speicherplatz für hochgeladene Dateien ist voll" in page
    assert AnnualReport.objects.count() == 0
    assert files_under(media_root) == []


# -- The handlers ----------------------------------------------------------------------------


def test_an_outage_met_outside_a_view_gets_the_outage_page_not_the_500(rf):
    request = rf.get("/de/projekte/")
    try:
        raise OperationalError("the server closed the connection")
    except OperationalError:
        response = views.server_error(request)
    assert response.status_code == 503
    assert "Das Archiv ist gerade nicht erreichbar" in response.content.decode()
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        assert views.server_error(request).status_code == 500


@pytest.mark.django_db
def test_the_outage_page_reads_nothing_from_the_database(rf, django_assert_num_queries):
    request = rf.post("/de/admin/projects/project/1/change/")
    with django_assert_num_queries(0):
        response = views.unavailable(request, OperationalError("gone"))
    assert response.status_code == 503


@pytest.mark.django_db
def test_an_outage_mails_nobody_while_a_bug_still_does(page_cache, archive, settings, mailoutbox):
    """A mail per visitor while the database is away would bury the admins: the
    monitoring asks /healthz. The 500 of a bug still mails (test_errors.py)."""
    settings.ADMINS = [("Betrieb", "betrieb@example.org")]
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_away):
        assert client.get(reverse("people:index")).status_code == 503
        assert client.get("/healthz").status_code == 503
    assert mailoutbox == []


# -- Settings ------------------------------------------------------------------------------


def test_the_statement_and_connect_timeouts_reach_postgresql(tmp_path):
    code = """
        import django; django.setup()
        from django.conf import settings
        options = settings.DATABASES["default"]["OPTIONS"]
        print(options.get("options"), "|", options["connect_timeout"])
    """
    url = "postgres://archiv@db.example.org/archiv"
    env = production_env(tmp_path, DATABASE_URL=url, DATABASE_STATEMENT_TIMEOUT="1500")
    result = run_python(code, env)
    assert result.stdout.strip() == "-c statement_timeout=1500 | 5", result.stderr
    env = production_env(tmp_path, DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="2")
    assert run_python(code, env).stdout.strip() == "None | 2"
    for name, value in (("DATABASE_STATEMENT_TIMEOUT", "-1"), ("DATABASE_CONNECT_TIMEOUT", "0")):
        result = run_python(code, production_env(tmp_path, DATABASE_URL=url, **{name: value}))
        assert result.returncode != 0
        assert f"{name}:" in result.stderr.splitlines()[-1]


def test_the_version_comes_from_the_cache_only_when_it_is_shared(tmp_path):
    code = """
        import django; django.setup()
        from django.conf import settings
        print(settings.PAGE_CACHE_VERSION_SECONDS, settings.PAGE_CACHE_STALE_DAYS)
    """
    assert run_python(code, production_env(tmp_path)).stdout.split() == ["0", "7"]
    shared = production_env(tmp_path, CACHE_URL="redis://127.0.0.1:6379/0")
    assert run_python(code, shared).stdout.split() == ["5", "7"]


def test_gunicorn_gives_the_web_workers_a_statement_timeout(monkeypatch):
    monkeypatch.delenv("DATABASE_STATEMENT_TIMEOUT", raising=False)
    assert load_gunicorn_conf(monkeypatch)["raw_env"] == ["DATABASE_STATEMENT_TIMEOUT=5000"]
    short = load_gunicorn_conf(monkeypatch, GUNICORN_TIMEOUT="6")
    assert short["raw_env"] == ["DATABASE_STATEMENT_TIMEOUT=2000"]
    # Set in the environment, it is the environment's (and every process's).
    assert load_gunicorn_conf(monkeypatch, DATABASE_STATEMENT_TIMEOUT="800")["raw_env"] == []


# -- A slow PostgreSQL ---------------------------------------------------------------------


def _postgres_env(tmp_path, **overrides):
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    return production_env(tmp_path, DATABASE_URL=url, **overrides)


@postgresql_only
@pytest.mark.django_db
def test_postgresql_cancels_a_statement_after_the_statement_timeout(tmp_path):
    code = """
        import django; django.setup()
        from django.db import OperationalError, connection
        from core.outages import database_unavailable
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(5)")
        except OperationalError as error:
            print("cancelled:", database_unavailable(error), error)
    """
    result = run_python(code, _postgres_env(tmp_path, DATABASE_STATEMENT_TIMEOUT="200"))
    assert "cancelled: True canceling statement due to statement timeout" in result.stdout, (
        result.stderr
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_locked_table_costs_a_visitor_a_stale_page_or_the_503_never_a_hang(page_cache):
    """Another session holds a lock on the projects' table (a migration, VACUUM FULL);
    every query that reads it waits until the statement timeout cancels it."""
    call_command("loaddata", "archive", verbosity=0)
    project = Project.objects.get(code="P04")
    url = project.get_absolute_url()
    client = Client(raise_request_exception=False)
    before = client.get(url)
    project.title_de = "Geändert"
    project.save()  # the page must be rendered again, and needs the table

    db = connection.settings_dict
    holder = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    try:
        holder.execute("LOCK TABLE projects_project IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 300")
        stale = client.get(url)
        never = client.get(reverse("projects:index") + "?neu=1")
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert stale.status_code == 200
    assert stale.content == before.content
    assert stale["Cache-Status"] == "clusterspace; hit; detail=stale"
    assert never.status_code == 503
    assert "Das Archiv ist gerade nicht erreichbar" in never.content.decode()
    assert "Geändert" in client.get(url).content.decode()  # the lock gone: at once
