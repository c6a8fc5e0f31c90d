"""Fields a visitor reads, in German (default) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Page, SiteIdentity


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(SiteIdentity)
class SiteIdentityTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "chair",
        "institution",
        "description",
        "introduction",
        "footer_lines",
        "admin_header",
    )
