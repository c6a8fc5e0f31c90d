from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from projects.admin import ProjectAdmin

from .models import AnnualReport, Interview, ReportSeries


class ReportInline(admin.TabularInline):
    model = AnnualReport.projects.through
    extra = 0
    autocomplete_fields = ("annualreport",)
    verbose_name = _("Jahresbericht")
    verbose_name_plural = _("Jahresberichte")


class InterviewInline(TranslationStackedInline):
    model = Interview
    extra = 0
    autocomplete_fields = ("interviewer", "interviewees")
    fields = ("title", "headline", "teaser", "interviewer", "interviewees", "url", "published")


# Reports and interviews are edited on the project page too; ``projects`` does not import
# this app.
ProjectAdmin.inlines = [*ProjectAdmin.inlines, ReportInline, InterviewInline]


@admin.register(ReportSeries)
class ReportSeriesAdmin(TabbedTranslationAdmin):
    list_display = ("title", "slug")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "year", "series", "size_display", "page_count", "is_placeholder", "published")
    list_filter = ("published", "is_placeholder", "series", "projects")
    list_select_related = ("series",)
    search_fields = ("year", "series__title", "projects__title")
    autocomplete_fields = ("projects",)
    readonly_fields = ("file_size", "page_count", "updated_at")
    fields = (
        "series",
        "year",
        "projects",
        "file",
        "is_placeholder",
        "published",
        "file_size",
        "page_count",
        "updated_at",
        "editor_notes",
    )

    @admin.display(description=_("Größe"), ordering="file_size")
    def size_display(self, report):
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(report.file_size) if report.file_size else "–"


@admin.register(Interview)
class InterviewAdmin(TabbedTranslationAdmin):
    list_display = ("title", "project", "interviewer", "published")
    list_filter = ("published", "project")
    list_select_related = ("project", "interviewer")
    search_fields = ("title", "headline", "teaser")
    autocomplete_fields = ("project", "interviewer", "interviewees")
