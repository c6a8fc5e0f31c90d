"""Fields a visitor reads, in German (default) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import OpenDataLicence, Page


@register(OpenDataLicence)
class OpenDataLicenceTranslationOptions(TranslationOptions):
    fields = ("attribution",)


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")
