"""Filters for the project list: status, funder, person, year; combinable, in the URL.

Plain GET parameters (``?status=laufend&funder=efre&person=stephan-duschek&year=2021``)
so that every filtered list has an address to share. A value that names nothing (a
mistyped slug, a year out of range) is ignored with a note; it never causes an error.

The person filter reaches into ``people`` (roles), so the filters and their page are
composed here rather than in ``projects``.
"""

from django import forms
from django.db.models import Count, Max, Min, Q
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.months import YearMonth
from people.models import Person
from projects.models import Organisation, Project

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
        super().__init__(data)
        self.funders = {organisation.slug: organisation for organisation in funders}
        self.people = {person.slug: person for person in people}
        everything = [("", _("alle"))]
        self.fields["status"].choices = everything + list(Project.Status.choices)
        self.fields["funder"].choices = everything + [
            (organisation.slug, organisation.short_name or organisation.name)
            for organisation in funders
        ]
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
        if "funder" in active:
            projects = projects.filter(fundings__organisation__slug=active["funder"])
        if "person" in active:
            projects = projects.filter(roles__person__slug=active["person"])
        if "year" in active:
            year = int(active["year"])
            projects = projects.filter(start_year__lte=year).filter(
                Q(end_year__gte=year) | Q(end_year__isnull=True)
            )
        return projects.distinct() if {"funder", "person"} & active.keys() else projects

    def summary(self):
        """The active filters as (label, value shown, address without this filter)."""
        active = self.active()
        shown = {
            "status": lambda value: Project.Status(value).label,
            "funder": lambda value: str(self.funders[value]),
            "person": lambda value: self.people[value].full_name,
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


def filter_choices():
    """The choices' data, in three queries: funders, people, the years projects run."""
    public = Project.objects.published()
    funders = list(
        Organisation.objects.filter(fundings__project__in=public).distinct().order_by("name")
    )
    people = list(
        Person.objects.filter(roles__project__in=public)
        .distinct()
        .order_by("family_name", "given_name")
    )
    span = public.aggregate(
        first=Min("start_year"),
        last=Max("end_year"),
        open_ended=Count("pk", filter=Q(end_year__isnull=True)),
    )
    years = []
    if span["first"]:
        last = span["last"] or span["first"]
        if span["open_ended"]:
            last = max(last, YearMonth.today().year)
        years = list(range(last, span["first"] - 1, -1))
    return {"funders": funders, "people": people, "years": years}
