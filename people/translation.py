"""Fields a visitor reads, in German (default) and English."""

from modeltranslation.translator import TranslationOptions, register

from .models import Person, Role, RoleKind


@register(Person)
class PersonTranslationOptions(TranslationOptions):
    fields = ("affiliation",)


@register(RoleKind)
class RoleKindTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Role)
class RoleTranslationOptions(TranslationOptions):
    fields = ("affiliation_as_listed",)
