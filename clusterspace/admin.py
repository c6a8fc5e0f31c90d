"""The site's own admin screens, and the admin screens that span apps.

A project is edited with its roles (``people``), reports and interviews (``reports``),
and its versions hold those rows too: composed here, so that ``projects`` never imports
the apps that build on it.
"""

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin import HTTPS_URL_FIELDS, VersionedTranslationAdmin
from people.admin import RoleInline
from projects.admin import PROJECT_FOLLOW, ProjectAdmin
from projects.models import Project, ProjectLink
from reports.admin import InterviewInline, ReportInline
from reports.models import Interview

from .links import replace_address
from .models import LinkCheck, OpenDataLicence, Page

# Before the admin below is created (VersionAdmin would register the model itself, with
# the inlines' relations only). Restoring a version restores the project's fundings and
# links, its roles and its interviews; reports are rows of their own (many projects).
reversion.register(Project, follow=(*PROJECT_FOLLOW, "roles", "interviews"))


@admin.register(Project)
class ComposedProjectAdmin(ProjectAdmin):
    """The project admin with the inlines of the apps that build on projects."""

    inlines = [*ProjectAdmin.inlines, RoleInline, ReportInline, InterviewInline]


# Versioned like the content, so that an edit conflict can name who changed a page.
for model in (OpenDataLicence, Page):
    reversion.register(model)


@admin.register(OpenDataLicence)
class OpenDataLicenceAdmin(VersionedTranslationAdmin):
    """One licence for all downloads: it can be changed, not added twice or deleted."""

    list_display = ("name", "url", "updated_at")
    fields = ("name", "url", "attribution")
    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OpenDataLicence.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(VersionedTranslationAdmin):
    """Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit, Leichte Sprache:
    one page per kind, German and English in tabs."""

    list_display = ("title", "slug", "published", "updated_at")
    list_editable = ("published",)
    search_fields = ("title", "body")
    fields = ("slug", "title", "body", "published", "updated_at")
    readonly_fields = ("updated_at",)

    def get_readonly_fields(self, request, obj=None):
        # The kind decides the page's address and footer link: fixed once created.
        if obj is not None:
            return (*self.readonly_fields, "slug")
        return self.readonly_fields


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    """The states ``manage.py check_links`` found; broken and moved addresses first to fix."""

    list_display = ("url", "state", "status", "new_url", "checked_at", "last_ok")
    list_filter = ("state",)
    search_fields = ("url", "new_url", "error")
    date_hierarchy = "checked_at"
    readonly_fields = (
        "url",
        "state",
        "status",
        "redirect_chain",
        "new_url",
        "error",
        "checked_at",
        "last_ok",
    )
    fields = readonly_fields
    actions = ("take_new_address",)

    @admin.display(description=gettext_lazy("Weiterleitungen"))
    def redirect_chain(self, check):
        hops = [f"{hop['status']} → {hop['url']}" for hop in check.redirects]
        return format_html_join(mark_safe("<br>"), "{}", ((hop,) for hop in hops)) or "–"

    def has_add_permission(self, request):
        return False  # rows come from manage.py check_links

    @admin.action(
        description=gettext_lazy("Neue Adresse übernehmen (dauerhaft umgezogene Links)"),
        permissions=("change",),
    )
    def take_new_address(self, request, queryset):
        moved = list(queryset.moved())
        skipped = queryset.count() - len(moved)
        for check in moved:
            with transaction.atomic(), reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(
                    _("Link „%(old)s“ durch „%(new)s“ ersetzt (Linkprüfung).")
                    % {"old": check.url, "new": check.new_url}
                )
                changed = replace_address(check.url, check.new_url)
                # A link or interview is part of its project's history (inline rows).
                for entry in changed:
                    if isinstance(entry, ProjectLink | Interview):
                        reversion.add_to_revision(entry.project)
                entries = len(changed)
                if entries:
                    # The new address answered when it was checked: it is the working one.
                    LinkCheck.objects.filter(url=check.new_url).exclude(pk=check.pk).delete()
                    check.url, check.new_url = check.new_url, ""
                    check.state = LinkCheck.State.WORKING
                    check.redirects = []
                    check.error = ""
                    check.save()
            if not entries:
                # Shown only as an identifier (ROR, Crossref, ORCID), or edited meanwhile.
                self.message_user(
                    request,
                    _(
                        "„%(old)s“ steht in keinem Link, Interview, Website-Feld oder Text; "
                        "bitte von Hand ändern, etwa als Kennung."
                    )
                    % {"old": check.url},
                    messages.WARNING,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "„%(new)s“ steht jetzt in %(count)d Eintrag.",
                    "„%(new)s“ steht jetzt in %(count)d Einträgen.",
                    entries,
                )
                % {"new": check.url, "count": entries},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d ausgewählte Adresse ist nicht dauerhaft umgezogen und blieb, "
                    "wie sie ist.",
                    "%(count)d ausgewählte Adressen sind nicht dauerhaft umgezogen und "
                    "blieben, wie sie sind.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
