from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import AnnualReport


class ReportListView(ListView):
    template_name = "reports/report_list.html"
    context_object_name = "reports"

    def get_queryset(self):
        return AnnualReport.objects.visible_to(self.request.user).for_listing()


class ReportDetailView(DetailView):
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(
            AnnualReport.objects.visible_to(self.request.user).for_listing(),
            series__slug=self.kwargs["series"],
            year=self.kwargs["year"],
        )


def download(request, series, year):
    report = get_object_or_404(
        AnnualReport.objects.visible_to(request.user).select_related("series"),
        series__slug=series,
        year=year,
    )
    if not report.file or not report.file.storage.exists(report.file.name):
        raise Http404("Die Datei dieses Berichts fehlt.")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=False,
        filename=f"{report.file_stem}.pdf",
        content_type="application/pdf",
    )
