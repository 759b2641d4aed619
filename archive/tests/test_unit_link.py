from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def test_the_unit_card_links_to_the_units_documents_for_those_who_may_see_them(client, tree, personas):
    client.force_login(personas.secretary)
    page = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).content.decode()
    assert reverse("archive:unit_documents", args=[tree.branch_a1.pk]) in page


def test_the_unit_card_leaves_the_link_out_without_the_right(client, tree):
    PositionType.objects.create(code="viewer", name="只看", capabilities=["orgs.view_unit"])
    viewer = make_person(tree.branch_a1)
    appoint(viewer, tree.branch_a1, "viewer")
    client.force_login(viewer)
    page = client.get(reverse("orgs:unit", args=[tree.branch_a1.pk])).content.decode()
    assert reverse("archive:unit_documents", args=[tree.branch_a1.pk]) not in page
