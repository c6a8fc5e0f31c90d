import reversion
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from core.admin import VersionedTranslationAdmin, image_preview

from .models import Person, Role, RoleKind

# After modeltranslation added the language fields (see projects.admin).
for model in (Person, RoleKind, Role):
    reversion.register(model)


class RoleInline(TranslationTabularInline):
    """Roles on the project's admin page (composed in editors.admin)."""

    model = Role
    extra = 0
    autocomplete_fields = ("person",)
    fields = (
        "kind",
        "person",
        "is_former",
        "title_before_as_listed",
        "title_after_as_listed",
        "affiliation_as_listed",
        "position",
    )
    verbose_name = _("Rolle im Projekt")
    verbose_name_plural = _("Rollen im Projekt")


class PersonRoleInline(TranslationTabularInline):
    model = Role
    fk_name = "person"
    extra = 0
    autocomplete_fields = ("project",)
    fields = ("project", "kind", "is_former", "title_before_as_listed", "title_after_as_listed")
    verbose_name = _("Rolle")
    verbose_name_plural = _("Rollen in Projekten")


@admin.register(Person)
class PersonAdmin(VersionedTranslationAdmin):
    list_display = (
        "family_name",
        "given_name",
        "title_before",
        "title_after",
        "group",
        "role_count",
    )
    list_display_links = ("family_name", "given_name")
    list_filter = ("group", "roles__kind")
    search_fields = ("given_name", "family_name", "title_before", "title_after", "affiliation")
    prepopulated_fields = {"slug": ("given_name", "family_name")}
    inlines = [PersonRoleInline]
    fields = (
        "title_before",
        "given_name",
        "family_name",
        "title_after",
        "slug",
        "orcid",
        "affiliation",
        "group",
        "photo",
        "photo_preview",
    )
    readonly_fields = ("photo_preview",)

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(roles_total=Count("roles"))

    @admin.display(description=_("Foto auf der Website"))
    def photo_preview(self, person):
        return image_preview(person, "photo")

    @admin.display(description=_("Rollen"), ordering="roles_total")
    def role_count(self, person):
        return person.roles_total


@admin.register(RoleKind)
class RoleKindAdmin(VersionedTranslationAdmin):
    list_display = ("name", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Role)
class RoleAdmin(VersionedTranslationAdmin):
    list_display = ("holder_display", "kind", "project", "is_former")
    list_filter = ("kind", "is_former", "project")
    search_fields = ("person__given_name", "person__family_name", "project__title", "kind__name")
    list_select_related = ("person", "kind", "project")
    autocomplete_fields = ("project", "person")

    @admin.display(description=_("Inhaber/in"))
    def holder_display(self, role):
        return role.holder_name
