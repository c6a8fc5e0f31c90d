"""The project list's filters (status, funder, person, year) as plain GET parameters, so
that every filtered list has an address; a value that names nothing is ignored with a
note. Composed here because the person filter reaches into ``people``.
"""

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from people.models import Person, Role
from projects.models import Funding, Organisation, Project

# Entries a select offers at most: a chair's or a faculty's funders and people.
CHOICE_LIMIT = 200

STATUS_FILTERS = {
    Project.Status.PLANNED: "planned",
    Project.Status.ONGOING: "ongoing",
    Project.Status.COMPLETED: "completed",
}


class ProjectFilterForm(forms.Form):
    """The filter form; its choices come from the published projects only."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    funder = forms.ChoiceField(label=_("Förderer"), required=False)
    person = forms.ChoiceField(label=_("Person"), required=False)
    year = forms.ChoiceField(label=_("Jahr"), required=False)

    def __init__(self, data, *, funders, people, years):
        """``funders``, ``people``: the choices, or None for too many to list (a text
        field then takes a name)."""
        super().__init__(data)
        self.funders = {organisation.slug: organisation for organisation in funders or []}
        self.people = {person.slug: person for person in people or []}
        self.funders_typed = funders is None
        self.people_typed = people is None
        everything = [("", _("alle"))]
        self.fields["status"].choices = everything + list(Project.Status.choices)
        if funders is None:
            self.fields["funder"] = forms.CharField(
                label=_("Förderer"), required=False, max_length=100
            )
        else:
            self.fields["funder"].choices = everything + [
                (organisation.slug, organisation.short_name or organisation.name)
                for organisation in funders
            ]
        if people is None:
            self.fields["person"] = forms.CharField(
                label=_("Person"), required=False, max_length=100
            )
        else:
            self.fields["person"].choices = everything + [
                (person.slug, f"{person.family_name}, {person.given_name}") for person in people
            ]
        self.fields["year"].choices = everything + [(str(year), str(year)) for year in years]

    def active(self):
        """The valid, non-empty filters: {name: value}."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def ignored(self):
        """The filters that named nothing, as (label, value) pairs for a calm note."""
        if not self.is_bound:
            return []
        self.is_valid()
        return [(self.fields[name].label, self.data.get(name, "")) for name in self.errors]

    def apply(self, projects):
        active = self.active()
        if "status" in active:
            projects = getattr(projects, STATUS_FILTERS[active["status"]])()
        # EXISTS, not a join: no DISTINCT over the archive, and the list reads its page
        # off its order's index, testing each project until the page is full.
        if "funder" in active:
            value = active["funder"]
            match = Q(organisation__slug=value)
            if self.funders_typed:
                match |= Q(organisation__name__icontains=value) | Q(
                    organisation__short_name__iexact=value
                )
            projects = projects.filter(
                Exists(Funding.objects.filter(match, project=OuterRef("pk")))
            )
        if "person" in active:
            value = active["person"]
            match = Q(person__slug=value)
            if self.people_typed:
                match |= Q(person__family_name__icontains=value) | Q(
                    person__given_name__icontains=value
                )
            projects = projects.filter(Exists(Role.objects.filter(match, project=OuterRef("pk"))))
        if "year" in active:
            year = int(active["year"])
            projects = projects.filter(start_year__lte=year).filter(
                Q(end_year__gte=year) | Q(end_year__isnull=True)
            )
        return projects

    def summary(self):
        """The active filters as (label, value shown, address without this filter)."""
        active = self.active()
        shown = {
            "status": lambda value: Project.Status(value).label,
            "funder": lambda value: str(self.funders[value]) if value in self.funders else value,
            "person": lambda value: self.people[value].full_name if value in self.people else value,
            "year": str,
        }
        return [
            (
                self.fields[name].label,
                shown[name](value),
                "?" + urlencode({k: v for k, v in active.items() if k != name}),
            )
            for name, value in active.items()
        ]

    def status_links(self):
        """Each status as a link that keeps the other filters: (label, query, current)."""
        active = self.active()
        links = []
        for value, label in [("", _("alle")), *Project.Status.choices]:
            query = {k: v for k, v in active.items() if k != "status"}
            if value:
                query["status"] = value
            links.append((label, "?" + urlencode(query), active.get("status", "") == value))
        return links


def _listed(entries):
    """The entries as a list, or None when there are more than ``CHOICE_LIMIT``: one query
    for at most one more."""
    entries = list(entries[: CHOICE_LIMIT + 1])
    return entries if len(entries) <= CHOICE_LIMIT else None


def filter_choices():
    """The choices' data, in three queries: funders, people (None for too many to list),
    the years projects run."""
    public = Project.objects.published()
    funders = _listed(Organisation.objects.funding_public_projects().order_by("name"))
    people = _listed(Person.objects.with_public_roles().order_by("family_name", "given_name"))
    span = public.year_span()
    years = list(range(span[1], span[0] - 1, -1)) if span else []
    return {"funders": funders, "people": people, "years": years}
