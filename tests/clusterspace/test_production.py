"""The production path: settings from the environment, gunicorn, static and media files, healthz.

Settings are read once per process, so everything about starting with a given
environment runs in a subprocess with exactly that environment.
"""

import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET = "a-test-secret-key-that-is-long-enough-and-not-insecure-0123456789"


def production_env(tmp_path, **overrides):
    """A production environment (DEBUG off) with nothing inherited from the test run."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "AWS_", "CACHE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "clusterspace.settings",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "projektarchiv.example.org",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://projektarchiv.example.org",
            "DJANGO_TRUST_X_FORWARDED_PROTO": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
            "PYTHONWARNINGS": "ignore",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(code, env, timeout=120):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


SETUP = "import django; django.setup(); print('started')"


# --- Refusing to start ----------------------------------------------------------------


def test_production_settings_start(tmp_path):
    result = run_python(SETUP, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_debug_is_off_unless_switched_on(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = run_python(code, production_env(tmp_path, DJANGO_DEBUG=None))
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize("key", [None, "", "django-insecure-" + "x" * 40, "too-short"])
def test_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    result = run_python(SETUP, production_env(tmp_path, DJANGO_SECRET_KEY=key))
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(SECRET + "\n")
    env = production_env(tmp_path, DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(key_file))
    code = """
        import django; django.setup()
        from django.conf import settings
        print(settings.SECRET_KEY)
    """
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == SECRET

    missing = production_env(
        tmp_path, DJANGO_SECRET_KEY=None, DJANGO_SECRET_KEY_FILE=str(tmp_path / "nope")
    )
    result = run_python(SETUP, missing)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY_FILE" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "nonsense"),
        ("DATABASE_URL", "mysql-ish://db.example.org/archive"),
        ("DATABASE_URL", "postgres://user@db.example.org:notaport/archive"),
        ("DATABASE_URL", ""),
        ("DJANGO_ALLOWED_HOSTS", ""),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "projektarchiv.example.org"),
        ("DJANGO_DEBUG", "maybe"),
        ("DJANGO_SECURE_SSL_REDIRECT", "perhaps"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year"),
        ("DJANGO_TRUST_X_FORWARDED_PROTO", "https"),
        ("DJANGO_MEDIA_STORAGE", "ftp"),
        ("DJANGO_LOGIN_FAILURE_LIMIT", "five"),
        ("CACHE_URL", "nosuchcache://x"),
    ],
)
def test_a_wrong_value_stops_the_start_naming_the_variable(tmp_path, variable, value):
    result = run_python(SETUP, production_env(tmp_path, **{variable: value}))
    assert result.returncode != 0, f"{variable}={value!r} was accepted"
    assert "started" not in result.stdout
    assert f"{variable}:" in result.stderr.splitlines()[-1], result.stderr[-500:]


def test_postgres_urls_are_understood(tmp_path):
    env = production_env(
        tmp_path, DATABASE_URL="postgres://archiv:geheim@db.example.org:5433/archiv"
    )
    code = """
        import django; django.setup()
        from django.conf import settings
        db = settings.DATABASES["default"]
        print(db["ENGINE"], db["HOST"], db["PORT"], db["NAME"], db["CONN_HEALTH_CHECKS"])
    """
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.example.org",
        "5433",
        "archiv",
        "True",
    ]


def test_media_on_s3_is_an_opt_in(tmp_path):
    code = """
        import sys, django; django.setup()
        from django.conf import settings
        print(settings.STORAGES["default"]["BACKEND"], "storages" in sys.modules)
    """
    result = run_python(code, production_env(tmp_path))
    assert result.stdout.split() == ["django.core.files.storage.FileSystemStorage", "False"]

    s3 = production_env(
        tmp_path,
        DJANGO_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="clusterspace-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )
    result = run_python(code, s3)
    try:
        import storages  # noqa: F401
    except ImportError:
        assert result.returncode != 0
        assert "DJANGO_MEDIA_STORAGE=s3 needs django-storages" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[0] == "storages.backends.s3.S3Storage"

    no_bucket = production_env(tmp_path, DJANGO_MEDIA_STORAGE="s3")
    result = run_python(SETUP, no_bucket)
    assert result.returncode != 0
    assert "s3" in result.stderr.splitlines()[-1]


def test_check_deploy_reports_no_issues(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# --- gunicorn.conf.py -------------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, **env):
    for key in ("HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))


def test_gunicorn_conf_defaults(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["workers"] == (os.cpu_count() or 1) * 2 + 1
    assert conf["timeout"] == 30
    assert conf["accesslog"] == "-"
    assert conf["wsgi_app"] == "clusterspace.wsgi:application"


def test_gunicorn_conf_from_the_environment(monkeypatch):
    conf = load_gunicorn_conf(
        monkeypatch, PORT="8123", HOST="0.0.0.0", WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="60"
    )
    assert conf["bind"] == "0.0.0.0:8123"
    assert conf["workers"] == 3
    assert conf["timeout"] == 60


def test_gunicorn_conf_names_a_wrong_value(monkeypatch):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY"):
        load_gunicorn_conf(monkeypatch, WEB_CONCURRENCY="many")


# --- Static files -----------------------------------------------------------------------


def test_static_files_are_compressed_and_hashed_ones_cached_for_a_year(tmp_path):
    """collectstatic with the production storage, then WhiteNoise's answer for the CSS."""
    code = """
        import django; django.setup()
        from django.core.management import call_command
        from django.templatetags.static import static
        from django.test import Client

        call_command("collectstatic", interactive=False, verbosity=0)
        url = static("admin/js/vendor/jquery/jquery.min.js")
        client = Client()
        secure = {"secure": True, "HTTP_HOST": "projektarchiv.example.org"}
        brotli = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip", **secure)
        gzip = client.get(url, HTTP_ACCEPT_ENCODING="gzip", **secure)
        plain = client.get("/static/admin/js/vendor/jquery/jquery.min.js", **secure)
        print(url)
        print(brotli.status_code, brotli.headers.get("Content-Encoding"))
        print(brotli.headers["Cache-Control"])
        print(gzip.status_code, gzip.headers.get("Content-Encoding"))
        print(plain.status_code, plain.headers["Cache-Control"])
    """
    result = run_python(code, production_env(tmp_path), timeout=300)
    assert result.returncode == 0, result.stderr
    url, brotli, cache, gzip, plain = result.stdout.strip().splitlines()
    assert url.startswith("/static/admin/js/vendor/jquery/jquery.min.") and url.endswith(".js")
    assert url != "/static/admin/js/vendor/jquery/jquery.min.js"
    assert brotli == "200 br"
    assert cache == "public, max-age=31536000, immutable"
    assert gzip == "200 gzip"
    assert plain == "200 max-age=3600, public"


# --- /healthz ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_200_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response.headers["Cache-Control"]
    assert reverse("healthz") == "/healthz"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from clusterspace import views

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database: failed\n"
    assert b"connection refused" not in response.content


@pytest.mark.django_db
def test_healthz_writes_reads_and_deletes_a_probe_in_the_cache_and_the_media_storage(
    client, media_root
):
    from django.core.cache import cache
    from django.core.files.storage import default_storage

    saved, cached = [], []
    real_save, real_set = default_storage.save, cache.set

    def save(name, content, **kwargs):
        saved.append(real_save(name, content, **kwargs))
        return saved[-1]

    def set_(key, value, *args, **kwargs):
        cached.append(key)
        return real_set(key, value, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(default_storage, "save", save)
        patch.setattr(cache, "set", set_)
        response = client.get("/healthz")

    assert response.status_code == 200
    assert len(saved) == 1 and len(cached) == 1
    assert not default_storage.exists(saved[0])
    assert cache.get(cached[0]) is None
    assert list(media_root.iterdir()) == []  # nothing left behind, not even a folder


class _Broken(Exception):
    """What a broken part raises; its text must never reach the answer."""


def _raise(*args, **kwargs):
    raise _Broken(f"secret-host.example.org:6379 {BASE_DIR}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("part", "target", "attribute", "replacement"),
    [
        ("cache", "django.core.cache.cache", "set", _raise),
        ("cache", "django.core.cache.cache", "get", lambda *a, **k: None),  # keeps nothing
        ("media storage", "django.core.files.storage.default_storage", "save", _raise),
        ("media storage", "django.core.files.storage.default_storage", "open", _raise),
    ],
)
def test_healthz_answers_503_naming_the_part_that_failed(
    client, monkeypatch, media_root, part, target, attribute, replacement
):
    module, name = target.rsplit(".", 1)
    obj = getattr(__import__(module, fromlist=[name]), name)
    monkeypatch.setattr(obj, attribute, replacement)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == f"{part}: failed\n".encode()
    assert b"secret-host" not in response.content
    assert str(BASE_DIR).encode() not in response.content
    assert not media_root.exists() or list(media_root.iterdir()) == []


def test_healthz_is_exempt_from_the_ssl_redirect(tmp_path):
    code = """
        import django; django.setup()
        from django.test import Client
        client = Client(HTTP_HOST="projektarchiv.example.org")
        print(client.get("/healthz").status_code, client.get("/de/").status_code)
    """
    result = run_python(code, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "301"]


# --- Media ------------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def picture(media_root):
    path = media_root / "personen" / "portrait.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(PNG)
    (media_root / "jahresberichte").mkdir()
    (media_root / "jahresberichte" / "bericht.pdf").write_bytes(b"%PDF-1.4 unpublished")
    (media_root / ".hidden.png").write_bytes(PNG)
    return path


def test_media_view_serves_uploaded_pictures(client, picture):
    response = client.get("/media/personen/portrait.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    again = client.get(
        "/media/personen/portrait.png", HTTP_IF_MODIFIED_SINCE=response.headers["Last-Modified"]
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/media/personen/fehlt.png",
        "/media/personen/",
        "/media/personen",
        "/media/../tests/conftest.py",
        "/media/%2e%2e/%2e%2e/etc/passwd.png",
        "/media/personen/../../../etc/passwd.png",
        "/media//etc/passwd.png",
        "/media/personen/..%2f..%2fconftest.png",
        "/media/.hidden.png",
        "/media/jahresberichte/bericht.pdf",  # PDFs only through the reports' view
    ],
)
@pytest.mark.django_db  # the 404 page names the site's identity
def test_media_view_refuses_everything_else(client, picture, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["../outside.png", "/etc/hostname", "personen/../../outside.png", "link/outside.png"]
)
def test_file_responses_stay_inside_media_root(rf, picture, media_root, name):
    """What every view that hands out uploads relies on, whatever name it passes."""
    from django.core.files.storage import default_storage
    from django.http import Http404

    from core.responses import file_response

    outside = media_root.parent / "outside.png"
    outside.write_bytes(PNG)
    (media_root / "link").symlink_to(media_root.parent)  # a link out of MEDIA_ROOT
    with pytest.raises(Http404):
        file_response(rf.get("/"), default_storage, name)
    assert file_response(rf.get("/"), default_storage, "personen/portrait.png").status_code == 200


@pytest.mark.django_db  # the 404 page names the site's identity
def test_media_view_hands_over_to_nginx_with_x_accel_redirect(client, picture, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/_media/"
    response = client.get("/media/personen/portrait.png")
    assert response.status_code == 200
    assert response.headers["X-Accel-Redirect"] == "/_media/personen/portrait.png"
    assert response.headers["Content-Type"] == "image/png"
    assert response.content == b""
    assert client.get("/media/personen/fehlt.png").status_code == 404


@pytest.mark.django_db
def test_uploaded_originals_are_for_editors_only(client, admin_client, media_root):
    original = media_root / "personen" / "original" / "portrait.png"
    original.parent.mkdir(parents=True)
    original.write_bytes(PNG)
    assert client.get("/media/personen/original/portrait.png").status_code == 404
    assert admin_client.get("/media/personen/original/portrait.png").status_code == 200


def test_media_view_answers_like_the_report_download(client, picture):
    """One file response for pictures and PDFs (core.responses): ETag and byte ranges."""
    first = client.get("/media/personen/portrait.png")
    b"".join(first.streaming_content)
    assert (
        client.get(
            "/media/personen/portrait.png", headers={"If-None-Match": first["ETag"]}
        ).status_code
        == 304
    )
    part = client.get("/media/personen/portrait.png", headers={"Range": "bytes=0-7"})
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == PNG[:8]


@pytest.mark.django_db  # the 404 page names the site's identity
def test_media_view_refuses_a_folder_named_like_a_picture(client, picture, media_root):
    (media_root / "personen" / "ordner.png").mkdir()
    assert client.get("/media/personen/ordner.png").status_code == 404
    assert client.head("/media/personen/ordner.png").status_code == 404


def test_media_view_rejects_writes(client, picture):
    assert client.post("/media/personen/portrait.png").status_code == 405
