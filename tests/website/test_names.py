"""Names joined as the source joins them: "A; B und C" (website.templatetags.site_tags)."""

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from projects.models import Funding, Project
from website.templatetags.site_tags import by_kind, join_names

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("parts", "german", "english"),
    [
        ([], "", ""),
        (["Anna Vogel, M.A."], "Anna Vogel, M.A.", "Anna Vogel, M.A."),
        (["A", "B"], "A und B", "A and B"),
        (["A, M.A.", "B", "C"], "A, M.A.; B und C", "A, M.A.; B and C"),
    ],
)
def test_names_are_joined_with_semicolons_and_und(parts, german, english):
    with translation.override("de"):
        assert join_names(parts) == german
    with translation.override("en"):
        assert join_names(parts) == english


def test_text_is_escaped_and_html_kept():
    joined = join_names(["<b>", mark_safe('<a href="/x/">X</a>')])
    assert joined == '&lt;b&gt; und <a href="/x/">X</a>'


def test_fundings_come_in_runs_of_their_kind(archive):
    fundings = list(Funding.objects.filter(project__code="P04").in_project_order())
    groups = by_kind(fundings)
    assert [label for label, _group in groups] == [str(Funding.Kind.FUNDER.label)]
    assert sum(len(group) for _label, group in groups) == len(fundings) == 2


def test_project_page_joins_funders_with_links(client, archive):
    project = Project.objects.get(code="P04")
    html = client.get(project.get_absolute_url()).content.decode()
    fundings = list(project.fundings.select_related("organisation"))
    first, second = (
        f'<a href="{funding.organisation.get_absolute_url()}">' for funding in fundings
    )
    assert first in html and second in html
    assert f"</a> und {second}" in html
