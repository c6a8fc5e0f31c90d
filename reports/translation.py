"""Fields a visitor reads, in German (default) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Interview, ReportSeries


@register(ReportSeries)
class ReportSeriesTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Interview)
class InterviewTranslationOptions(TranslationOptions):
    fields = ("title", "headline", "teaser")
