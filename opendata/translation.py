"""Fields a visitor reads, in German (default) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import OpenDataLicence


@register(OpenDataLicence)
class OpenDataLicenceTranslationOptions(TranslationOptions):
    fields = ("attribution",)
