"""Security headers, the admin's login throttling and CDN-free scripts, the error pages."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path, reverse

from clusterspace.urls import urlpatterns as site_urlpatterns
from projects.models import Project

from tests.clusterspace.test_production import SECRET, production_env, run_python

pytestmark = pytest.mark.django_db


# --- Headers ----------------------------------------------------------------------------


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_a_page_carries_the_security_headers(client, archive):
    response = client.get(reverse("projects:index"))
    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert csp[directive] == ["'self'"], directive
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_production_behind_the_proxy_redirects_and_sets_hsts_and_secure_cookies(tmp_path):
    """With the production environment: plain HTTP is redirected; HTTPS (as the proxy's
    X-Forwarded-Proto says) gets HSTS, and the admin's cookies are Secure, HttpOnly, Lax."""
    code = """
        import django; django.setup()
        from django.core.management import call_command
        from django.test import Client
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client(HTTP_HOST="projektarchiv.example.org")
        plain = client.get("/de/")
        print(plain.status_code, plain.headers["Location"])
        https = client.get("/de/", HTTP_X_FORWARDED_PROTO="https")
        print(https.status_code, https.headers["Strict-Transport-Security"])
        login = client.get("/de/admin/login/", HTTP_X_FORWARDED_PROTO="https")
        cookie = login.cookies["csrftoken"]
        flags = bool(cookie["secure"]), bool(cookie["httponly"]), cookie["samesite"]
        print(login.status_code, *flags)
        other = Client(HTTP_HOST="evil.example.com").get("/de/", HTTP_X_FORWARDED_PROTO="https")
        print(other.status_code)
    """
    result = run_python(code, production_env(tmp_path), timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "301 https://projektarchiv.example.org/de/"
    assert lines[1] == "200 max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "200 True True Lax"
    assert lines[3] == "400"


def test_session_cookie_is_secure_httponly_and_samesite_in_production(tmp_path):
    code = """
        import django; django.setup()
        from django.conf import settings
        print(settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
              settings.SESSION_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE,
              settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER[0])
    """
    result = run_python(code, production_env(tmp_path))
    assert result.stdout.split() == [
        "True",
        "True",
        "Lax",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
    ]


# --- No inline code, no CDN -------------------------------------------------------------

INLINE = [
    (
        # JSON and JSON-LD blocks are data that browsers never run: CSP does not apply.
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"),
        "inline script",
    ),
    (re.compile(r"<style[\s>]"), "style element"),
    (re.compile(r"\sstyle=\""), "style attribute"),
    (re.compile(r"\son[a-z]+=\""), "event handler attribute"),
    (re.compile(r"javascript:"), "javascript: URL"),
]


def inline_code(html):
    return [label for pattern, label in INLINE if pattern.search(html)]


def test_public_pages_have_no_inline_scripts_or_styles(client, archive):
    project = Project.objects.get(code="P04")
    for url in (
        reverse("projects:index"),
        project.get_absolute_url(),
        reverse("people:index"),
        reverse("reports:list"),
        "/de/gibt-es-nicht/",
    ):
        html = client.get(url).content.decode()
        assert inline_code(html) == [], url


def test_admin_loads_its_scripts_from_the_site_not_a_cdn(admin_client, archive):
    project = Project.objects.get(code="P04")
    response = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="/static/editors/admin.js"' in html
    assert "googleapis" not in html
    assert "//" not in " ".join(re.findall(r'<script[^>]*src="([^"]*)"', html))
    assert inline_code(html) == []


# --- Admin login throttling -------------------------------------------------------------


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "redakteurin", password="richtiges-Passwort-123", is_staff=True
    )


def login(client, password, username="redakteurin"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="192.0.2.10",
    )


def test_five_failed_logins_lock_the_account_from_that_address(client, editor):
    for attempt in range(4):
        response = login(client, f"falsch-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with an error
    response = login(client, "falsch-5")
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert "Anmeldung vorübergehend gesperrt" in html
    assert "60 Minuten" in html
    assert "redakteurin" not in html and "192.0.2.10" not in html
    assert AccessAttempt.objects.filter(username="redakteurin").exists()

    # Even the right password is refused now, and nobody is logged in.
    response = login(client, "richtiges-Passwort-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # Another address may still log in with that account.
    other = Client()
    response = other.post(
        reverse("admin:login"),
        {"username": "redakteurin", "password": "richtiges-Passwort-123"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(client, editor):
    for attempt in range(4):
        login(client, f"falsch-{attempt}")
    assert login(client, "richtiges-Passwort-123").status_code == 302
    client.logout()
    for attempt in range(4):
        assert login(client, f"wieder-falsch-{attempt}").status_code == 200


def test_the_client_address_comes_from_the_trusted_proxy(settings, rf):
    from clusterspace.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 192.0.2.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "192.0.2.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"


def test_test_clients_can_still_log_in(client, admin_client, editor):
    assert client.login(username="redakteurin", password="richtiges-Passwort-123")
    assert admin_client.get(reverse("admin:index")).status_code == 200


# --- Error pages ------------------------------------------------------------------------

SECRET_DETAIL = "geheimes-Detail-42"


def raise_400(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def raise_403(request):
    raise PermissionDenied(SECRET_DETAIL)


def raise_500(request):
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("test-fehler/400/", raise_400),
    path("test-fehler/403/", raise_403),
    path("test-fehler/500/", raise_500),
    *site_urlpatterns,
]


@pytest.fixture
def production_errors(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/test-fehler/400/", 400, "Ungültige Anfrage"),
        ("/test-fehler/403/", 403, "Zugriff verweigert"),
        ("/de/gibt-es-nicht/", 404, "Seite nicht gefunden"),
        ("/test-fehler/500/", 500, "Serverfehler"),
    ],
)
def test_error_pages_are_the_sites_own_and_reveal_nothing(production_errors, url, status, heading):
    response = production_errors.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert 'lang="de"' in html
    for secret in (SECRET_DETAIL, "Traceback", "urlpatterns", "test-fehler", SECRET, "DEBUG"):
        assert secret not in html, secret
    assert inline_code(html) == [], url


def test_csrf_failure_page(settings, editor):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("admin:login"), {"username": "redakteurin", "password": "richtiges-Passwort-123"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formular abgelaufen" in html
    assert "CSRF" not in html
