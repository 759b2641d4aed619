"""The demo university's comments (engagement/demo_comments.py), loaded by seed_demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from engagement.models import Comment, CommentLike, CommentStatus, Favourite
from engagement.tests import factories_comments

pytestmark = pytest.mark.django_db

_empty_cache = factories_comments._empty_cache


def test_the_demo_shows_comments_replies_likes_and_favourites_once():
    call_command("seed_demo", stdout=StringIO())
    comments = Comment.objects.count()
    assert comments >= 10
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(target_kind="lesson").exists()
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() >= 1
    assert Comment.objects.filter(shown_text__contains="138****5678").exists()
    assert CommentLike.objects.exists() and Favourite.objects.exists()
    call_command("seed_demo", stdout=StringIO())
    assert Comment.objects.count() == comments
