from django.http import Http404
from django.views.generic import DetailView, ListView

from .models import Person
from .page_queries import person_for_page, public_people_for_listing


class PersonListView(ListView):
    template_name = "people/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        # Prepared queries (people.page_queries): the same rows as
        # ``public().for_listing()``, without compiling the SQL on every request.
        return public_people_for_listing()

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
