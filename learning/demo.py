"""Study material of the demo university, so that `make run` shows the study home at work.

A required course for every branch (due in a month), a recommended one, a micro-lesson and the
intensive training of development targets (24 class hours over three courses) — all text lessons,
kept by the university. Registered with ``core.demo`` and run by ``seed_demo``; idempotent.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.demo import DemoLoader, register_demo_loader
from learning.models import (
    Course,
    CourseRequirement,
    Lesson,
    LessonKind,
    PublicationStatus,
    Track,
    TrackCourse,
)
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import OrgUnit

PARAGRAPH = "<p>{}</p>"
COURSES = (
    # title, lessons, recommended, micro, class hours in the intensive track (0: none)
    ("学习贯彻党的二十大精神", ("全面建设社会主义现代化国家", "坚持和加强党的全面领导"), False, False, 0),
    ("中国共产党章程导读", ("党的性质和宗旨", "党员的义务和权利", "党的组织制度"), True, False, 8),
    ("党史中的初心故事", ("红船精神",), False, True, 0),
    ("党的基本理论", ("马克思主义基本原理", "中国特色社会主义理论体系"), False, False, 8),
    ("党的纪律与作风", ("党的纪律处分条例", "中央八项规定精神"), False, False, 8),
)
TEXT = "本课时围绕“{}”展开学习，请认真阅读原文，联系思想和工作实际，写下学习体会。" * 6


def load_demo_study() -> dict[str, int]:
    university = OrgUnit.objects.filter(code=UNIVERSITY_CODE).first()
    if university is None or Course.objects.filter(unit=university).exists():
        return {}
    now = timezone.now()
    created = {"courses": 0, "lessons": 0}
    track = Track.objects.create(
        code="intensive", name="发展对象集中培训", unit=university, required_hours=24
    )
    for title, lessons, recommended, micro, hours in COURSES:
        course = Course.objects.create(
            unit=university,
            title=title,
            status=PublicationStatus.PUBLISHED,
            is_recommended=recommended,
            is_micro=micro,
            published_at=now,
        )
        created["courses"] += 1
        for order, lesson_title in enumerate(lessons, start=1):
            body = PARAGRAPH.format(TEXT.replace("{}", lesson_title))
            Lesson.objects.create(
                course=course,
                order=order,
                title=lesson_title,
                kind=LessonKind.TEXT,
                body=body,
                length_seconds=180 if micro else 300,
            )
            created["lessons"] += 1
        if hours:
            TrackCourse.objects.create(track=track, course=course, class_hours=hours)
        if title == COURSES[0][0]:
            CourseRequirement.objects.create(
                course=course, unit=university, due_on=timezone.localdate() + timedelta(days=30)
            )
    return created


def register() -> None:
    register_demo_loader(DemoLoader(name="learning.study", load=load_demo_study, order=40))
