from django.db.models import Case, Value, When
from django.views.generic import ListView

from core.pagination import PagedMixin

from .models import Person


class PersonListView(PagedMixin, ListView):
    """Everyone named on a published project, by group (team, former, partners), by name.
    A person's page, which shows interviews from ``reports`` as well, is composed in
    ``website.views``."""

    template_name = "people/person_list.html"
    context_object_name = "people"
    # 100 one-line entries: the index stays one page for a chair's archive and becomes
    # pages of a readable length for a faculty's.
    paginate_by = 100

    def get_queryset(self):
        # The groups in the order of Person.Group, each by name: a page's people come
        # in runs of a group, which the page shows under the group's heading.
        group_order = Case(
            *(When(group=value, then=Value(n)) for n, value in enumerate(Person.Group.values)),
            default=Value(len(Person.Group.values)),
        )
        return Person.objects.public().for_listing().order_by(group_order, *Person._meta.ordering)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = {value: [] for value in Person.Group.values}
        for person in context["people"]:
            groups[person.group].append(person)
        context["groups"] = [
            (label, groups[value]) for value, label in Person.Group.choices if groups[value]
        ]
        return context
