"""Interaction and feedback (docs/engagement.md): comments, reactions and favourites, the suggestion
box, surveys and polls, and notices that ask to be acknowledged. One module per part."""

from engagement.models.comments import (  # noqa: F401  (comments, likes, favourites)
    Comment,
    CommentLike,
    CommentStatus,
    Favourite,
    ItemLike,
    TargetKind,
)
from engagement.models.notices import Notice, NoticeReceipt  # noqa: F401
from engagement.models.suggestions import (  # noqa: F401
    EventKind,
    Suggestion,
    SuggestionEvent,
    SuggestionKind,
    SuggestionStatus,
)
from engagement.models.surveys import (  # noqa: F401  (surveys and polls)
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyReminder,
    SurveyResponse,
    SurveyStatus,
    SurveyTarget,
)
