"""The home tiles and the unit-card links of the compliance part open to the right people only."""

from __future__ import annotations

import pytest

from core.sections import sections_for, unit_links_for

pytestmark = pytest.mark.django_db


def codes(items) -> set[str]:
    return {item["code"] for item in items}


def test_the_compliance_tile_shows_for_those_who_see_compliance_and_my_evaluation_for_everyone(personas):
    assert "orglife.compliance" in codes(sections_for(personas.propaganda))
    assert "orglife.compliance" not in codes(sections_for(personas.student))
    assert "orglife.my_evaluation" in codes(sections_for(personas.student))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("student", set()),
        ("propaganda", {"orglife.compliance", "orglife.talks"}),
        ("secretary", {"orglife.compliance", "orglife.talks", "orglife.evaluations"}),
        ("outsider", set()),
    ],
)
def test_a_branchs_card_links_to_what_the_person_may_open(tree, personas, name, expected):
    found = codes(unit_links_for(getattr(personas, name), tree.branch_a1)) & {
        "orglife.compliance",
        "orglife.talks",
        "orglife.evaluations",
    }
    assert found == expected


def test_a_colleges_card_links_only_to_its_compliance(tree, personas):
    found = codes(unit_links_for(personas.college_officer, tree.college_a))
    assert "orglife.compliance" in found
    assert not found & {"orglife.talks", "orglife.evaluations"}
