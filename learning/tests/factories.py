"""Small builders of study data for tests (straight to the database, the services have their own tests)."""

from __future__ import annotations

from typing import Any

from archive import services as archive_services
from archive.tests import files
from learning.models import Course, Lesson, LessonKind, LibraryItem, PublicationStatus
from orgs.models import OrgUnit


def make_course(
    unit: OrgUnit,
    *,
    title: str = "党章学习",
    lessons: int = 1,
    length: int = 300,
    status: str = PublicationStatus.PUBLISHED,
    **fields: Any,
) -> Course:
    course = Course.objects.create(unit=unit, title=title, status=status, **fields)
    for number in range(1, lessons + 1):
        Lesson.objects.create(
            course=course,
            order=number,
            title=f"{title} 第{number}课",
            kind=LessonKind.TEXT,
            body="<p>为人民服务</p>",
            length_seconds=length,
        )
    return course


def media_document(actor: Any, unit: OrgUnit, kind: str = "video") -> Any:
    content, name = {
        "video": (files.mp4(), "v.mp4"),
        "pdf": (files.pdf(), "d.pdf"),
        "png": (files.png(), "p.png"),
    }[kind]
    return archive_services.document_create(
        actor=actor, unit=unit, title=name, uploaded_file=files.upload(content, name), purpose="learning"
    )


def make_video_lesson(course: Course, actor: Any, *, length: int = 600) -> Lesson:
    return Lesson.objects.create(
        course=course,
        order=99,
        title="视频课",
        kind=LessonKind.VIDEO,
        media=media_document(actor, course.unit, "video"),
        poster=media_document(actor, course.unit, "png"),
        length_seconds=length,
    )


def make_library_item(unit: OrgUnit, actor: Any, *, title: str = "共产党宣言", **fields: Any) -> LibraryItem:
    fields.setdefault("status", PublicationStatus.PUBLISHED)
    fields.setdefault("category", "经典著作")
    fields.setdefault("length_seconds", 600)
    return LibraryItem.objects.create(
        unit=unit, title=title, document=media_document(actor, unit, "pdf"), **fields
    )
