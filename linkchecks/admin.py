"""The link check's findings in the admin, and taking over a moved address."""

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects.models import ProjectLink
from reports.models import Interview

from .checks import replace_address
from .models import LinkCheck


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
