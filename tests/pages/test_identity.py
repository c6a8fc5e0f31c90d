"""The site's identity is content: one record, edited in the admin, read everywhere.

The proof is a fictional chair (here only, in the test): with it set, and the content
rows that name the real chair neutralised, no page in either language, no feed, no
JSON-LD, no open data, no static export, no error page, mail or user agent names the
real chair any more; and each shows the fictional one.
"""

import io
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from linkchecks.checks import user_agent
from pages.models import SiteIdentity

from tests.admin_forms import change_form_data

# The real identity's words, as the source page, the catalogues and the fixture had them.
OLD = re.compile(
    r"Organisationstheorie|Organisations-Theorie|Organi[sz]ation Theory|Helmut[- ]Schmidt"
    r"|Duschek|hsu-hh|\bHSU\b",
    re.IGNORECASE,
)
# What the content rows that name the real chair are given instead (the test's own
# rows; the exemption "except in content rows that name it" is not needed then).
NEUTRAL = {
    "organisationstheorie": "Fiktionsforschung",
    "organisations-theorie": "Fiktions-Forschung",
    "organisation theory": "fiction studies",
    "organization theory": "fiction studies",
    "helmut-schmidt": "Beispiel",
    "helmut schmidt": "Beispiel",
    "duschek": "Musterfrau",
    "hsu-hh": "uni-beispiel",
    "hsu": "UB",
}

FICTIONAL = {
    "name_de": "Fiktivarchiv",
    "name_en": "Fictional archive",
    "chair_de": "Lehrstuhl für Fiktionsforschung",
    "chair_en": "Chair of Fiction Studies",
    "institution_de": "Universität Beispielstadt",
    "institution_en": "University of Exampletown",
    "institution_url": "https://uni-beispielstadt.example/",
    "head": "Prof. Dr. Erika Musterfrau",
    "postal_address": "Musterweg 1\n12345 Beispielstadt",
    "contact_email": "lehrstuhl@uni-beispielstadt.example",
    "description_de": "Ein erfundenes Archiv, nur für den Test.",
    "description_en": "A made-up archive, for the test only.",
    "introduction_de": "Die Projekte des erfundenen Lehrstuhls.",
    "introduction_en": "The projects of the made-up chair.",
    "footer_lines_de": "Nur im Test.",
    "footer_lines_en": "Test only.",
    "admin_header_de": "Redaktion des Fiktivarchivs",
    "admin_header_en": "Editing the fictional archive",
}


def neutral(match):
    replacement = NEUTRAL[match.group(0).lower()]
    return replacement.lower() if match.group(0).islower() else replacement


def neutralise_content():
    """Content rows that name the real chair get neutral words (saved, so the search
    index and the page cache follow)."""
    changed = 0
    for label in settings.CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is SiteIdentity:
                continue
            text_fields = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField) and not field.choices
            ]
            for row in model.objects.all():
                dirty = False
                for name in text_fields:
                    value = getattr(row, name)
                    if value and OLD.search(value):
                        setattr(row, name, OLD.sub(neutral, value))
                        dirty = True
                if dirty:
                    row.save()
                    changed += 1
    return changed


def set_fictional_identity():
    identity = SiteIdentity.current()
    for name, value in FICTIONAL.items():
        setattr(identity, name, value)
    identity.save()
    return identity


def text_files(folder):
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".csv", ".txt", ""}:
            yield path, path.read_text(errors="replace")


def test_a_fictional_identity_leaves_no_word_of_the_real_one(db, tmp_path, settings):
    call_command("load_archive", stdout=io.StringIO())  # content, pages, identity, PDFs
    assert neutralise_content() >= 5
    set_fictional_identity()

    export = tmp_path / "export"
    call_command("export_site", str(export), stdout=io.StringIO())
    files = dict(text_files(export))
    assert len(files) > 40
    names = {str(path.relative_to(export)) for path in files}
    # Every page in both languages, the feeds, the open data, with their JSON-LD.
    assert {"de/index.html", "en/index.html", "de/feed.xml", "en/feed.xml"} <= names
    assert any(name.endswith(".json") and "offene-daten" in name for name in names)
    assert any(name.endswith(".csv") for name in names)
    found = {
        str(path.relative_to(export)): sorted({m.group(0) for m in OLD.finditer(text)})
        for path, text in files.items()
        if OLD.search(text)
    }
    assert found == {}

    home_de = files[export / "de" / "index.html"]
    home_en = files[export / "en" / "index.html"]
    assert "Lehrstuhl für Fiktionsforschung" in home_de
    assert "Die Projekte des erfundenen Lehrstuhls." in home_de
    assert "Chair of Fiction Studies" in home_en and "The projects of the made-up chair." in home_en
    assert "Musterweg 1" in home_de and "lehrstuhl@uni-beispielstadt.example" in home_de
    assert '"name":"Lehrstuhl für Fiktionsforschung"' in home_de  # JSON-LD
    assert 'og:site_name" content="Fictional archive – Chair of Fiction Studies"' in home_en
    assert (
        "<title>Fiktivarchiv – Lehrstuhl für Fiktionsforschung</title>"
        in (files[export / "de" / "feed.xml"])
    )

    client = Client()
    open_data = json.loads(b"".join(client.get(reverse("opendata:json")).streaming_content))
    assert open_data["publisher"]["chair_de"] == "Lehrstuhl für Fiktionsforschung"
    assert open_data["title_en"] == "Fictional archive – Chair of Fiction Studies"
    assert not OLD.search(json.dumps(open_data, ensure_ascii=False))

    # The page a wrong address gets, and the admin's header.
    missing = client.get("/de/gibt-es-nicht/").content.decode()
    assert "Lehrstuhl für Fiktionsforschung" in missing and not OLD.search(missing)

    # The link checker introduces itself with the fictional names.
    agent = user_agent()
    assert "Lehrstuhl fuer Fiktionsforschung" in agent and not OLD.search(agent)
    assert "lehrstuhl@uni-beispielstadt.example" in agent

    # nginx's error pages, rendered from the record as an operator does.
    out = io.StringIO()
    call_command("identity_values", stdout=out)
    assert "CHAIR=Lehrstuhl für Fiktionsforschung" in out.getvalue().splitlines()
    render = load_render()
    for page in sorted((Path(settings.BASE_DIR) / "deploy" / "errors").glob("*.html")):
        rendered = render.render(page.read_text(), render.read_values(out.getvalue().splitlines()))
        assert "Lehrstuhl für Fiktionsforschung" in rendered and not OLD.search(rendered), page


def load_render():
    import importlib.util

    path = Path(settings.BASE_DIR) / "deploy" / "render.py"
    spec = importlib.util.spec_from_file_location("deploy_render", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_and_the_error_mail_name_the_identity(archive, settings, mailoutbox):
    settings.ADMINS = [("Betrieb", "betrieb@example.org")]
    set_fictional_identity()
    client = Client(raise_request_exception=False)
    response = client.get("/fehler")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Lehrstuhl für Fiktionsforschung · Universität Beispielstadt" in page
    assert '<span class="site-name__title">Fiktivarchiv</span>' in page
    assert not OLD.search(page)
    (message,) = mail.outbox
    assert message.subject.startswith(f"{settings.EMAIL_SUBJECT_PREFIX}[Fiktivarchiv] ")


def test_the_500_page_renders_without_a_database():
    """No database at all (the error may be the database's): a page that names no one."""
    from clusterspace.views import server_error

    class Request:
        request_id = "ohne-db"

    response = server_error(Request())
    page = response.content.decode()
    assert response.status_code == 500 and "ohne-db" in page
    assert not OLD.search(page)


def test_the_identity_is_edited_in_the_admin_and_shows_at_the_next_request(
    admin_client, archive, page_cache
):
    visitor = Client()
    assert "Professur für Organisationstheorie" in visitor.get("/de/").content.decode()
    assert "Professur für Organisationstheorie" in visitor.get("/de/").content.decode()  # cached

    # The list opens the one record; there is nothing to add or delete.
    changelist = reverse("admin:pages_siteidentity_changelist")
    form = admin_client.get(changelist)
    assert form.status_code == 200 and "adminform" in form.context
    assert not SiteIdentity._meta.get_field("name").blank
    admin = form.context["adminform"].model_admin
    assert not admin.has_add_permission(form.wsgi_request)
    assert not admin.has_delete_permission(form.wsgi_request)

    saved = admin_client.post(
        changelist, change_form_data(form, chair_de="Lehrstuhl für Fiktionsforschung")
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert SiteIdentity.objects.count() == 1
    page = visitor.get("/de/").content.decode()
    assert '<span class="site-name__chair">Lehrstuhl für Fiktionsforschung ·' in page
    assert "<strong>Lehrstuhl für Fiktionsforschung</strong>" in page  # the footer
    assert "Organisationstheorie ·" not in page
    # Versioned: the history names the change.
    history = admin_client.get(reverse("admin:pages_siteidentity_history", args=[1]))
    assert history.status_code == 200


def test_a_stale_identity_form_is_refused_like_every_other_record(archive, admin_user):
    from django.contrib.auth import get_user_model

    julia = get_user_model().objects.create_superuser("julia", "julia@example.org", "pw")
    anna_client, julia_client = Client(), Client()
    anna_client.force_login(admin_user)
    julia_client.force_login(julia)
    url = reverse("admin:pages_siteidentity_changelist")
    anna_form, julia_form = anna_client.get(url), julia_client.get(url)
    assert (
        julia_client.post(url, change_form_data(julia_form, head="Prof. Dr. A")).status_code == 302
    )
    refused = anna_client.post(url, change_form_data(anna_form, head="Prof. Dr. B"))
    assert refused.status_code == 200
    assert "wurde geändert, während Sie ihn bearbeitet haben" in refused.content.decode()
    assert SiteIdentity.current().head == "Prof. Dr. A"


def test_the_email_is_an_address_or_a_marked_placeholder(archive, admin_client):
    url = reverse("admin:pages_siteidentity_changelist")
    refused = admin_client.post(
        url, change_form_data(admin_client.get(url), contact_email="keine adresse")
    )
    assert refused.status_code == 200
    assert "Bitte eine E-Mail-Adresse angeben" in refused.content.decode()
    identity = SiteIdentity.current()
    assert identity.contact_email.startswith("[Platzhalter:")
    assert identity.contact_email_address == ""


def test_the_fixture_names_its_source_and_marks_what_the_source_lacks(archive):
    identity = SiteIdentity.current()
    assert "Drittmittelprojekte" in identity.editor_notes
    assert "17. April 2024" in identity.editor_notes
    assert identity.postal_address.startswith("[Platzhalter:")
    assert identity.chair_en == "Chair of Organisation Theory"


def test_the_footer_marks_placeholders_for_the_editors(client, archive):
    page = client.get("/de/").content.decode()
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<mark class="placeholder">[Platzhalter: Postanschrift' in footer
    assert "Prof. Dr. Stephan Duschek" in footer
