"""Errors reach someone: the request's id, the administrators' mail, JSON logs, Sentry.

A forced error (tests/error_urls.py) sends one mail with the request's id and without
secrets, writes the id to the log and shows it on the 500 page.
"""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.clusterspace.test_production import production_env, run_python

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET_POST_VALUE = "hunter2-Geheimes-Passwort"
SESSION_COOKIE_VALUE = "sessionvalue0123456789abcdefghij"
CSRF_COOKIE_VALUE = "csrfvalue0123456789abcdefghijklm"


def fail_once(request_id="ci-fehler-0001", **headers):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = SESSION_COOKIE_VALUE
    client.cookies["csrftoken"] = CSRF_COOKIE_VALUE
    return client.post(
        "/fehler",
        {"username": "redaktion", "password": SECRET_POST_VALUE},
        headers={"X-Request-ID": request_id, **headers},
    )


@pytest.fixture
def console_log():
    """What the configured console handler (settings.LOGGING) writes, as text."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_sends_one_mail_with_the_id_and_no_secrets(settings, mailoutbox):
    settings.ADMINS = [("Betrieb", "betrieb@example.org")]
    response = fail_once()

    assert response.status_code == 500
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["betrieb@example.org"]
    assert mail.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)
    assert "Internal Server Error: /fehler" in mail.subject
    assert "[ci-fehler-0001]" in mail.body
    assert "RuntimeError" in mail.body and "Absichtlicher Fehler" in mail.body
    # The request is described, its secrets are not.
    assert "password = " in mail.body and "username = " in mail.body
    for secret in (
        django_settings.SECRET_KEY,
        SECRET_POST_VALUE,
        "redaktion",
        SESSION_COOKIE_VALUE,
        CSRF_COOKIE_VALUE,
    ):
        assert secret not in mail.body
    assert mail.alternatives == []  # no HTML report with the frames' local variables


@pytest.mark.urls("tests.error_urls")
def test_no_mail_without_admins(settings, mailoutbox):
    settings.ADMINS = []
    assert fail_once().status_code == 500
    assert mailoutbox == []


@pytest.mark.urls("tests.error_urls")
def test_the_error_page_and_the_log_name_the_request_id(console_log):
    response = fail_once("ci-fehler-0002")

    assert response.status_code == 500
    assert response["X-Request-ID"] == "ci-fehler-0002"
    page = response.content.decode()
    assert "Fehlernummer: <code>ci-fehler-0002</code>" in page
    assert "Error reference: <code>ci-fehler-0002</code>" in page
    assert "Absichtlicher Fehler" not in page
    lines = [line for line in console_log.getvalue().splitlines() if "[ci-fehler-0002]" in line]
    assert any("ERROR django.request" in line and "/fehler" in line for line in lines)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    ["", "<script>alert(1)</script>", "x" * 129, "id mit leerzeichen", "zeile\r\numbruch"],
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent} if sent else {})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert response["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


@pytest.mark.django_db
def test_a_safe_request_id_from_the_proxy_is_kept(client):
    nginx_id = "5b1e0f3c9a7d4e2b8c6a1f0e9d8c7b6a"
    assert client.get("/healthz", headers={"X-Request-ID": nginx_id})["X-Request-ID"] == nginx_id
    assert client.get("/de/", headers={"X-Request-ID": "a.b-c_d"})["X-Request-ID"] == "a.b-c_d"


JSON_ERROR = """
    import django; django.setup()
    from django.test import Client, override_settings
    with override_settings(ROOT_URLCONF="tests.error_urls"):
        response = Client(raise_request_exception=False).post(
            "/fehler", headers={"X-Request-ID": "json-fehler-0001"},
            HTTP_HOST="projektarchiv.example.org", secure=True,
        )
    print(response.status_code)
"""


def test_log_format_json_writes_one_object_per_line_with_the_id(tmp_path):
    result = run_python(JSON_ERROR, production_env(tmp_path, LOG_FORMAT="json"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["500"]
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    errors = [entry for entry in entries if entry["logger"] == "django.request"]
    assert len(errors) == 1
    assert errors[0]["level"] == "ERROR"
    assert errors[0]["request_id"] == "json-fehler-0001"
    assert errors[0]["status_code"] == 500
    assert "RuntimeError: Absichtlicher Fehler" in errors[0]["exception"]


def test_plain_logs_by_default_and_a_wrong_log_format_stops_the_start(tmp_path):
    result = run_python(JSON_ERROR, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "ERROR django.request [json-fehler-0001] Internal Server Error: /fehler" in result.stderr

    result = run_python(JSON_ERROR, production_env(tmp_path, LOG_FORMAT="xml"))
    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr.splitlines()[-1]


SHOW_MAIL_SETTINGS = """
    import django; django.setup()
    from django.conf import settings
    print(settings.ADMINS)
    print(settings.SERVER_EMAIL, settings.EMAIL_HOST, settings.EMAIL_PORT,
          settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS)
"""


def test_admins_and_the_mail_server_come_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_ADMINS="Betrieb <betrieb@example.org>, it@example.org",
        DJANGO_SERVER_EMAIL="projektarchiv@example.org",
        EMAIL_URL="smtp+tls://mailer%40example.org:p%40ss@mail.example.org:587",
    )
    result = run_python(SHOW_MAIL_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    admins, server = result.stdout.splitlines()
    assert admins == "[('Betrieb', 'betrieb@example.org'), ('it@example.org', 'it@example.org')]"
    assert server.split() == [
        "projektarchiv@example.org",
        "mail.example.org",
        "587",
        "mailer@example.org",
        "p@ss",
        "True",
    ]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DJANGO_ADMINS": "betrieb@example.org"}, "DJANGO_SERVER_EMAIL"),
        ({"DJANGO_ADMINS": "keine-adresse", "DJANGO_SERVER_EMAIL": "a@b.org"}, "DJANGO_ADMINS"),
        ({"EMAIL_URL": "carrier-pigeon://host"}, "EMAIL_URL"),
    ],
)
def test_wrong_mail_settings_stop_the_start_with_the_variable_named(tmp_path, overrides, named):
    result = run_python(SHOW_MAIL_SETTINGS, production_env(tmp_path, **overrides))
    assert result.returncode != 0
    assert named in result.stderr.splitlines()[-1]


SHOW_SENTRY = """
    import sys, django; django.setup()
    if "sentry_sdk" not in sys.modules:
        print("off")
    else:
        import sentry_sdk
        from clusterspace.logs import current_request_id
        options = sentry_sdk.get_client().options
        current_request_id.set("sentry-0001")
        event = options["before_send"]({"message": "x"}, {})
        print(options["send_default_pii"], options["max_request_body_size"],
              options["environment"], options["release"], event["tags"]["request_id"])
"""


def test_sentry_only_with_a_dsn_without_personal_data_and_with_release_and_environment(
    tmp_path,
):
    result = run_python(SHOW_SENTRY, production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["off"]

    # A DSN on this machine's loopback address, where nothing listens: nothing is sent.
    env = production_env(
        tmp_path,
        SENTRY_DSN="http://public@127.0.0.1:9/1",
        SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="clusterspace@abc1234",
    )
    result = run_python(SHOW_SENTRY, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "never",
        "staging",
        "clusterspace@abc1234",
        "sentry-0001",
    ]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(False)
def test_gunicorns_access_log_has_the_request_id_and_json_lines(tmp_path):
    """gunicorn with LOG_FORMAT=json: every line it writes is a JSON object, and the access
    line of a request carries the id the app answered with."""
    port = _free_port()
    env = production_env(
        tmp_path,
        DJANGO_DEBUG="1",  # spares the test collectstatic; the logging is the same
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        LOG_FORMAT="json",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={"X-Request-ID": "gunicorn-zugriff-0001"},
                )
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.headers["X-Request-ID"] == "gunicorn-zugriff-0001"
                break
            except urllib.error.URLError as error:  # not listening yet; an HTTP error fails
                assert not isinstance(error, urllib.error.HTTPError), error
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert any(
        '"GET /healthz HTTP/1.1" 200' in entry["message"]
        and entry["message"].endswith(" gunicorn-zugriff-0001")
        for entry in access
    ), entries
    assert any(entry["logger"] == "gunicorn.error" for entry in entries)


def test_the_example_environment_lists_the_new_variables():
    example = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    for name in ("DJANGO_ADMINS", "DJANGO_SERVER_EMAIL", "EMAIL_URL", "SENTRY_DSN", "LOG_FORMAT"):
        assert re.search(rf"^#?{name}=", example, re.M), name
    assert os.path.exists(BASE_DIR / "requirements" / "base.txt")


@pytest.mark.django_db
def test_a_wrong_host_is_logged_but_not_mailed(settings, mailoutbox, console_log):
    settings.ADMINS = [("Betrieb", "betrieb@example.org")]
    response = Client().get("/de/", headers={"Host": "angreifer.example.com"})
    assert response.status_code == 400
    assert mailoutbox == []
    assert "ERROR django.security.DisallowedHost [" in console_log.getvalue()
