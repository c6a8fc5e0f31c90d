"""The files in deploy/ stay installable: placeholders documented and filled, the upload
limit in step with the app's, the service units hardened. `make deploy-check` runs them
behind nginx; these checks are the quick part that needs no server."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATES = sorted(
    [*DEPLOY.glob("nginx/*.conf"), *DEPLOY.glob("systemd/*"), *DEPLOY.glob("errors/*.html")]
)


def load_render():
    spec = importlib.util.spec_from_file_location("deploy_render", DEPLOY / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = load_render()


def test_render_fills_every_placeholder_and_refuses_a_missing_one():
    text = "listen @HTTPS_LISTEN@ ssl;\nserver_name @SERVER_NAME@;\n"
    filled = render.render(text, {"HTTPS_LISTEN": "443", "SERVER_NAME": "a.example", "X": "y"})
    assert filled == "listen 443 ssl;\nserver_name a.example;\n"
    with pytest.raises(render.RenderError, match="SERVER_NAME"):
        render.render(text, {"HTTPS_LISTEN": "443"})
    with pytest.raises(render.RenderError, match="HTTPS_LISTEN"):
        render.render(text, {"HTTPS_LISTEN": " ", "SERVER_NAME": "a.example"})


def test_render_reads_values_from_a_file_and_refuses_a_malformed_line(tmp_path, capsys):
    values = tmp_path / "identity.values"
    values.write_text("# the identity\nCHAIR=Lehrstuhl für Fiktion\n\nARCHIVE_NAME=Archiv\n")
    page = tmp_path / "page.html"
    page.write_text("<p>@ARCHIVE_NAME@ · @CHAIR@ · @INSTITUTION@</p>\n")
    assert render.main([str(page), "--values", str(values), "INSTITUTION=Uni"]) == 0
    assert capsys.readouterr().out == "<p>Archiv · Lehrstuhl für Fiktion · Uni</p>\n"
    values.write_text("kein Wert\n")
    assert render.main([str(page), "--values", str(values)]) == 1
    assert "expected NAME=value" in capsys.readouterr().err


def test_the_error_pages_name_the_identity_and_nothing_else():
    for page in sorted(DEPLOY.glob("errors/*.html")):
        assert render.placeholders(page.read_text()) == {"ARCHIVE_NAME", "CHAIR", "INSTITUTION"}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.name)
def test_every_placeholder_is_documented(path):
    documented = set(re.findall(r"\| `([A-Z_]+)`(?:, `([A-Z_]+)`)? \|", _readme()))
    names = {name for pair in documented for name in pair if name}
    used = render.placeholders(path.read_text())
    assert used - names == set()


def _readme():
    return (DEPLOY / "README.md").read_text()


@pytest.mark.parametrize(
    "path", sorted(DEPLOY.glob("systemd/*.service")), ids=lambda path: path.name
)
def test_service_units_run_hardened_as_a_dedicated_user(path):
    unit = path.read_text()
    for option in (
        "User=@USER@",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "ProtectSystem=strict",
        "CapabilityBoundingSet=\n",
    ):
        assert f"\n{option}" in unit, option


def test_nginx_takes_uploads_just_above_the_apps_limit():
    site = (DEPLOY / "nginx" / "clusterspace.conf").read_text()
    megabytes = int(re.search(r"^\s*client_max_body_size (\d+)m;", site, re.M).group(1))
    limit = settings.REPORT_MAX_UPLOAD_BYTES
    assert limit < megabytes * 1024 * 1024 <= limit + 2 * 1024 * 1024
    # nginx's own 413 page names the app's limit.
    page = (DEPLOY / "errors" / "413.html").read_text()
    assert f"höchstens {limit // (1024 * 1024)} MB" in page
    assert f"at most {limit // (1024 * 1024)} MB" in page
