from django.db.models import Case, Value, When
from django.http import Http404
from django.views.generic import DetailView, ListView

from projects.pagination import PagedMixin

from .models import Person
from .page_queries import person_for_page


class PersonListView(PagedMixin, ListView):
    """Everyone named on a published project, by group (team, former, partners), by name."""

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


class PersonDetailView(DetailView):
    """A person's roles and interviews. Prepared queries (people.page_queries): the same
    rows as ``for_listing()`` and the person's interviews, without compiling the SQL on
    every request."""

    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        found = person_for_page(self.kwargs["slug"], for_editor=self.request.user.is_staff)
        if found is None:
            raise Http404("Keine Person unter dieser Adresse.")
        person, self.interviews = found
        return person

    def get_context_data(self, **kwargs):
        return super().get_context_data(interviews=self.interviews, **kwargs)
