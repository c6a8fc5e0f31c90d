from django.views.generic import ListView

from .models import Person


class PersonListView(ListView):
    """The people named on published projects, by group. A person's page, which shows
    interviews from ``reports`` as well, is composed in ``clusterspace.composed``."""

    template_name = "people/person_list.html"
    context_object_name = "people"

    def get_queryset(self):
        return Person.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = {value: [] for value in Person.Group.values}
        for person in context["people"]:
            groups[person.group].append(person)
        context["groups"] = [
            (label, groups[value]) for value, label in Person.Group.choices if groups[value]
        ]
        return context
