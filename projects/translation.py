"""Fields a visitor reads, in German (default) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Funding, Organisation, Project, ProjectLink


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("title", "subtitle", "description")


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "description", "logo_alt")


@register(Funding)
class FundingTranslationOptions(TranslationOptions):
    fields = ("name_as_listed", "short_name_as_listed")


@register(ProjectLink)
class ProjectLinkTranslationOptions(TranslationOptions):
    fields = ("label",)
