from csp.decorators import csp_exempt
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from core.pagination import PagedMixin
from core.responses import file_response

from .models import AnnualReport

# Published reports may be cached for an hour by browsers and proxies; after that (or
# at once, for a replaced file) they revalidate cheaply with ETag / Last-Modified.
PUBLIC_MAX_AGE = 60 * 60


class ReportListView(PagedMixin, ListView):
    """The annual reports, the newest year first; a page groups its reports by series.
    Pages are read off the index ``report_list_order`` with one report more than a
    page, which says whether a next one exists: nothing counts or sorts the reports."""

    template_name = "reports/report_list.html"
    context_object_name = "reports"
    # A dozen reports, each a cover and a few lines: several years of a few series, and
    # a page that stays light on a phone.
    paginate_by = 12
    count_pages = False

    def get_queryset(self):
        # Editors also see unpublished reports.
        return AnnualReport.objects.visible_to(self.request.user).newest_first().for_listing()


class ReportDetailView(DetailView):
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(
            AnnualReport.objects.visible_to(self.request.user).for_listing(),
            series__slug=self.kwargs["series"],
            year=self.kwargs["year"],
        )


@require_safe
# The pages' Content-Security-Policy is written for HTML; on a PDF, Chrome applies it to
# the viewer it builds around the file, which then cannot lay itself out (inline styles
# blocked, Chromium issue 271452). Error pages (404) are raised, not returned: they keep it.
@csp_exempt()
def download(request, series, year):
    """The report's PDF at a stable address per language, under the report's name.

    404 for an unpublished report (except for editors) or a missing file; ranges,
    revalidation and the hand-over to nginx as ``core.responses.file_response`` answers
    them. The SHA-256 taken at upload is the ETag while the file is unchanged.
    """
    report = get_object_or_404(
        AnnualReport.objects.visible_to(request.user).select_related("series"),
        series__slug=series,
        year=year,
    )
    if not report.file.name:
        raise Http404("Dieser Bericht hat keine Datei.")
    return file_response(
        request,
        report.file.storage,
        report.file.name,
        content_type="application/pdf",
        filename=report.filename,
        cache_control=(
            f"public, max-age={PUBLIC_MAX_AGE}" if report.published else "private, no-cache"
        ),
        checksum=report.file_sha256,
        checksum_size=report.file_size,
    )
