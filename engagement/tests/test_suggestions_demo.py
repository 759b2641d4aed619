"""The demo university shows the suggestion box (answered, waiting, overdue messages) and notices."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from engagement import queries_suggestions as queries
from engagement.demo_notices import load_demo_notices
from engagement.demo_suggestions import load_demo_suggestions
from engagement.models import Notice, NoticeReceipt, Suggestion, SuggestionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_suggestion_box_and_loading_again_adds_nothing():
    call_command("seed_demo", stdout=StringIO())
    items = Suggestion.objects.all()
    assert items.filter(status=SuggestionStatus.CLOSED, rating__isnull=False).exists()
    assert items.filter(status=SuggestionStatus.OPEN).exists()
    assert any(queries.is_overdue(item) for item in items)
    assert items.filter(hide_name=True).exists() and items.filter(hide_name=False).exists()
    assert Notice.objects.filter(requires_ack=True).exists()
    assert NoticeReceipt.objects.filter(acknowledged_at__isnull=False).exists()
    assert NoticeReceipt.objects.filter(read_at__isnull=True).exists()
    assert load_demo_notices() == {}
    before = items.count()
    assert load_demo_suggestions() == {}
    assert Suggestion.objects.count() == before
