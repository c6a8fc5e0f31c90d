"""The pages of single entries are keyed on the entries they show (pagecache.entries).

After any kind of change, every cached page is the page a fresh rendering gives; a
change renders again only the pages that show what it touched.
"""

import pytest
from django.urls import reverse

from pages.models import SiteIdentity
from people.models import Person, Role, RoleKind
from projects.models import Funding, Organisation, Project
from reports.models import AnnualReport, Interview, ReportSeries

pytestmark = pytest.mark.django_db


def _urls():
    urls = [reverse("projects:index"), reverse("people:index")]
    urls += [project.get_absolute_url() for project in Project.objects.all()]
    urls += [person.get_absolute_url() for person in Person.objects.all()]
    urls += [organisation.get_absolute_url() for organisation in Organisation.objects.all()]
    return urls


def _p04():
    return Project.objects.get(code="P04")


def _edit(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def _new_role():
    project = _p04()
    Role.objects.create(
        project=project,
        kind=RoleKind.objects.first(),
        person=Person.objects.exclude(roles__project=project).first(),
    )


def _new_funding():
    project = Project.objects.get(code="P01")
    Funding.objects.create(
        project=project,
        organisation=Organisation.objects.exclude(fundings__project=project).first(),
        name_as_listed="Neu genannter Geldgeber",
    )


CHANGES = {
    "project text": lambda: _edit(_p04(), description_de="Eine neue Beschreibung."),
    "project title": lambda: _edit(_p04(), title_de="Ein neuer Titel"),
    "project unpublished": lambda: _edit(_p04(), published=False),
    "project start": lambda: _edit(Project.objects.get(code="P02"), start_year=1990),
    "project predecessor": lambda: _edit(
        Project.objects.get(code="P02"), predecessor=Project.objects.get(code="P01")
    ),
    "person renamed": lambda: _edit(Person.objects.get(pk=1), family_name="Neuname"),
    "organisation renamed": lambda: _edit(Organisation.objects.get(pk=3), name_de="Neuer Name"),
    "role kind renamed": lambda: _edit(RoleKind.objects.first(), name_de="Neue Rolle"),
    "role added": _new_role,
    "role moved": lambda: _edit(_p04().roles.last(), project=Project.objects.get(code="P01")),
    "role deleted": lambda: _p04().roles.last().delete(),
    "funding added": _new_funding,
    "funding deleted": lambda: _p04().fundings.last().delete(),
    "partner added": lambda: _p04().partners.add(Organisation.objects.get(pk=4)),
    "partner removed": lambda: Project.objects.get(code="P02").partners.remove(4),
    "partners cleared": lambda: Project.objects.get(code="P02").partners.clear(),
    "report linked": lambda: AnnualReport.objects.get(pk=1).projects.add(_p04()),
    "report series renamed": lambda: _edit(ReportSeries.objects.first(), title_de="Neue Reihe"),
    "interview unpublished": lambda: _edit(Interview.objects.get(), published=False),
    "interviewee added": lambda: Interview.objects.get().interviewees.add(
        Person.objects.get(pk=15)
    ),
    "project deleted": lambda: Project.objects.get(code="P01").delete(),
    "site identity": lambda: _edit(SiteIdentity.objects.get(), chair_de="Ein neuer Lehrstuhl"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_after_a_change_every_cached_page_is_as_rendered_afresh(
    client, page_cache, archive, settings, change, django_capture_on_commit_callbacks
):
    urls = _urls()
    for url in urls:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        change()
    cached = {url: client.get(url) for url in urls}
    settings.PAGE_CACHE = False
    for url, response in cached.items():
        fresh = client.get(url)
        assert response.status_code == fresh.status_code, url
        assert response.content == fresh.content, url


@pytest.mark.parametrize("seconds", [0, 60], ids=["versions from the database", "from the cache"])
def test_a_save_renders_only_the_pages_that_show_it_again(
    client, page_cache, archive, settings, seconds, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_VERSION_SECONDS = seconds
    p04, p01 = _p04(), Project.objects.get(code="P01")
    person_of_p01_only = Person.objects.get(pk=15)
    untouched = [p01.get_absolute_url(), person_of_p01_only.get_absolute_url()]
    touched = [p04.get_absolute_url(), reverse("projects:index")]
    for url in untouched + touched:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        _edit(p04, description_de="Beschreibung, neu gefasst.")
    for url in untouched:
        assert client.get(url)["Cache-Status"] == "clusterspace; hit", url
    for url in touched:
        response = client.get(url)
        assert response["Cache-Status"] == "clusterspace; fwd=miss; stored", url
    assert "Beschreibung, neu gefasst." in client.get(p04.get_absolute_url()).content.decode()


def test_a_project_published_appears_on_the_pages_that_list_it(
    client, page_cache, archive, settings, django_capture_on_commit_callbacks
):
    """The organisation's page never loaded the unpublished project: publishing it
    (``PAGE_CACHE_LISTING_FIELDS``) renders every entry page again."""
    p02 = Project.objects.get(code="P02")
    _edit(p02, published=False)
    organisation = Organisation.objects.get(pk=3)
    url = organisation.get_absolute_url()
    assert p02.title not in client.get(url).content.decode()
    assert client.get(url)["Cache-Status"] == "clusterspace; hit"
    with django_capture_on_commit_callbacks(execute=True):
        _edit(p02, published=True)
    response = client.get(url)
    assert p02.title in response.content.decode()
    settings.PAGE_CACHE = False
    assert response.content == client.get(url).content
