"""An organisation's names over time, as the projects list them.

The source names a funder as it was called when the project ran: the Hamburg ministry
appears as "Behörde für Wirtschaft, Verkehr und Innovation (BWVI)" for P03 and as
"Behörde für Wirtschaft und Innovation (BWI)" for the Cross-Cluster Space. Each
``Funding`` keeps that name (``name_as_listed``); grouped by name and ordered by the
projects' durations they give the organisation's name history without a date the source
does not state.
"""

from dataclasses import dataclass, field

from core.months import format_span


@dataclass
class ListedName:
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

    @property
    def span(self):
        return format_span(self.start, self.end)

    @property
    def display_name(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


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
