"""What a page shows of several apps, loaded together: composed here, where the apps meet.

``projects`` loads a project's own rows (``ProjectQuerySet.for_detail``); the rows that
the apps building on it hang off a project (roles from ``people``, reports and
interviews from ``reports``) are added here, so that ``projects`` never reaches into
them.
"""

from django.db.models import Prefetch

from people.models import Role
from reports.models import AnnualReport, Interview


def projects_for_page(projects):
    """``projects`` (a ``ProjectQuerySet``) with everything a project page shows.

    The project's own rows (``for_detail``), its roles with their people and kinds, its
    published reports with their series and its published interviews with the people
    in them: a fixed number of queries, whatever the archive's size.
    """
    # The related models order by "project" first, which joins the project table only
    # to sort by the project's own ordering; a prefetch groups rows by project anyway,
    # so the project's id sorts them the same within each project, without the join.
    return projects.for_detail().prefetch_related(
        Prefetch("roles", queryset=Role.objects.for_project_page()),
        # The page names each report, not the report's other projects.
        Prefetch("reports", queryset=AnnualReport.objects.published().select_related("series")),
        Prefetch(
            "interviews",
            queryset=Interview.objects.published()
            .for_listing()
            .order_by("project_id", "position", "pk"),
        ),
    )
