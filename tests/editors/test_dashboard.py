"""The editors' start page: each count is right and links to exactly those entries.

Checked on the real archive and on a grown one, against the entries counted one by one
in Python; each line's link opens the admin list, whose entries must be the same.
"""

import re
import socket

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from editors.dashboard import last_year
from editors.group import EDITOR_GROUP
from linkchecks.models import LinkCheck
from pages.models import Page
from projects.models import Project
from reports.models import AnnualReport, Interview, ReportSeries

from tests.factories import populate

pytestmark = pytest.mark.django_db

LINE = re.compile(r'<li><a href="([^"]+)"><strong>(\d+)</strong> ([^<]+)</a></li>')


def lines(client):
    page = client.get(reverse("admin:index")).content.decode().replace("&amp;", "&")
    return {text.strip(): (int(count), url) for url, count, text in LINE.findall(page)}


def listed(client, url):
    """The primary keys of the entries the admin list at ``url`` shows (all pages)."""
    response = client.get(f"{url}&all=" if "?" in url else f"{url}?all=")
    assert response.status_code == 200, url
    changelist = response.context["cl"]
    return {obj.pk for obj in changelist.result_list}


def english_missing(model):
    """Published entries with a German but no English title or text, one by one."""
    return {
        obj.pk
        for obj in model.objects.all()
        if obj.published
        and any(
            getattr(obj, f"{name}_de") and not getattr(obj, f"{name}_en")
            for name in model.ENGLISH_FIELDS
        )
    }


def expected(year):
    """Every line's entries, found one by one in Python (not with the queries under test)."""
    now = timezone.localdate()
    month = now.year * 12 + now.month - 1
    running = set()
    for project in Project.objects.all():
        start = project.start_year * 12 + project.start_month - 1
        end = None if project.end_year is None else project.end_year * 12 + project.end_month - 1
        years = {report.year for report in project.reports.all()}
        runs = start <= month and (end is None or end >= month) and project.start_year <= year
        if runs and years and year not in years:
            running.add(project.pk)
    reports = list(AnnualReport.objects.all())
    checks = list(LinkCheck.objects.all())
    return {
        "placeholders": {r.pk for r in reports if r.is_placeholder},
        "not_accessible": {
            r.pk for r in reports if not (r.pdf_tagged and r.pdf_language and r.pdf_title)
        },
        "missing_report": running,
        "broken": {c.pk for c in checks if c.state == "broken"},
        "moved": {c.pk for c in checks if c.state == "moved"},
        "unreachable": {c.pk for c in checks if c.state == "unreachable"},
        "english_project": english_missing(Project),
        "english_interview": english_missing(Interview),
        "english_page": english_missing(Page),
        "drafts_project": {p.pk for p in Project.objects.all() if not p.published},
        "drafts_annualreport": {r.pk for r in reports if not r.published},
        "drafts_interview": {i.pk for i in Interview.objects.all() if not i.published},
        "drafts_page": {p.pk for p in Page.objects.all() if not p.published},
    }


# The start page's German lines, by what they count.
TEXTS = {
    "placeholders": "Platzhalter-PDF",
    "not_accessible": "nicht barrierefrei",
    "missing_report": "keinen Jahresbericht",
    "broken": "defekt",
    "unreachable": "nicht erreichbar",
    "moved": "dauerhaft umgezogen",
}


def line_for(found, key):
    if key in TEXTS:
        (match,) = [value for text, value in found.items() if TEXTS[key] in text]
        return match
    kind, model = key.split("_", 1)
    model_class = {
        "project": Project,
        "annualreport": AnnualReport,
        "interview": Interview,
        "page": Page,
    }[model]
    names = {str(model_class._meta.verbose_name), str(model_class._meta.verbose_name_plural)}
    for text, value in found.items():
        head = text.split(" ohne ")[0] if kind == "english" else text
        if head in names and (("ohne englischen" in text) == (kind == "english")):
            return value
    raise AssertionError(f"no line for {key}: {found}")


def check_every_line(client):
    found = lines(client)
    wanted = expected(last_year())
    assert len(found) == len(wanted)
    for key, entries in wanted.items():
        count, url = line_for(found, key)
        assert count == len(entries), key
        assert listed(client, url) == entries, key
    return found, wanted


def test_the_real_archive(admin_client, archive):
    found, wanted = check_every_line(admin_client)
    assert len(wanted["placeholders"]) == 5  # the five reports of the source page
    assert found["Jahresberichte sind noch Platzhalter-PDFs"][0] == 5


def grow():
    """A grown archive with some of everything the start page counts."""
    populate(60)
    year = last_year()
    projects = list(Project.objects.filter(slug__startswith="testprojekt-").order_by("pk"))
    for project in projects[:7]:
        project.published = False
        project.save()
    for project in projects[7:12]:
        project.title_en = ""
        project.save()
    series = ReportSeries.objects.create(title="Laufende Reihe", slug="laufende-reihe")
    for n, project in enumerate(projects[12:20]):
        # Running: began before last year and goes on; half of them have its report.
        project.start_year, project.start_month = year - 2, 3
        project.end_year, project.end_month = (None, None) if n % 3 else (year + 3, 6)
        project.save()
        if n % 2:
            report = AnnualReport.objects.create(series=series, year=year - n, file=f"j/{n}.pdf")
            report.projects.add(project)
    AnnualReport.objects.filter(pk__in=[r.pk for r in AnnualReport.objects.all()[:9]]).update(
        is_placeholder=True, pdf_tagged=True, pdf_language="de", pdf_title="T"
    )
    Interview.objects.filter(pk__in=[i.pk for i in Interview.objects.all()[:4]]).update(
        published=False
    )
    Interview.objects.filter(pk__in=[i.pk for i in Interview.objects.all()[10:13]]).update(
        title_en="", title_de="Ein Interview"
    )
    now = timezone.now()
    for n, state in enumerate(["broken"] * 3 + ["moved"] * 2 + ["unreachable"] + ["working"] * 4):
        LinkCheck.objects.create(
            url=f"https://beispiel{n}.example/", state=state, checked_at=now, new_url=""
        )


def test_the_start_page_counts_while_the_shared_cache_is_down(admin_client, archive, settings):
    """Redis stopped: the counts are read from the database, not a server error."""
    with socket.socket() as sock:  # a port on which nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",  # what CACHE_URL=redis://… gives
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    check_every_line(admin_client)


def test_a_grown_archive(admin_client, archive):
    grow()
    _found, wanted = check_every_line(admin_client)
    # Not all lines are empty or all full: the grown archive has some of each.
    assert all(0 < len(entries) < 200 for key, entries in wanted.items() if "page" not in key)


def test_the_counts_follow_a_change_at_the_next_request(admin_client, archive):
    before = lines(admin_client)
    project = Project.objects.get(code="P04")
    project.published = False
    project.save()
    after = lines(admin_client)
    assert before["Projekte"][0] == 0 and after["Projekt"][0] == 1


def test_the_start_page_runs_as_many_queries_on_a_grown_archive(admin_client, archive):
    url = reverse("admin:index")
    admin_client.get(url)  # counted once for this content version
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    grow()
    admin_client.get(url)
    with CaptureQueriesContext(connection) as grown:
        admin_client.get(url)
    assert len(grown) == len(small)


def test_the_latest_changes_name_who_and_when(admin_client, admin_user, archive):
    project = Project.objects.get(code="P04")
    page = admin_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    from tests.admin_forms import change_form_data

    admin_client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        change_form_data(page, subtitle_de="Neu"),
    )
    assert Revision.objects.count() == 1
    start = admin_client.get(reverse("admin:index")).content.decode()
    sidebar = start[start.index('id="latest-changes"') :]
    assert str(project) in sidebar
    assert admin_user.get_username() in sidebar
    assert reverse("admin:projects_project_change", args=[project.pk]) in sidebar


def test_an_editor_sees_the_lines_of_her_lists_and_no_administration(archive):
    user = get_user_model().objects.create_user("redaktion", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client = Client()
    client.force_login(user)
    check_every_line(client)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Verwaltung" not in page and "Inhalte" in page
