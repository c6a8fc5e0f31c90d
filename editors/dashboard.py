"""The editors' start page: what needs doing, each line a count linking to its list.

Every count is the size of a list the admin shows with its filters, built by the same
QuerySet method the filter uses, so that the number and the list agree: report PDFs
that are placeholders or not accessible, links that are broken, unreachable or moved,
published entries without their English title or text, unpublished drafts, and running
projects with a report series but no annual report for last year. Below them, the
latest changes from the version history, with who and when.

The counts are cheap on a grown archive (indexed columns, ``Meta.indexes`` of the
models). Those of the content are counted once per content version and day
(``pagecache``), not on every request: a save or a deletion raises the version, and the
counts follow; the link checks' (one indexed query) are counted on every request.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reversion.models import Revision, Version

from core.caching import cache_call
from linkchecks.models import LinkCheck
from pagecache.models import read_content_version
from pages.models import Page
from projects.models import Project
from reports.models import AnnualReport, Interview

# The latest changes the start page shows.
LATEST_CHANGES = 10
CACHE_PREFIX = "editors:dashboard"


@dataclass(frozen=True)
class Line:
    """One thing to do: how many, what, and the list that shows exactly those."""

    count: int
    text: str
    url: str


def last_year(today=None):
    return (today or timezone.localdate()).year - 1


def projects_missing_report(projects, year):
    """Running projects (by their dates) that ran in ``year`` and have a report series,
    but no annual report for ``year``."""
    reports = AnnualReport.projects.through.objects.filter(project=OuterRef("pk"))
    return (
        projects.ongoing()
        .filter(start_year__lte=year)
        .filter(Exists(reports))
        .exclude(Exists(reports.filter(annualreport__year=year)))
    )


def _changelist(model, **filters):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _may_view(request, model):
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or (
        request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


def _count_content(year):
    """The counts of the content (ten indexed COUNT queries; one scan of the running
    projects)."""
    counts = {
        "placeholders": AnnualReport.objects.filter(is_placeholder=True).count(),
        "not_accessible": AnnualReport.objects.not_accessible().count(),
        "missing_report": projects_missing_report(Project.objects.all(), year).count(),
    }
    for model in (Project, Interview, Page):
        name = model._meta.model_name
        counts[f"english_{name}"] = model.objects.missing_english().count()
    for model in (Project, AnnualReport, Interview, Page):
        counts[f"drafts_{model._meta.model_name}"] = model.objects.drafts().count()
    return counts


def _count_links():
    """The link checks by state: one query on an index, counted on every request (the
    link checks are not content, and an editor may delete one)."""
    links = LinkCheck.objects.counts()
    return {
        "broken": links.get(LinkCheck.State.BROKEN, 0),
        "unreachable": links.get(LinkCheck.State.UNREACHABLE, 0),
        "moved": links.get(LinkCheck.State.MOVED, 0),
    }


def counts(year):
    """The counts: the content's from the cache while the content and the day are the
    same, the links' fresh."""
    version = read_content_version()
    if version is None or version[0] == 0:  # no version yet: nothing to key on
        return {**_count_content(year), **_count_links()}
    # The version and the time of its change: a restored backup may bring an older
    # number back, never the same moment.
    number, changed_at = version
    key = f"{CACHE_PREFIX}:{number}:{changed_at}:{timezone.localdate().isoformat()}:{year}"
    found = cache_call("editors' counts: reading them", cache.get, key)
    if found is None:
        found = _count_content(year)
        cache_call("editors' counts: storing them", cache.set, key, found, 24 * 60 * 60)
    return {**found, **_count_links()}


def _plural(model, count):
    opts = model._meta
    return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)


def sections(request, year=None):
    """[(heading, [Line])] of what needs doing, for the lists this user may see."""
    year = year or last_year()
    numbers = counts(year)
    found = []

    reports = []
    if _may_view(request, AnnualReport):
        reports += [
            Line(
                numbers["placeholders"],
                ngettext(
                    "Jahresbericht ist noch ein Platzhalter-PDF",
                    "Jahresberichte sind noch Platzhalter-PDFs",
                    numbers["placeholders"],
                ),
                _changelist(AnnualReport, is_placeholder__exact=1),
            ),
            Line(
                numbers["not_accessible"],
                ngettext(
                    "PDF ist nicht barrierefrei",
                    "PDFs sind nicht barrierefrei",
                    numbers["not_accessible"],
                ),
                _changelist(AnnualReport, barrierefrei="nein"),
            ),
        ]
    if _may_view(request, Project):
        reports.append(
            Line(
                numbers["missing_report"],
                ngettext(
                    "laufendes Projekt mit Berichtsreihe hat keinen Jahresbericht %(year)s",
                    "laufende Projekte mit Berichtsreihe haben keinen Jahresbericht %(year)s",
                    numbers["missing_report"],
                )
                % {"year": year},
                _changelist(Project, jahresbericht="fehlt"),
            )
        )
    if reports:
        found.append((_("Jahresberichte"), reports))

    if _may_view(request, LinkCheck):
        found.append(
            (
                _("Externe Links"),
                [
                    Line(
                        numbers[state],
                        text,
                        _changelist(LinkCheck, state__exact=state),
                    )
                    for state, text in (
                        (
                            LinkCheck.State.BROKEN,
                            ngettext("Link ist defekt", "Links sind defekt", numbers["broken"]),
                        ),
                        (
                            LinkCheck.State.UNREACHABLE,
                            ngettext(
                                "Link ist nicht erreichbar",
                                "Links sind nicht erreichbar",
                                numbers["unreachable"],
                            ),
                        ),
                        (
                            LinkCheck.State.MOVED,
                            ngettext(
                                "Link ist dauerhaft umgezogen",
                                "Links sind dauerhaft umgezogen",
                                numbers["moved"],
                            ),
                        ),
                    )
                ],
            )
        )

    english = [
        Line(
            numbers[f"english_{model._meta.model_name}"],
            _("%(entries)s ohne englischen Titel oder Text")
            % {"entries": _plural(model, numbers[f"english_{model._meta.model_name}"])},
            _changelist(model, englisch="fehlt"),
        )
        for model in (Project, Interview, Page)
        if _may_view(request, model)
    ]
    if english:
        found.append((_("Veröffentlicht, aber nicht übersetzt"), english))

    drafts = [
        Line(
            numbers[f"drafts_{model._meta.model_name}"],
            _plural(model, numbers[f"drafts_{model._meta.model_name}"]),
            _changelist(model, published__exact=0),
        )
        for model in (Project, AnnualReport, Interview, Page)
        if _may_view(request, model)
    ]
    if drafts:
        found.append((_("Entwürfe (nicht veröffentlicht)"), drafts))
    return found


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    url: str
    comment: str


def latest_changes(limit=LATEST_CHANGES):
    """The newest revisions of the version history: who changed which entry, and when.

    A revision holds the entry that was saved first, then the rows it follows (a project's
    roles, fundings …): the entry is its first version.
    """
    versions = Version.objects.select_related("content_type").order_by("pk")
    revisions = (
        Revision.objects.select_related("user")
        .prefetch_related(Prefetch("version_set", queryset=versions))
        .order_by("-date_created", "-pk")[:limit]
    )
    changes = []
    for revision in revisions:
        entries = list(revision.version_set.all())
        if not entries:
            continue
        entry = entries[0]
        user = revision.user
        who = (user.get_full_name() or user.get_username()) if user else _("unbekannt")
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                args=[entry.object_id],
            )
        except NoReverseMatch:
            url = ""
        changes.append(
            Change(
                revision.date_created,
                who,
                entry.object_repr,
                url,
                revision.get_comment(),
            )
        )
    return changes


def dashboard(request):
    """The start page's context: what needs doing, and the latest changes."""
    return {
        "sections": sections(request),
        "changes": latest_changes(),
    }
