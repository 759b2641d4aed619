"""Who may write, hide, delete and report comments.

Reading follows the target: a published article or video is public, a lesson is open to the
people who may open its course (``queries_comments.target_for``, 404 otherwise). Writing needs an
active account. Hiding is for the item's author and the moderators of its unit
(``moderation.review`` over the unit, the same right that decides on the review queue).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moderation.permissions import can_review

if TYPE_CHECKING:
    from engagement.models import Comment
    from engagement.queries_comments import Target


def is_active_person(user: Any) -> bool:
    """The user is logged in with an active account (may comment, like, report and save)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_hide_comments(user: Any, target: Target) -> bool:
    """The user wrote the item (article, or the lesson's course) or reviews text in its unit."""
    if not is_active_person(user):
        return False
    return (target.author_id is not None and target.author_id == user.pk) or can_review(user, target.unit)


def can_delete_comment(user: Any, comment: Comment) -> bool:
    """Only the comment's author deletes it."""
    return is_active_person(user) and comment.author_id == user.pk
