"""An organisation's names over time, as the projects list them.

The source names a funder as it was called when the project ran: the Hamburg ministry
appears as "Behörde für Wirtschaft, Verkehr und Innovation (BWVI)" for P03 and as
"Behörde für Wirtschaft und Innovation (BWI)" for the Cross-Cluster Space. Each
``Funding`` keeps that name (``name_as_listed``); grouped by name and ordered by the
projects' durations they give the organisation's name history without a date the source
does not state.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min, Q

from core.months import YearMonth, format_span


class _Shown:
    """How a name of the history is shown: the name as listed, the span of its projects."""

    @property
    def span(self):
        return format_span(self.start, self.end)

    @property
    def display_name(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


@dataclass
class ListedName(_Shown):
    name: str
    short_name: str
    projects: list = field(default_factory=list)

    @property
    def start(self):
        return min(project.start for project in self.projects)

    @property
    def end(self):
        """The last project's end; ``None`` when one of them has no end."""
        ends = [project.end for project in self.projects]
        return None if None in ends else max(ends)


def name_history(fundings):
    """The names ``fundings`` list their organisation under, earliest first.

    ``fundings``: one organisation's funding relations with their projects selected, in
    the active language. A project funded twice under one name counts once.
    """
    names = {}
    for funding in fundings:
        key = (funding.name_as_listed, funding.short_name_as_listed)
        entry = names.setdefault(key, ListedName(*key))
        if funding.project not in entry.projects:
            entry.projects.append(funding.project)
    for entry in names.values():
        entry.projects.sort(key=lambda project: project.start)
    return sorted(names.values(), key=lambda entry: (entry.start, entry.name))


@dataclass
class CountedName(_Shown):
    """A name with the number of its projects and their span, for an organisation whose
    fundings fill several pages: ``name_history_counted``."""

    name: str
    short_name: str
    project_count: int
    start: YearMonth
    end: YearMonth | None
    projects: list = field(default_factory=list)


def _month(index):
    return YearMonth(index // 12, index % 12 + 1)


def name_history_counted(fundings, complete=None):
    """The names of ``name_history``, counted in the database: one query, one row per
    name, earliest first. ``fundings``: a QuerySet of the fundings of an organisation
    with two names or more (``Organisation.objects.for_page`` tells without reading
    them). The query reads each of them, so the organisation's page asks for it on its
    first page only. ``complete``: all of those fundings, loaded (when they fit on one
    page), to name each name's projects as well."""
    rows = (
        fundings.order_by()
        .values("name_as_listed", "short_name_as_listed")
        .annotate(
            project_count=Count("project", distinct=True),
            first=Min(F("project__start_year") * 12 + F("project__start_month") - 1),
            last=Max(F("project__end_year") * 12 + F("project__end_month") - 1),
            open_ended=Count("pk", filter=Q(project__end_year__isnull=True)),
        )
    )
    entries = [
        CountedName(
            name=row["name_as_listed"],
            short_name=row["short_name_as_listed"],
            project_count=row["project_count"],
            start=_month(row["first"]),
            end=None if row["open_ended"] else _month(row["last"]),
        )
        for row in rows
    ]
    if complete is not None:
        by_name = {(entry.name, entry.short_name): entry for entry in entries}
        for entry in name_history(complete):
            if (entry.name, entry.short_name) in by_name:
                by_name[(entry.name, entry.short_name)].projects = entry.projects
    return sorted(entries, key=lambda entry: (entry.start, entry.name))
