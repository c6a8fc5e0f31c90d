"""The accessibility statement's hand-written line about the annual reports gives way to
the list generated from each report's upload check ("[Dokumentenliste]")."""

from django.db import migrations

OLD = {
    "body_de": (
        "- Jahresberichte: Die PDF-Dateien der Jahresberichte sind zurzeit Platzhalter. Sie "
        "sind nicht für Screenreader ausgezeichnet (kein „getaggtes“ PDF) und damit nicht "
        "barrierefrei. Die Originalberichte werden nachgereicht und vor der Veröffentlichung "
        "auf Barrierefreiheit geprüft. Den Inhalt eines Berichts in zugänglicher Form "
        "erhalten Sie auf Anfrage über den Kontakt unten.\n"
    ),
    "body_en": (
        "- Annual reports: for now the annual reports' PDF files are placeholders. They are "
        "not tagged for screen readers and therefore not accessible. The original reports "
        "will follow and will be checked for accessibility before they are published. On "
        "request, we provide the content of a report in an accessible form: see the contact "
        "below.\n"
    ),
}
TAIL = {
    "body_de": "- Verlinkte Seiten anderer Anbieter liegen nicht in unserer Verantwortung.",
    "body_en": "- Linked pages of other providers are not our responsibility.",
}
MARKER = {"body_de": "[Dokumentenliste]", "body_en": "[Document list]"}


def generated_list(apps, schema_editor):
    # Only a text the editors have not changed there: an edited statement stays theirs.
    Page = apps.get_model("clusterspace", "Page")
    for page in Page.objects.filter(slug="barrierefreiheit"):
        changed = []
        for field in ("body_de", "body_en"):
            text = getattr(page, field) or ""
            if OLD[field] in text and TAIL[field] in text:
                text = text.replace(OLD[field], "")
                text = text.replace(TAIL[field], f"{TAIL[field]}\n\n{MARKER[field]}", 1)
                setattr(page, field, text)
                changed.append(field)
        if changed:
            page.body = page.body_de
            page.save(update_fields=[*changed, "body"])


def written_list(apps, schema_editor):
    Page = apps.get_model("clusterspace", "Page")
    for page in Page.objects.filter(slug="barrierefreiheit"):
        changed = []
        for field in ("body_de", "body_en"):
            text = getattr(page, field) or ""
            generated = f"{TAIL[field]}\n\n{MARKER[field]}"
            if generated in text:
                text = text.replace(generated, TAIL[field], 1)
                first = text.index("\n- ") + 1 if "\n- " in text else len(text)
                setattr(page, field, text[:first] + OLD[field] + text[first:])
                changed.append(field)
        if changed:
            page.body = page.body_de
            page.save(update_fields=[*changed, "body"])


class Migration(migrations.Migration):
    dependencies = [("clusterspace", "0004_editor_group")]

    operations = [migrations.RunPython(generated_list, written_list)]
