"""What the reports list loads, as prepared queries (``projects.prepared``).

The same rows as ``AnnualReport.objects.published().for_listing()``, with SQL compiled
once per connection and language instead of on every request.
"""

from operator import attrgetter

from projects.prepared import PreparedQuery, attach_grouped, ordering_through

from .models import AnnualReport

_PUBLISHED_REPORTS = PreparedQuery(
    lambda: AnnualReport.objects.published().select_related("series")
)


def _project_links():
    """Which published report belongs to which published project, as rows of the
    relation's own table with the project selected, in Project's order per report (as
    the prefetch of ``for_listing`` sorts them)."""
    through = AnnualReport._meta.get_field("projects").remote_field.through
    return (
        through.objects.filter(annualreport__published=True, project__published=True)
        .select_related("project")
        .order_by("annualreport_id", *ordering_through(through, "project"))
    )


_PROJECT_LINKS = PreparedQuery(_project_links)


def published_reports_for_listing():
    """The reports list's reports with their published projects, in two queries."""
    reports = _PUBLISHED_REPORTS.fetch()
    attach_grouped(
        reports,
        "projects",
        _PROJECT_LINKS.fetch(),
        attrgetter("annualreport_id"),
        attrgetter("project"),
    )
    return reports
