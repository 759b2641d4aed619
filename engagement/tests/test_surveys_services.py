"""Surveys' rules: building, conditions checked on the server, one response each, closing, reminders,
moderation of free text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation

from core.errors import DomainError, FieldErrors
from core.models import Notification
from engagement import queries_surveys as queries
from engagement import services_surveys as services
from engagement.models.surveys import (
    QuestionKind,
    SurveyAnswer,
    SurveyParticipation,
    SurveyResponse,
    SurveyStatus,
)
from engagement.services_surveys import TargetIn
from engagement.tests.factories_surveys import add_question, answers, full_survey, make_survey, opened
from moderation import queries as moderation_queries
from moderation import services as moderation_services
from moderation import services_lexicon
from orgs.models import PartyStatus
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def test_an_author_builds_and_opens_a_survey_and_people_asked_are_told(tree, personas):
    survey, _questions = opened(personas.secretary, tree.branch_a1)
    assert survey.status == SurveyStatus.OPEN
    told = set(
        Notification.objects.filter(kind=services.OPENED_KIND).values_list("recipient__name", flat=True)
    )
    assert {"张学生", "李积极", "赵书记"} <= told
    assert "周外人" not in told


def test_only_authors_in_scope_build_surveys(tree, personas):
    with pytest.raises(Http404):
        make_survey(personas.outsider, tree.branch_a1)
    with pytest.raises(Http404):
        make_survey(personas.student, tree.branch_a1)
    leader = make_person(tree.branch_a1, name="组长")
    appoint(leader, tree.group_a1, "group_leader")
    with pytest.raises(PermissionDenied):
        make_survey(leader, tree.group_a1, targets=[TargetIn(tree.group_a1)])


def test_targets_must_lie_in_the_survey_unit(tree, personas):
    with pytest.raises(FieldErrors) as error:
        make_survey(personas.college_officer, tree.branch_a1, targets=[TargetIn(tree.branch_a2)])
    assert "targets" in error.value.fields
    with pytest.raises(FieldErrors) as error:
        make_survey(personas.secretary, tree.branch_a1, targets=[])
    assert "targets" in error.value.fields


def test_a_survey_needs_questions_before_it_opens(tree, personas):
    survey = make_survey(personas.secretary, tree.branch_a1)
    with pytest.raises(DomainError) as error:
        services.survey_open(actor=personas.secretary, survey=survey)
    assert error.value.code == "survey.no_questions"


def test_question_rules_name_the_field(tree, personas):
    survey = make_survey(personas.secretary, tree.branch_a1)
    with pytest.raises(FieldErrors) as error:
        add_question(personas.secretary, survey, QuestionKind.SINGLE, options=["只有一个"])
    assert "options" in error.value.fields
    with pytest.raises(FieldErrors) as error:
        add_question(personas.secretary, survey, QuestionKind.RATING, scale_min=5, scale_max=3)
    assert "scale_max" in error.value.fields
    text = add_question(personas.secretary, survey, QuestionKind.SHORT_TEXT)
    with pytest.raises(FieldErrors) as error:
        add_question(
            personas.secretary,
            survey,
            QuestionKind.SHORT_TEXT,
            condition_question_id=text.pk,
            condition_option=0,
        )
    assert "condition_question" in error.value.fields


def test_a_hidden_question_is_neither_required_nor_stored(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    # "满意" hides the required "why" question, and an answer sent for it anyway is dropped.
    _participation, created = services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"], why=["1"], rating=["4"])
    )
    assert created
    stored = set(SurveyAnswer.objects.values_list("question_id", flat=True))
    assert stored == {q["single"].pk, q["rating"].pk}


def test_a_shown_conditional_question_is_required_and_errors_name_the_question(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    with pytest.raises(FieldErrors) as error:
        services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["2"]))
    assert list(error.value.fields) == [f"q{q['why'].pk}"]
    assert "哪些方面不满意" in error.value.fields[f"q{q['why'].pk}"][0]
    assert not SurveyParticipation.objects.exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [("single", ["7"]), ("single", ["x"]), ("rating", ["9"]), ("short", ["长" * 201])],
)
def test_bad_answers_are_refused_naming_the_question(tree, personas, key, value):
    survey, q = opened(personas.secretary, tree.branch_a1)
    submitted = answers(q, single=["0"])
    submitted[f"q{q[key].pk}"] = value
    with pytest.raises(FieldErrors) as error:
        services.response_submit(actor=personas.student, survey=survey, answers=submitted)
    assert f"q{q[key].pk}" in error.value.fields
    assert q[key].text[:10] in error.value.fields[f"q{q[key].pk}"][0]


def test_a_person_answers_once_and_a_retry_returns_the_first_answer(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    first, created = services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"])
    )
    again, created_again = services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["1"])
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.get(question=q["single"]).choices == [0]


def test_people_not_asked_cannot_answer(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    with pytest.raises(Http404):
        services.response_submit(actor=personas.outsider, survey=survey, answers=answers(q, single=["0"]))
    # The college officer may run the survey but is not asked by it: 403, not 404.
    with pytest.raises(PermissionDenied):
        services.response_submit(
            actor=personas.college_officer, survey=survey, answers=answers(q, single=["0"])
        )


def test_party_statuses_narrow_who_is_asked(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1, party_statuses=[PartyStatus.ACTIVIST])
    assert set(queries.asked_people(survey).values_list("name", flat=True)) == {"李积极"}
    with pytest.raises(Http404):
        services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    services.response_submit(actor=personas.activist, survey=survey, answers=answers(q, single=["0"]))


def test_a_target_without_its_subtree_asks_only_its_own_members(tree, personas):
    in_a2 = make_person(tree.branch_a2, name="甲二学生", status=PartyStatus.APPLICANT)
    survey = make_survey(personas.college_officer, tree.college_a, targets=[TargetIn(tree.branch_a2, False)])
    assert set(queries.asked_people(survey).values_list("pk", flat=True)) == {in_a2.pk}
    survey = make_survey(personas.college_officer, tree.college_a, targets=[TargetIn(tree.college_a, True)])
    assert in_a2 in queries.asked_people(survey)
    assert personas.student in queries.asked_people(survey)


def test_questions_cannot_change_once_answers_exist(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    with pytest.raises(DomainError) as error:
        add_question(personas.secretary, survey, QuestionKind.SHORT_TEXT)
    assert error.value.code == "survey.has_answers"
    with pytest.raises(DomainError):
        services.question_delete(actor=personas.secretary, question=q["long"])


def test_anonymity_cannot_change_after_opening(tree, personas):
    survey, _q = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    with pytest.raises(DomainError) as error:
        services.survey_update(
            actor=personas.secretary,
            survey=survey,
            title="x",
            is_anonymous=False,
            targets=[TargetIn(tree.branch_a1)],
        )
    assert error.value.code == "survey.anonymity_fixed"
    survey.refresh_from_db()
    assert survey.is_anonymous


def test_no_answer_is_taken_after_the_closing_time_even_before_the_scheduler_runs(
    tree, personas, time_machine
):
    survey, q = opened(personas.secretary, tree.branch_a1, closes_at=timezone.now() + timedelta(hours=1))
    time_machine.move_to(timezone.now() + timedelta(hours=1, minutes=1))
    with pytest.raises(DomainError) as error:
        services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    assert error.value.code == "survey.not_open"


def test_closed_surveys_take_no_answers_and_the_scheduler_closes_due_ones(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1, closes_at=timezone.now() + timedelta(hours=1))
    assert services.surveys_close_due() == 0
    assert services.surveys_close_due(now=timezone.now() + timedelta(hours=2)) == 1
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    with pytest.raises(DomainError) as error:
        services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    assert error.value.code == "survey.not_open"


def test_moving_a_question_keeps_conditions_below_their_question(tree, personas):
    survey, q = full_survey(personas.secretary, tree.branch_a1)
    with pytest.raises(DomainError):
        services.question_move(actor=personas.secretary, question=q["why"], up=True)
    services.question_move(actor=personas.secretary, question=q["long"], up=True)
    order = [question.pk for question in queries.questions_of(survey)]
    assert order.index(q["long"].pk) < order.index(q["short"].pk)


def test_a_reminder_goes_to_those_who_have_not_answered_once_a_day(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    count = services.survey_remind(actor=personas.secretary, survey=survey)
    reminded = set(
        Notification.objects.filter(kind=services.REMINDER_KIND).values_list("recipient__name", flat=True)
    )
    assert "张学生" not in reminded
    assert "李积极" in reminded
    assert count == len(reminded)
    with pytest.raises(DomainError) as error:
        services.survey_remind(actor=personas.secretary, survey=survey)
    assert error.value.code == "survey.reminded_today"


def test_results_count_choices_ratings_and_per_branch_rates(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["2"], why=["0", "2"], rating=["5"])
    )
    services.response_submit(
        actor=personas.activist, survey=survey, answers=answers(q, single=["0"], rating=["2"])
    )
    results = queries.survey_results(survey)
    assert results.responses == 2
    single = results.questions[0]
    assert [(o.label, o.count, o.percent) for o in single.options] == [
        ("满意", 1, 50),
        ("一般", 0, 0),
        ("不满意", 1, 50),
    ]
    assert results.questions[2].average == 3.5
    rates = queries.response_rates(survey)
    assert [(r.unit.pk, r.answered) for r in rates] == [(tree.branch_a1.pk, 2)]
    assert rates[0].asked == queries.asked_memberships(survey).count()


# --- Moderation -------------------------------------------------------------------------------


@pytest.fixture
def lexicon(personas):
    def add(term: str, action: str) -> None:
        services_lexicon.lexicon_entry_create(
            actor=personas.university_admin, term=term, category="abuse", action=action, unit=None
        )

    return add


def test_blocked_text_is_refused_naming_the_question_and_nothing_is_stored(tree, personas, lexicon):
    lexicon("混蛋", "block")
    survey, q = opened(personas.secretary, tree.branch_a1)
    with pytest.raises(FieldErrors) as error:
        services.response_submit(
            actor=personas.student, survey=survey, answers=answers(q, single=["0"], long=["支部书记是混蛋"])
        )
    assert "详细意见" in error.value.fields[f"q{q['long'].pk}"][0]
    assert "混蛋" not in error.value.fields[f"q{q['long'].pk}"][0]
    assert not SurveyResponse.objects.exists()
    assert not SurveyParticipation.objects.exists()


def test_masked_text_is_stored_masked(tree, personas, lexicon):
    lexicon("笨蛋", "mask")
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"], short=["别当笨蛋"])
    )
    assert SurveyAnswer.objects.get(question=q["short"]).text == "别当**"
    assert queries.survey_results(survey).questions[3].texts == ["别当**"]


@pytest.mark.parametrize("anonymous", [False, True])
def test_held_text_waits_for_review_and_shows_once_approved(
    tree, personas, lexicon, anonymous, django_capture_on_commit_callbacks
):
    lexicon("游行", "hold")
    survey, q = opened(personas.secretary, tree.branch_a1, is_anonymous=anonymous)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(
            actor=personas.student, survey=survey, answers=answers(q, single=["0"], long=["建议组织游行活动"])
        )
    answer = SurveyAnswer.objects.get(question=q["long"])
    subject = f"{services.SUBJECT_PREFIX}{answer.pk}"
    assert answer.is_held
    assert moderation_queries.status_of(subject) == "pending"
    result = queries.survey_results(survey).questions[4]
    assert result.texts == [] and result.texts_waiting == 1
    from moderation.models import ModerationItem  # the test plays the moderator, who decides on the row

    queued = ModerationItem.objects.get(subject=subject)
    assert (queued.author_id is None) == anonymous
    moderation_services.item_decide(
        actor=personas.university_admin, item=queued, decision="approve", reason="无碍"
    )
    answer.refresh_from_db()
    assert not answer.is_held
    assert queries.survey_results(survey).questions[4].texts == ["建议组织游行活动"]


def test_the_response_table_has_no_column_for_a_person():
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, SurveyResponse._meta.db_table
            )
        }
        answer_columns = {
            column.name
            for column in connection.introspection.get_table_description(cursor, SurveyAnswer._meta.db_table)
        }
    assert columns == {"id", "survey_id", "submitted_on"}
    assert answer_columns == {
        "id",
        "response_id",
        "question_id",
        "choices",
        "rating",
        "text",
        "is_held",
        "is_hidden",
    }
    for model in (SurveyResponse, SurveyAnswer):
        for field in model._meta.concrete_fields:
            assert getattr(
                field.related_model, "_meta", None
            ) is None or field.related_model._meta.label not in ("accounts.User",)


def test_an_anonymous_response_carries_no_link_to_its_author(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    participation, _created = services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"])
    )
    response = SurveyResponse.objects.get()
    assert participation.response_id is None
    assert response.submitted_on is None
    assert response.pk.version == 4
    assert all(answer.pk.version == 4 for answer in SurveyAnswer.objects.all())


def test_a_named_response_links_to_its_author(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    participation, _created = services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"])
    )
    assert participation.response == SurveyResponse.objects.get()
    assert participation.response.submitted_on == timezone.localdate()


def test_the_scheduler_runs_the_closing_job(tree, personas, time_machine, django_capture_on_commit_callbacks):
    from core.scheduler import registered_jobs, schedule_due_jobs
    from engagement.tasks_surveys import CLOSE_DUE_JOB

    survey, _q = opened(personas.secretary, tree.branch_a1, closes_at=timezone.now() + timedelta(minutes=30))
    assert CLOSE_DUE_JOB in [job.name for job in registered_jobs()]
    time_machine.move_to(timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert CLOSE_DUE_JOB in schedule_due_jobs()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def _table_order(model) -> list[str]:
    """The keys in the order the database keeps the rows (SQLite's rowid, PostgreSQL's heap)."""
    column = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {model._meta.db_table} ORDER BY {column}")  # noqa: S608
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_closing_an_anonymous_survey_rewrites_its_rows_in_a_random_order(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1, is_anonymous=True)
    people = [make_person(tree.branch_a1, name=f"同学{index}") for index in range(6)]
    for person in people:
        services.response_submit(actor=person, survey=survey, answers=answers(q, single=["0"], rating=["3"]))
    inserted = _table_order(SurveyResponse)
    answers_before = sorted(_table_order(SurveyAnswer))
    # The order the shuffle chose is the order the rows sit in afterwards (reversed here, to see it).
    assert services.survey_responses_shuffle(survey=survey, shuffle=lambda rows: rows.reverse()) == 6
    assert _table_order(SurveyResponse) == list(reversed(inserted))
    assert sorted(_table_order(SurveyAnswer)) == answers_before
    assert queries.survey_results(survey).questions[0].options[0].count == 6
    assert SurveyParticipation.objects.filter(survey=survey).count() == 6


def test_a_named_survey_is_not_shuffled(tree, personas):
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(actor=personas.student, survey=survey, answers=answers(q, single=["0"]))
    services.response_submit(actor=personas.activist, survey=survey, answers=answers(q, single=["0"]))
    assert services.survey_responses_shuffle(survey=survey) == 0


def test_a_rejected_text_stays_out_of_results_and_the_export_says_so(tree, personas, lexicon):
    import io

    from openpyxl import load_workbook

    from engagement.exports_surveys import write_survey_xlsx
    from moderation.models import ModerationItem  # the test plays the moderator, who decides on the row

    lexicon("游行", "hold")
    survey, q = opened(personas.secretary, tree.branch_a1)
    services.response_submit(
        actor=personas.student, survey=survey, answers=answers(q, single=["0"], long=["建议组织游行活动"])
    )
    answer = SurveyAnswer.objects.get(question=q["long"])
    item = ModerationItem.objects.get(subject=f"{services.SUBJECT_PREFIX}{answer.pk}")
    moderation_services.item_decide(
        actor=personas.university_admin, item=item, decision="reject", reason="不当"
    )
    answer.refresh_from_db()
    assert answer.is_hidden and not answer.is_held
    result = queries.survey_results(survey).questions[4]
    assert result.texts == [] and result.texts_waiting == 0
    out = io.BytesIO()
    with translation.override("en"):
        write_survey_xlsx(survey, out)
    cells = [
        cell
        for row in load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows(values_only=True)
        for cell in row
    ]
    assert "建议组织游行活动" not in cells
    assert "(hidden by a moderator)" in cells
