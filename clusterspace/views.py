"""Site-wide views: the health check, the uploaded files (media), the project list's filters."""

import posixpath

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.responses import file_response
from projects.models import Project

from .project_filters import ProjectFilterForm, filter_choices

# The generic media view serves pictures only (portraits, logos, report covers). Report
# PDFs go through the reports' download view, which checks that the report is published.
MEDIA_VIEW_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}
MEDIA_MAX_AGE = 60 * 60 * 24  # uploads keep their names when replaced: a day, not forever


@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, 503 when it does not: for the proxy's health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def media(request, path):
    """Uploaded pictures under MEDIA_URL, from MEDIA_ROOT; 404 for anything else.

    Serves the renditions the pages link (portraits, logos, report covers); report PDFs
    only through the reports' download view, which checks that the report is published.
    """
    name = posixpath.normpath(path).lstrip("/")
    if name != path or name.startswith(".") or "/." in name:
        raise Http404
    if posixpath.splitext(name)[1].lower() not in MEDIA_VIEW_EXTENSIONS:
        raise Http404
    # Uploaded originals (folder/original/…) are the masters of the renditions the pages
    # show; only editors open them (the admin links them), visitors get the renditions.
    if "original" in name.split("/")[:-1] and not request.user.is_staff:
        raise Http404
    return file_response(
        request, default_storage, name, cache_control=f"public, max-age={MEDIA_MAX_AGE}"
    )


class ProjectFilterView(TemplateView):
    """All projects with filters (status, funder, person, year) in the URL; GET only.

    A value that names nothing is ignored with a note. Six queries: the choices (three),
    the count, the page of projects and their funders.
    """

    template_name = "projects/project_filter.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        form = ProjectFilterForm(self.request.GET, **filter_choices())
        projects = form.apply(Project.objects.published().for_listing())
        page = Paginator(projects, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            page_obj=page,
            projects=page.object_list,
            filters_active=form.summary(),
            filters_ignored=form.ignored(),
            status_links=form.status_links(),
            **kwargs,
        )
