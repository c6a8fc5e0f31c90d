from django.db import migrations
from django.db.models import Q

from people import sorting


def index_interview_people(apps, schema_editor):
    """The people index's entries of the people named in published interviews of
    published projects (people's migration made those of the role holders)."""
    Person = apps.get_model("people", "Person")
    IndexEntry = apps.get_model("people", "IndexEntry")
    Interview = apps.get_model("reports", "Interview")
    public = Interview.objects.filter(published=True, project__published=True)
    named = Person.objects.filter(
        Q(pk__in=public.values("interviewer")) | Q(pk__in=public.values("interviewees"))
    ).exclude(pk__in=IndexEntry.objects.values("person"))
    rows = named.values_list("pk", "given_name", "family_name")
    IndexEntry.objects.bulk_create(
        IndexEntry(person_id=pk, **sorting.index_keys(given, family)) for pk, given, family in rows
    )


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_index_entry'),
        ('reports', '0007_report_list_order'),
    ]

    operations = [
        migrations.RunPython(index_interview_people, migrations.RunPython.noop, elidable=True),
    ]
