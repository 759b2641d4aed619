"""The admin site for the organisation models."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AuditEvent
from orgs.admin import PositionTypeForm
from orgs.models import Membership, OrgUnit, PositionType, StatusChange

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["orgunit", "positiontype", "position", "membership", "statuschange"])
def test_every_list_opens(admin_client_for, model):
    response = admin_client_for.get(reverse(f"admin:orgs_{model}_changelist"), {"q": "甲"})
    assert response.status_code == 200


@pytest.fixture
def admin_client_for(client, personas):
    client.force_login(personas.system_admin)
    return client


def test_the_unit_tree_can_be_extended(admin_client_for, tree):
    response = admin_client_for.post(
        reverse("admin:orgs_orgunit_add"),
        {
            "name": "甲三支部",
            "code": "A3",
            "kind": "branch",
            "is_active": "on",
            "treebeard_position": "first-child",
            "treebeard_ref_node": tree.college_a.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = OrgUnit.objects.get(code="A3")
    assert unit.path.startswith(tree.college_a.path)
    assert AuditEvent.objects.filter(action="orgs.unit.admin_add", object_id=str(unit.pk)).exists()


def test_position_type_capabilities_come_from_the_registry(personas):
    form = PositionTypeForm(
        data={
            "code": "t",
            "name": "测试",
            "capabilities": ["orgs.view_unit", "made.up"],
            "unit_kinds": ["branch"],
            "rank": 5,
        }
    )
    assert not form.is_valid()
    assert "capabilities" in form.errors
    form = PositionTypeForm(
        data={
            "code": "t",
            "name": "测试",
            "capabilities": ["orgs.view_unit"],
            "unit_kinds": ["branch"],
            "rank": 5,
        }
    )
    assert form.is_valid(), form.errors
    kind = form.save()
    assert PositionType.objects.get(pk=kind.pk).capabilities == ["orgs.view_unit"]


def test_status_history_cannot_be_added_or_changed(admin_client_for, personas):
    change = StatusChange.objects.create(
        person=personas.student, to_status="applicant", changed_on="2025-01-01"
    )
    assert admin_client_for.get(reverse("admin:orgs_statuschange_add")).status_code == 403
    response = admin_client_for.post(
        reverse("admin:orgs_statuschange_change", args=[change.pk]), {"to_status": "full"}
    )
    assert response.status_code == 403
    assert (
        admin_client_for.post(
            reverse("admin:orgs_statuschange_delete", args=[change.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_status_change_in_the_admin_is_recorded(admin_client_for, tree, personas):
    membership = Membership.objects.get(person=personas.activist)
    response = admin_client_for.post(
        reverse("admin:orgs_membership_change", args=[membership.pk]),
        {
            "person": personas.activist.pk,
            "unit": tree.branch_a1.pk,
            "group": "",
            "party_status": "target",
            "status_since": "2026-01-05",
            "joined_unit_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = StatusChange.objects.get(person=personas.activist)
    assert (change.from_status, change.to_status) == ("activist", "target")
    assert AuditEvent.objects.filter(action="orgs.member.admin_change").exists()
