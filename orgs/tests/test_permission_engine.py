from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.permissions import can, in_scope, require, scope_q
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db


def test_a_position_reaches_its_unit_and_everything_below(tree, personas):
    officer = personas.college_officer
    assert can(officer, "orgs.view_members", tree.college_a)
    assert can(officer, "orgs.view_members", tree.branch_a1)
    assert can(officer, "orgs.view_members", tree.group_a1)
    assert not in_scope(officer, tree.college_b)
    assert not in_scope(officer, tree.university)


def test_it_answers_404_outside_scope_and_403_without_the_right(tree, personas):
    with pytest.raises(Http404):
        require(personas.outsider, "orgs.view_members", tree.branch_a1)
    with pytest.raises(PermissionDenied):
        require(personas.propaganda, "orgs.manage_positions", tree.branch_a1)
    require(personas.secretary, "orgs.manage_positions", tree.branch_a1)


def test_people_without_positions_have_no_scope(tree, personas):
    assert not in_scope(personas.student, tree.branch_a1)
    assert list(OrgUnit.objects.filter(scope_q(personas.student))) == []


def test_scope_filter_lists_exactly_the_subtree(tree, personas):
    visible = set(
        OrgUnit.objects.filter(scope_q(personas.college_officer, "orgs.view_unit")).values_list(
            "code", flat=True
        )
    )
    assert visible == {"A", "A1", "A1G1", "A2"}


def test_system_admin_reaches_everything(tree, personas):
    assert can(personas.system_admin, "anything.at_all", tree.branch_b1)


def test_an_ended_term_grants_nothing(tree, personas):
    from datetime import date

    position = personas.secretary.positions.get()
    position.end_date = date(2021, 1, 1)
    position.save()
    personas.secretary.refresh_from_db()
    fresh = type(personas.secretary).objects.get(pk=personas.secretary.pk)
    assert not in_scope(fresh, tree.branch_a1)
