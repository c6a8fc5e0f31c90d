"""No lost edit when two editors change the same entry: a form remembers the state it was
opened on, and a save or deletion of an entry changed in between is refused with who
and when, the editor's input kept (docs/editing.md).
"""

import hashlib
from contextlib import suppress
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reversion.models import Version

from .models import EditPresence

TOKEN_FIELD = "edit_token"
# How long an opened change form counts as open: no script reports a closed tab.
PRESENCE_WINDOW = timedelta(minutes=30)


class EditState:
    """An entry's stored state: one digest for the entry and one per inline's rows."""

    def __init__(self, parts):
        self.parts = parts  # [(label, rows)], the entry itself first
        self.digests = [digest(rows) for _label, rows in parts]
        self.token = "-".join(self.digests)

    def changed_parts(self, token):
        """Labels of the inline sections whose rows differ from those of ``token``."""
        opened = token.split("-")
        return [
            label
            for index, (label, _rows) in enumerate(self.parts)
            if index and (index >= len(opened) or opened[index] != self.digests[index])
        ]


def opened_key(obj):
    """The session key under which the state of an opened change form is kept."""
    return f"edit-opened:{obj._meta.label_lower}:{obj.pk}"


def digest(rows):
    data = serializers.serialize("json", rows)
    return hashlib.sha256(data.encode()).hexdigest()[:24]


def last_change(obj):
    """``(who, when)`` of the newest version of ``obj`` in the history, or ``None``."""
    version = Version.objects.get_for_object(obj).select_related("revision__user").first()
    if version is None:
        return None
    user = version.revision.user
    who = (user.get_full_name() or user.get_username()) if user else _("jemand anderes")
    return who, version.revision.date_created


def describe_change(obj):
    change = last_change(obj)
    if change is None:
        return _("von jemand anderem")
    who, when = change
    return _("von %(who)s am %(when)s") % {
        "who": who,
        "when": date_format(timezone.localtime(when), "DATETIME_FORMAT"),
    }


def stored_value(instance, name):
    """A field's stored value as an editor reads it."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return "–"
    if field.many_to_many:
        return "; ".join(str(item) for item in getattr(instance, name).all()) or "–"
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")()) or "–"
    value = getattr(instance, name)
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if value in (None, ""):
        return "–"
    return str(value)


class EditConflictMixin:
    """For a ModelAdmin: refuse saves and deletions of an entry that changed since the
    editor opened it, and show who else has it open."""

    def edit_state(self, request, obj):
        parts = [("", [obj])]
        for inline in self.get_inline_instances(request, obj):
            # The rows the inline's formset edits (foreign key or generic relation).
            formset = inline.get_formset(request, obj)(
                instance=obj, queryset=inline.get_queryset(request)
            )
            rows = formset.get_queryset().order_by("pk")
            parts.append((str(inline.verbose_name_plural), list(rows)))
        return EditState(parts)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (checked_delete_selected, name, description)
        return actions

    def lock(self, object_id):
        """Lock the entry's row for the rest of the transaction (PostgreSQL)."""
        with suppress(ValueError, ValidationError):  # not an id: get_object() answers
            list(self.model.objects.select_for_update().filter(pk=object_id).values("pk"))

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST" and from_field is None:
            self.lock(object_id)
        return super().get_object(request, object_id, from_field)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], TOKEN_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and self.has_change_permission(request, obj):
            state = self.edit_state(request, obj)
            kwargs["form"] = conflict_checked(kwargs.get("form", self.form), obj, state)
        return super().get_form(request, obj, change=change, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if obj is not None and TOKEN_FIELD in form.fields:
            self.note_presence(request, obj)
            # Remembered for the delete link: deleting is checked against the state the
            # change form shows (the state it was opened on, or the stored one it now
            # shows beside the editor's input after a refused save).
            request.session[opened_key(obj)] = form.fields[TOKEN_FIELD].initial
        return super().render_change_form(request, context, add, change, form_url, obj)

    def note_presence(self, request, obj):
        now = timezone.now()
        EditPresence.objects.filter(seen_at__lt=now - PRESENCE_WINDOW).delete()
        present = EditPresence.objects.for_object(obj)
        others = present.exclude(user=request.user).select_related("user")
        names = [
            _("%(who)s (seit %(time)s)")
            % {
                "who": other.user.get_full_name() or other.user.get_username(),
                "time": date_format(timezone.localtime(other.opened_at), "TIME_FORMAT"),
            }
            for other in others
        ]
        if names:
            messages.warning(
                request,
                _(
                    "Diesen Eintrag hat zurzeit auch geöffnet: %(names)s. Wer später "
                    "speichert, sieht die Änderungen des anderen und kann sie übernehmen."
                )
                % {"names": ", ".join(names)},
            )
        mine = present.filter(user=request.user).first()
        if mine is None:
            EditPresence.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                user=request.user,
                opened_at=now,
                seen_at=now,
            )
        else:
            mine.seen_at = now
            mine.save(update_fields=["seen_at"])

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            EditPresence.objects.for_object(obj).filter(user=request.user).delete()
            request.session.pop(opened_key(obj), None)

    def delete_model(self, request, obj):
        EditPresence.objects.for_object(obj).delete()
        super().delete_model(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        """The confirmation carries the state its entry's change form was opened on (or,
        opened directly, its own) in its address, which the confirmation form posts back
        to; an entry changed since then is not deleted."""
        opened = request.GET.get(TOKEN_FIELD)
        with transaction.atomic(using=router.db_for_write(self.model)):
            if request.method == "POST":
                self.lock(unquote(object_id))
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_delete_permission(request, obj):
                return super().delete_view(request, object_id, extra_context)
            state = self.edit_state(request, obj)
            if opened is None and request.method == "GET":
                query = request.GET.copy()
                query[TOKEN_FIELD] = request.session.pop(opened_key(obj), state.token)
                return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
            if request.method == "POST" and opened is not None and opened != state.token:
                messages.error(
                    request,
                    _(
                        "Nicht gelöscht: „%(entry)s“ wurde geändert, seit Sie die Seite "
                        "geöffnet haben – %(change)s. Bitte den neuen Stand ansehen und dann "
                        "erneut entscheiden."
                    )
                    % {"entry": obj, "change": describe_change(obj)},
                )
                info = (self.opts.app_label, self.opts.model_name)
                return HttpResponseRedirect(
                    reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
                )
            return super().delete_view(request, object_id, extra_context)


def selection_key(modeladmin, objects):
    """The session key of a "delete selected" confirmation: its model and entries."""
    ids = ",".join(sorted(str(obj.pk) for obj in objects))
    return f"delete-selected:{modeladmin.opts.label_lower}:{digest_text(ids)}"


def digest_text(text):
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def checked_delete_selected(modeladmin, request, queryset):
    """Django's "delete selected" action, refused when one of the entries changed between
    the confirmation page and the editor's confirming it (as the single delete is)."""
    confirmed = bool(request.POST.get("post"))
    with transaction.atomic(using=router.db_for_write(modeladmin.model)):
        if confirmed:  # lock the rows (PostgreSQL) until the deletion commits
            list(queryset.select_for_update().values_list("pk", flat=True))
        objects = list(queryset)
        states = {str(obj.pk): modeladmin.edit_state(request, obj).token for obj in objects}
        key = selection_key(modeladmin, objects)
        if not confirmed:
            request.session[key] = states
            return delete_selected(modeladmin, request, queryset)
        opened = request.session.pop(key, {})
        changed = [obj for obj in objects if opened.get(str(obj.pk)) != states[str(obj.pk)]]
        if changed:
            messages.error(
                request,
                _(
                    "Nichts gelöscht: %(entries)s wurde geändert, seit Sie die Bestätigung "
                    "geöffnet haben. Bitte den neuen Stand ansehen und dann erneut entscheiden."
                )
                % {
                    "entries": "; ".join(
                        _("„%(entry)s“ (%(change)s)")
                        % {"entry": obj, "change": describe_change(obj)}
                        for obj in changed
                    )
                },
            )
            return None  # the list again, nothing deleted
        return delete_selected(modeladmin, request, queryset)


def conflict_checked(base, obj, state):
    """``base`` (a ModelForm class) with the hidden state field and the check."""

    class ConflictCheckedForm(base):
        edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields[TOKEN_FIELD].initial = state.token

        def clean(self):
            cleaned = super().clean()
            opened = self.data.get(self.add_prefix(TOKEN_FIELD))
            if opened and opened != state.token:
                self.report_conflict(opened)
            return cleaned

        def report_conflict(self, opened):
            message = _(
                "Dieser Eintrag wurde geändert, während Sie ihn bearbeitet haben – "
                "%(change)s. Ihre Eingaben sind erhalten; wo der gespeicherte Stand davon "
                "abweicht, steht er beim Feld. Bitte übernehmen, was bleiben soll, und "
                "erneut speichern."
            ) % {"change": describe_change(obj)}
            sections = state.changed_parts(opened)
            if sections:
                rows = dict(state.parts)
                message += " " + _("Geändert wurden auch die Zeilen in: %(sections)s.") % {
                    "sections": "; ".join(
                        _("%(section)s (gespeichert: %(rows)s)")
                        % {
                            "section": section,
                            "rows": ", ".join(str(row) for row in rows[section]) or "–",
                        }
                        for section in sections
                    )
                }
            self.add_error(None, message)
            # The form was built on the stored entry: its initial values are the stored
            # ones, so ``changed_data`` names exactly the fields that now differ.
            for name in self.changed_data:
                if name != TOKEN_FIELD and name in self.fields:
                    self.add_error(
                        name,
                        _("Gespeicherter Stand: %(value)s")
                        % {"value": stored_value(self.instance, name)},
                    )
            # The editor has now seen the stored state: saving again is her decision.
            data = self.data.copy()
            data[self.add_prefix(TOKEN_FIELD)] = state.token
            self.data = data

    return ConflictCheckedForm
