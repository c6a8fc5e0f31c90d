"""The accessibility statement's hand-written line about the editors' area gives way to
the part generated from its state ("[Redaktionsbereich]", ``editors.accessibility``)."""

from django.db import migrations

OLD = {
    "body_de": (
        "- Redaktionsbereich: Der Bereich, in dem die Redaktion die Inhalte bearbeitet "
        "(Django-Administration), ist nicht öffentlich und wurde nicht vollständig auf "
        "Barrierefreiheit geprüft.\n"
    ),
    "body_en": (
        "- Editors' area: the area where the editors change the content (the Django admin) "
        "is not public and has not been fully checked for accessibility.\n"
    ),
}
AFTER = {"body_de": "[Dokumentenliste]", "body_en": "[Document list]"}
MARKER = {"body_de": "[Redaktionsbereich]", "body_en": "[Editors' area]"}


def replace(page, field, old, new):
    text = getattr(page, field) or ""
    if old not in text:
        return False
    setattr(page, field, text.replace(old, new, 1))
    return True


def generated_part(apps, schema_editor):
    # Only a text the editors have not changed there: an edited statement stays theirs.
    Page = apps.get_model("pages", "Page")
    for page in Page.objects.filter(slug="barrierefreiheit"):
        changed = [
            field
            for field in OLD
            if AFTER[field] in (getattr(page, field) or "")
            and replace(page, field, OLD[field], "")
            and replace(page, field, AFTER[field], f"{AFTER[field]}\n\n{MARKER[field]}")
        ]
        if changed:
            page.body = page.body_de
            page.save(update_fields=[*changed, "body"])


def written_part(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    for page in Page.objects.filter(slug="barrierefreiheit"):
        changed = []
        for field in OLD:
            text = getattr(page, field) or ""
            generated = f"{AFTER[field]}\n\n{MARKER[field]}"
            tail = text.rfind("\n- ", 0, text.find(AFTER[field]))
            if generated in text and tail >= 0:
                text = text.replace(generated, AFTER[field], 1)
                setattr(page, field, text[: tail + 1] + OLD[field] + text[tail + 1 :])
                changed.append(field)
        if changed:
            page.body = page.body_de
            page.save(update_fields=[*changed, "body"])


class Migration(migrations.Migration):
    dependencies = [("pages", "0002_site_identity")]

    operations = [migrations.RunPython(generated_part, written_part)]
