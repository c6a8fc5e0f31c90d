"""The grown archive of ``make bench`` (scripts/bench.py): copies of the real five that the
site serves like the originals. If a model changes so that the copy breaks, this fails
here rather than in the middle of a benchmark."""

import importlib.util
from pathlib import Path

import pytest
from django.apps import apps

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture
def bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def count(label):
    return apps.get_model(label).objects.count()


def test_the_archive_grows_by_copies_of_the_real_five(archive, bench, client, capsys):
    labels = ("projects.Project", "projects.Funding", "people.Person", "people.Role")
    before = {label: count(label) for label in labels}
    organisations = count("projects.Organisation")

    bench.generate(15)

    assert "15 projects" in capsys.readouterr().out
    # Three archives' worth of everything that hangs off a project; funders are shared.
    assert {label: count(label) for label in labels} == {
        label: 3 * n for label, n in before.items()
    }
    assert count("projects.Organisation") == organisations

    original = apps.get_model("projects.Project").objects.get(slug="alfaclu")
    copy = apps.get_model("projects.Project").objects.get(slug="alfaclu-2")
    assert copy.code == f"{original.code}-2"
    assert copy.title_de == original.title_de
    assert set(copy.fundings.values_list("organisation", flat=True)) == set(
        original.fundings.values_list("organisation", flat=True)
    )
    # The copy's roles are held by the copy's own people, not the original's.
    people = [
        set(project.roles.filter(person__isnull=False).values_list("person", flat=True))
        for project in (original, copy)
    ]
    assert people[0]
    assert len(people[1]) == len(people[0])
    assert not people[0] & people[1]
    response = client.get(copy.get_absolute_url())
    assert response.status_code == 200
    assert original.title_de in response.text


def test_every_page_the_benchmark_measures_answers(archive, bench, client):
    bench.generate(10)
    pages = dict(bench.pages_to_measure())

    assert len(pages) == 13
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name
