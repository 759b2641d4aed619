"""A student studies a text lesson on a 375-px phone, in Chinese: the page's heartbeats credit time on
the server, which opens the lesson's quiz; passing it completes the lesson. Then they take the daily
quiz by tapping and typing the answers, and the points of all three show on "My points"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from learning.models import Course, Lesson, LessonKind, LessonProgress, PointsRule, PublicationStatus
from learning.models_quiz import (
    Attempt,
    AttemptKind,
    Exam,
    ExamStatus,
    Question,
    QuestionKind,
    question_fingerprint,
)
from orgs.models import OrgUnit
from orgs.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


# The college's question bank: one question of each type, and one more single choice.
QUESTIONS: tuple[tuple[str, str, list[str], list[int], list[str]], ...] = (
    (
        QuestionKind.SINGLE,
        "中国共产党第一次全国代表大会于哪一年召开？",
        ["1919年", "1921年", "1927年"],
        [1],
        [],
    ),
    (QuestionKind.SINGLE, "党的根本组织原则是？", ["民主集中制", "集体领导", "群众路线"], [0], []),
    (
        QuestionKind.MULTIPLE,
        "“四个自信”包括？",
        ["道路自信", "理论自信", "制度自信", "文化自信", "速度自信"],
        [0, 1, 2, 3],
        [],
    ),
    (QuestionKind.TRUE_FALSE, "预备党员享有表决权、选举权和被选举权。", [], [1], []),
    (QuestionKind.FILL_IN, "党的最高理想和最终目标是实现____。", [], [], ["共产主义"]),
)


def make_question_bank(unit: OrgUnit) -> list[Question]:
    return [
        Question.objects.create(
            unit=unit,
            kind=kind,
            stem=stem,
            options=options,
            correct=correct,
            accepted=accepted,
            explanation="见党章。",
            fingerprint=question_fingerprint(kind, stem, options),
        )
        for kind, stem, options, correct, accepted in QUESTIONS
    ]


def answer_like_a_person(page: Page, attempt: Attempt) -> None:
    """Tap the right options (looked up in the database) and type the fill-in, question by question."""
    questions = Question.objects.in_bulk([item["q"] for item in attempt.items])
    fieldsets = page.locator("fieldset.quiz-question")
    expect(fieldsets).to_have_count(len(attempt.items))
    for index, item in enumerate(attempt.items):
        question, fieldset = questions[item["q"]], fieldsets.nth(index)
        expect(fieldset).to_contain_text(question.stem)
        if question.kind == QuestionKind.FILL_IN:
            fieldset.get_by_role("textbox").fill(question.accepted[0])
        elif question.kind == QuestionKind.TRUE_FALSE:
            fieldset.get_by_role("radio", name="对" if question.correct == [0] else "错", exact=True).check()
        else:
            for original in question.correct:
                fieldset.get_by_label(re.compile(re.escape(question.options[original]))).check()


def test_a_student_studies_a_lesson_passes_its_quiz_takes_the_daily_quiz_and_sees_the_points(
    live_server, personas, tree, page: Page
) -> None:
    # Ten seconds of reading make a point here, so that one heartbeat earns one.
    PointsRule.objects.filter(code="reading_time").update(unit_seconds=10)
    course = Course.objects.create(
        unit=tree.college_a, title="党的二十大精神", status=PublicationStatus.PUBLISHED
    )
    lesson = Lesson.objects.create(
        course=course,
        title="党的二十大精神 第1课",
        kind=LessonKind.TEXT,
        body="<p>为人民服务</p>",
        length_seconds=25,  # 20 s complete it: the third heartbeat
    )
    exam = Exam.objects.create(
        unit=tree.college_a, title="二十大精神随堂测验", status=ExamStatus.PUBLISHED, max_attempts=2
    )
    exam.questions.set(make_question_bank(tree.college_a))
    lesson.quiz = exam
    lesson.save(update_fields=["quiz"])
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(personas.student.number)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(f"{base}/study/")
    page.get_by_role("link", name="党的二十大精神").click()
    page.get_by_role("link", name="开始学习").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1课")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

    # The first heartbeat starts the clock; the second, 15 s later, is credited; the quiz waits.
    take_quiz = page.get_by_role("link", name="参加测验")
    expect(page.locator("#lesson-quiz-heading")).to_have_text("本课测验")
    expect(take_quiz).to_be_hidden()
    expect(page.locator("[data-study-status]")).to_contain_text("已计学习时长（秒）： 1", timeout=40_000)
    # The third credits the rest of the length, and the page offers the quiz without a reload.
    expect(take_quiz).to_be_visible(timeout=40_000)
    progress = LessonProgress.objects.get(person=personas.student, lesson=lesson)
    assert (progress.credited_seconds, progress.completed_at) == (25, None)

    take_quiz.click()
    page.get_by_role("button", name="开始考试").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("二十大精神随堂测验")
    answer_like_a_person(page, Attempt.objects.get(person=personas.student, exam=exam))
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#score-heading")).to_have_text("答对 5 题，共 5 题")
    expect(page.locator("#lessons-heading ~ ul")).to_contain_text("党的二十大精神 第1课 已完成")
    progress.refresh_from_db()
    assert progress.completed_at is not None

    page.goto(f"{base}/study/points/")
    expect(page.locator(".study-total")).not_to_contain_text("累计 0 分")
    expect(page.locator("#results")).to_contain_text("学习《党的二十大精神 第1课》")
    expect(page.locator("#results")).to_contain_text("专题考试：答对 5 题，共 5 题")

    # The daily quiz: five questions, answered on the phone and handed in.
    page.goto(f"{base}/study/quizzes/")
    page.get_by_role("button", name="开始今日答题").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("每日答题")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    attempt = Attempt.objects.get(person=personas.student, kind=AttemptKind.DAILY)
    answer_like_a_person(page, attempt)
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("#score-heading")).to_have_text("答对 5 题，共 5 题")
    expect(page.locator(".facts")).to_contain_text("所得积分")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.points) == (5, 5)

    page.goto(f"{base}/study/points/")
    expect(page.locator("#results")).to_contain_text("每日答题：答对 5 题，共 5 题")
    expect(page.locator(".study-today tr", has_text="每日答题")).to_contain_text("5 / 5")
