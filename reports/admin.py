import reversion
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline
from reversion.admin import VersionAdmin

from core.admin import (
    HTTPS_URL_FIELDS,
    CurrentFileWidget,
    MissingEnglishFilter,
    VersionedTranslationAdmin,
)
from core.edit_conflicts import EditConflictMixin

from .models import AnnualReport, Interview, ProjectReport, ReportSeries
from .processing import process_report_file
from .validators import max_upload_bytes

# After modeltranslation added the language fields (see projects.admin).
for model in (ReportSeries, AnnualReport, Interview):
    reversion.register(model)


# ReportInline and InterviewInline: on the project's admin page (editors.admin).
class ReportInline(admin.TabularInline):
    """The project's annual reports (rows of the relation, named by their report)."""

    model = ProjectReport
    extra = 0
    autocomplete_fields = ("annualreport",)
    verbose_name = _("Jahresbericht")
    verbose_name_plural = _("Jahresberichte")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The relation's own columns are named by Django ("annualreport"), not for editors.
        if db_field.name == "annualreport":
            kwargs["label"] = _("Jahresbericht")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class InterviewInline(TranslationStackedInline):
    model = Interview
    extra = 0
    formfield_overrides = HTTPS_URL_FIELDS
    autocomplete_fields = ("interviewer", "interviewees")
    fields = ("title", "headline", "teaser", "interviewer", "interviewees", "url", "published")


@admin.register(ReportSeries)
class ReportSeriesAdmin(VersionedTranslationAdmin):
    list_display = ("title", "slug")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}


class _LinkedName(str):
    """A stored file's name that links to the report's download page, not to /media/."""

    def __new__(cls, name, url):
        linked = super().__new__(cls, name)
        linked.url = url
        return linked


class ReportFileWidget(CurrentFileWidget):
    """The file input, accepting PDFs; "Derzeit" links to the download view.

    Report PDFs are not served under MEDIA_URL (unpublished reports stay private), so
    the usual link to the stored file would lead nowhere.
    """

    download_url = ""

    def __init__(self, attrs=None):
        super().__init__(attrs={"accept": "application/pdf,.pdf", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.download_url:
            context["widget"]["value"] = _LinkedName(str(value), self.download_url)
        return context


class AccessibilityFilter(admin.SimpleListFilter):
    """Reports by what the upload check found (``AnnualReport.accessibility_gaps``)."""

    title = _("Barrierefreiheit")
    parameter_name = "barrierefrei"

    def lookups(self, request, model_admin):
        return (("ja", _("barrierefrei")), ("nein", _("nicht barrierefrei")))

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.accessible()
        if self.value() == "nein":
            return queryset.not_accessible()
        return queryset


@admin.register(AnnualReport)
class AnnualReportAdmin(EditConflictMixin, VersionAdmin):
    list_display = (
        "__str__",
        "year",
        "series",
        "size_display",
        "page_count",
        "accessibility_display",
        "is_placeholder",
        "published",
    )
    list_filter = ("published", AccessibilityFilter, "is_placeholder", "series", "projects")
    list_select_related = ("series",)
    search_fields = ("year", "series__title", "projects__title")
    autocomplete_fields = ("projects",)
    readonly_fields = (
        "cover_preview",
        "file_size",
        "page_count",
        "accessibility_display",
        "updated_at",
    )
    fields = (
        "series",
        "year",
        "projects",
        "file",
        "cover_preview",
        "is_placeholder",
        "published",
        "file_size",
        "page_count",
        "accessibility_display",
        "updated_at",
        "editor_notes",
    )
    actions = ["process_files"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["widget"] = ReportFileWidget
            kwargs["help_text"] = _(
                "Nur unverschlüsselte PDF-Dateien bis %(limit)s. Gespeichert unter einem Namen "
                "wie „jahresbericht-hamburger-cluster-2022.pdf“; Seitenzahl, Größe und "
                "Titelbild werden beim Hochladen gelesen."
            ) % {"limit": filesizeformat(max_upload_bytes())}
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.file and "file" in form.base_fields:
            form.base_fields["file"].widget.download_url = obj.get_download_url()
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        gaps = obj.accessibility_gaps
        if "file" in form.changed_data and gaps:
            # A warning, not a refusal: an archive keeps the report it has, and the
            # accessibility statement lists it until an accessible version replaces it.
            self.message_user(
                request,
                _(
                    "Die PDF-Datei ist nicht barrierefrei: %(gaps)s. Sie wurde trotzdem "
                    "gespeichert; die Erklärung zur Barrierefreiheit nennt sie, bis eine "
                    "barrierefreie Fassung hochgeladen ist. Bitte wenn möglich ein getaggtes "
                    "PDF mit Sprache und Titel exportieren (etwa in Word: „Barrierefreies PDF“)."
                )
                % {"gaps": ", ".join(str(gap) for gap in gaps)},
                messages.WARNING,
            )

    @admin.display(description=_("Barrierefreiheit"))
    def accessibility_display(self, report):
        gaps = report.accessibility_gaps
        if not gaps:
            return _("barrierefrei (getaggt, Sprache %(language)s, Titel)") % {
                "language": report.pdf_language
            }
        return _("nicht barrierefrei: %(gaps)s") % {"gaps": ", ".join(str(g) for g in gaps)}

    @admin.display(description=_("Größe"), ordering="file_size")
    def size_display(self, report):
        return filesizeformat(report.file_size) if report.file_size else "\N{EN DASH}"

    @admin.display(description=_("Titelbild"))
    def cover_preview(self, report):
        if not report.has_cover:
            return _("Noch keines: Es entsteht beim Hochladen der PDF-Datei.")
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">',
            report.cover_fallback.url,
            report.cover_width,
            report.cover_height,
        )

    @admin.action(description=_("Seitenzahl, Größe und Titelbild neu aus der PDF-Datei lesen"))
    def process_files(self, request, queryset):
        done = 0
        for report in queryset.select_related("series"):
            try:
                process_report_file(report)
            except (ValidationError, OSError) as error:
                reason = (
                    "; ".join(error.messages)
                    if isinstance(error, ValidationError)
                    else _("Die Datei fehlt.")
                )
                self.message_user(request, f"{report}: {reason}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d Bericht neu gelesen.", "%(count)d Berichte neu gelesen.", done)
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(Interview)
class InterviewAdmin(VersionedTranslationAdmin):
    list_display = ("title", "project", "interviewer", "published")
    list_filter = ("published", MissingEnglishFilter, "project")
    list_select_related = ("project", "interviewer")
    search_fields = ("title", "headline", "teaser")
    autocomplete_fields = ("project", "interviewer", "interviewees")
    # Named, so that "published" (inherited from core.models.Publishable) stays below
    # the interview's own fields.
    fields = (
        "project",
        "title",
        "headline",
        "teaser",
        "interviewer",
        "interviewees",
        "url",
        "published",
        "position",
    )
