from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import IntegrityError
from django.http import Http404
from django.utils import timezone, translation
from PIL import Image

from archive import services, sniffing
from archive.models import Document, DocumentVersion
from archive.tests import files
from archive.tests.conftest import stored_files
from core.errors import DomainError, FieldErrors
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def file_error(excinfo: pytest.ExceptionInfo[FieldErrors]) -> str:
    return " ".join(excinfo.value.fields["file"])


def test_it_stores_a_document_with_its_checksum_size_and_sniffed_type(tree, personas, make_document):
    content = files.pdf()
    document = make_document(tree.branch_a1, content=content, name="支部计划.PDF")
    version = document.current_version
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.content_type == "application/pdf"
    assert version.original_name == "支部计划.PDF"
    assert version.uploaded_by == personas.secretary
    with default_storage.open(version.file.name, "rb") as stored:
        assert stored.read() == content


def test_the_stored_name_uses_the_document_id_and_the_real_type_never_the_uploaded_name(
    tree, make_document, media
):
    document = make_document(tree.branch_a1, content=files.png(), name="../../etc/照片.pdf")
    name = document.current_version.file.name
    assert name.startswith(f"archive/{document.public_id.hex[:2]}/{document.public_id}/v1-")
    assert name.endswith(".png")
    assert "照片" not in name
    assert document.current_version.original_name == "照片.pdf"
    assert document.current_version.download_name == "照片.png"
    assert all(media in path.parents for path in stored_files(media))


def test_a_png_renamed_pdf_is_stored_as_a_png(tree, make_document):
    version = make_document(tree.branch_a1, content=files.png(), name="scan.pdf").current_version
    assert version.content_type == "image/png"
    assert version.type_label == str(sniffing.PNG.label)


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (files.exe(), "Windows program"),
        (files.html(), "HTML page"),
        (files.svg(), "SVG image"),
    ],
)
def test_it_refuses_a_dangerous_file_renamed_jpg_and_names_what_it_is(tree, make_document, content, named):
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=content, name="photo.jpg")
    assert named in file_error(excinfo)
    assert Document.objects.count() == 0


def test_it_refuses_a_file_it_cannot_recognise(tree, make_document):
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=bytes(range(256)) * 8, name="data.pdf")
    assert "could not be recognised" in file_error(excinfo)


def test_it_refuses_in_the_users_language(tree, make_document):
    with translation.override("zh-hans"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=files.exe(), name="photo.jpg")
    assert "Windows" in file_error(excinfo)
    assert "不" in file_error(excinfo)


def test_it_refuses_an_empty_file(tree, make_document):
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=b"")
    assert "empty" in file_error(excinfo)


def test_it_refuses_a_file_over_the_configured_limit_and_names_it(tree, make_document, settings):
    settings.ARCHIVE_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    content = files.mp4(length=2 * 1024 * 1024 + 1)
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=content, name="film.mp4")
    assert "2 MB" in file_error(excinfo)


def test_a_call_may_set_its_own_limit(tree, make_document):
    content = files.mp4(length=600 * 1024)
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=content, name="film.mp4", max_bytes=512 * 1024)
    assert "0.5 MB" in file_error(excinfo)
    document = make_document(tree.branch_a1, content=content, name="film.mp4", max_bytes=1024 * 1024)
    assert document.current_version.size == len(content)


def test_the_limit_holds_even_when_the_declared_size_lies(tree, personas):
    upload = files.upload(files.mp4(length=4096), "film.mp4")
    upload.size = 10  # what a careless caller might claim
    with pytest.raises(FieldErrors):
        services.document_create(
            actor=personas.secretary, unit=tree.branch_a1, title="片", uploaded_file=upload, max_bytes=1024
        )


def test_a_call_may_narrow_the_allowed_types(tree, make_document):
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=files.pdf(), allowed_types=sniffing.IMAGE_TYPES)
    message = file_error(excinfo)
    assert "PDF document" in message
    assert "PNG image" in message  # and says what is accepted instead


def test_a_document_needs_a_title(tree, make_document):
    with pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, title="   ")
    assert "title" in excinfo.value.fields


def test_new_uploads_become_versions_2_and_3_and_old_ones_stay(tree, personas, make_document):
    document = make_document(tree.branch_a1, content=b"first\nversion\n", name="a.txt")
    second = services.document_add_version(
        actor=personas.secretary, document=document, uploaded_file=files.upload(files.pdf(), "b.pdf")
    )
    third = services.document_add_version(
        actor=personas.propaganda, document=document, uploaded_file=files.upload(files.png(), "c.png")
    )
    document.refresh_from_db()
    numbers = list(document.versions.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3]
    assert (second.number, third.number) == (2, 3)
    assert document.current_version == third
    for version in document.versions.all():
        assert default_storage.exists(version.file.name)
    assert len({v.file.name for v in document.versions.all()}) == 3


def test_the_database_refuses_a_duplicate_version_number(tree, make_document):
    version = make_document(tree.branch_a1).current_version
    with pytest.raises(IntegrityError):
        DocumentVersion.objects.create(
            document=version.document,
            number=1,
            file="x",
            original_name="x",
            size=1,
            content_type="text/plain",
            sha256="0" * 64,
        )


def test_the_database_refuses_an_empty_version(tree, make_document):
    document = make_document(tree.branch_a1)
    with pytest.raises(IntegrityError):
        DocumentVersion.objects.create(
            document=document,
            number=2,
            file="x",
            original_name="x",
            size=0,
            content_type="text/plain",
            sha256="0" * 64,
        )


def test_no_version_is_added_to_a_deleted_document(tree, personas, make_document):
    document = make_document(tree.branch_a1)
    services.document_delete(actor=personas.secretary, document=document, reason="重复")
    with pytest.raises(DomainError):
        services.document_add_version(
            actor=personas.secretary, document=document, uploaded_file=files.upload(files.pdf())
        )


@pytest.mark.parametrize(
    ("persona", "refusal"),
    [("outsider", Http404), ("student", Http404), ("activist", Http404)],
)
def test_uploads_are_refused_without_the_right(tree, personas, make_document, persona, refusal):
    with pytest.raises(refusal):
        make_document(tree.branch_a1, actor=getattr(personas, persona))
    assert Document.objects.count() == 0


def test_uploads_are_refused_in_scope_without_the_right(tree, personas, make_document):
    from orgs.models import PositionType
    from orgs.tests.factories import appoint, make_person

    observer_type = PositionType.objects.create(
        code="observer", name="观察员", capabilities=["orgs.view_unit"]
    )
    observer = make_person(tree.branch_a1)
    appoint(observer, tree.branch_a1, observer_type.code)
    with pytest.raises(PermissionDenied):
        make_document(tree.branch_a1, actor=observer)


@pytest.mark.parametrize("persona", ["propaganda", "secretary", "college_officer", "university_admin"])
def test_people_with_the_right_may_upload(tree, personas, make_document, persona):
    document = make_document(tree.branch_a1, actor=getattr(personas, persona))
    assert document.created_by == getattr(personas, persona)


def test_every_write_is_audited(tree, personas, make_document):
    document = make_document(tree.branch_a1)
    services.document_add_version(
        actor=personas.secretary, document=document, uploaded_file=files.upload(files.png(), "p.png")
    )
    services.document_delete(actor=personas.secretary, document=document, reason="已过期")
    events = list(AuditEvent.objects.filter(object_id=str(document.pk)).order_by("id"))
    assert [event.action for event in events] == [
        "archive.document.create",
        "archive.document.version",
        "archive.document.delete",
    ]
    assert all(event.actor == personas.secretary and event.unit_id == tree.branch_a1.pk for event in events)
    assert events[0].data["sha256"] == document.versions.get(number=1).sha256
    assert events[1].data["version"] == 2
    assert events[2].data["reason"] == "已过期"


def test_deleting_is_soft_and_keeps_the_files(tree, personas, make_document):
    document = make_document(tree.branch_a1)
    services.document_delete(actor=personas.college_officer, document=document, reason="误传")
    document.refresh_from_db()
    assert document.is_deleted
    assert document.deleted_by == personas.college_officer
    assert document.delete_reason == "误传"
    assert default_storage.exists(document.current_version.file.name)


def test_deleting_needs_a_reason(tree, personas, make_document):
    document = make_document(tree.branch_a1)
    with pytest.raises(FieldErrors):
        services.document_delete(actor=personas.secretary, document=document, reason=" ")


def test_deleting_is_refused_while_the_document_must_be_kept(tree, personas, make_document):
    document = make_document(tree.branch_a1, retain_until=timezone.localdate() + timedelta(days=30))
    with pytest.raises(DomainError) as excinfo:
        services.document_delete(actor=personas.secretary, document=document, reason="清理")
    assert excinfo.value.code == "document_retained"
    document.refresh_from_db()
    assert not document.is_deleted


def test_deleting_is_allowed_once_the_retention_date_has_passed(tree, personas, make_document):
    document = make_document(tree.branch_a1, retain_until=date(2020, 1, 1))
    assert services.document_delete(actor=personas.secretary, document=document, reason="到期").is_deleted


@pytest.mark.parametrize(("persona", "refusal"), [("propaganda", PermissionDenied), ("outsider", Http404)])
def test_deleting_is_refused_without_the_right(tree, personas, make_document, persona, refusal):
    document = make_document(tree.branch_a1)
    with pytest.raises(refusal):
        services.document_delete(actor=getattr(personas, persona), document=document, reason="x")


# --- all or nothing --------------------------------------------------------------------------


def test_a_failed_storage_write_leaves_no_row(tree, make_document, monkeypatch, media):
    def broken_save(self, name, content):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        make_document(tree.branch_a1)
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="archive.").exists()


def test_a_failed_database_write_leaves_no_file(tree, make_document, monkeypatch, media):
    def broken_audit(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(IntegrityError):
        make_document(tree.branch_a1, content=files.png(), name="p.png")  # a file and a thumbnail
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_a_failed_new_version_leaves_the_document_as_it_was(
    tree, personas, make_document, monkeypatch, media
):
    document = make_document(tree.branch_a1)
    before = stored_files(media)

    def broken_audit(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(IntegrityError):
        services.document_add_version(
            actor=personas.secretary, document=document, uploaded_file=files.upload(files.png(), "p.png")
        )
    assert stored_files(media) == before
    assert list(document.versions.values_list("number", flat=True)) == [1]


def test_the_sweep_removes_old_files_without_a_row_and_keeps_the_rest(tree, make_document, media):
    import os
    import time

    kept = make_document(tree.branch_a1, content=files.png(), name="p.png").current_version
    orphan_name = default_storage.save(
        f"archive/{kept.document.public_id.hex[:2]}/{kept.document.public_id}/v9-x.pdf",
        files.upload(files.pdf()),
    )
    lost_folder = f"archive/cd/{uuid.UUID('cd' + '0' * 30)}"
    lost_name = default_storage.save(f"{lost_folder}/v1-z.pdf", files.upload(files.pdf()))
    fresh_name = default_storage.save(f"{lost_folder}/v2-y.pdf", files.upload(files.pdf()))
    foreign_name = default_storage.save("archive/cd/not-a-document/readme.txt", files.upload(b"keep me"))
    old = time.time() - 3 * 86400
    for name in (orphan_name, lost_name, foreign_name, kept.file.name, kept.thumbnail.name):
        os.utime(default_storage.path(name), (old, old))

    removed = services.archive_orphans_sweep()
    assert sorted(removed) == sorted([orphan_name, lost_name])
    assert default_storage.exists(foreign_name)
    assert default_storage.exists(kept.file.name)
    assert default_storage.exists(kept.thumbnail.name)
    assert default_storage.exists(fresh_name)  # too young to judge


# --- thumbnails ------------------------------------------------------------------------------


def test_an_image_gets_an_upright_thumbnail_without_exif_or_gps(tree, make_document):
    version = make_document(tree.branch_a1, content=files.jpeg_with_gps(), name="合影.jpg").current_version
    assert version.thumbnail
    with default_storage.open(version.thumbnail.name, "rb") as stored, Image.open(stored) as thumbnail:
        thumbnail.load()
        # 800×400 turned by the orientation tag is 400×800: scaled to 320 wide, 640 high.
        assert thumbnail.size == (320, 640)
        assert thumbnail.format in ("WEBP", "JPEG")
        assert not thumbnail.getexif()
        assert "exif" not in thumbnail.info
        assert "xmp" not in thumbnail.info
        # The white left edge of the original is now at the top.
        assert thumbnail.convert("RGB").getpixel((160, 2))[0] > 200
        assert thumbnail.convert("RGB").getpixel((2, 320))[0] < 100
    with default_storage.open(version.thumbnail.name, "rb") as stored:
        raw = stored.read()
    assert b"SecretPhone" not in raw


@pytest.mark.parametrize("content", [files.png((30, 20)), files.gif(), files.webp()])
def test_small_images_get_a_thumbnail_not_larger_than_themselves(tree, make_document, content):
    version = make_document(tree.branch_a1, content=content, name="x.img").current_version
    with default_storage.open(version.thumbnail.name, "rb") as stored, Image.open(stored) as thumbnail:
        assert thumbnail.width <= 30


def test_documents_that_are_not_images_get_no_thumbnail(tree, make_document):
    assert not make_document(tree.branch_a1).current_version.thumbnail


def test_a_decompression_bomb_is_refused_unread(tree, make_document):
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=files.png_bomb(), name="bomb.png")
    assert "million pixels" in file_error(excinfo)
    assert Document.objects.count() == 0


def test_the_pixel_limit_is_a_setting(tree, make_document, settings):
    settings.ARCHIVE_MAX_IMAGE_PIXELS = 1000
    with pytest.raises(FieldErrors):
        make_document(tree.branch_a1, content=files.png((40, 30)), name="p.png")


def test_a_damaged_image_is_refused(tree, make_document):
    broken = files.png()[:60]
    with translation.override("en"), pytest.raises(FieldErrors) as excinfo:
        make_document(tree.branch_a1, content=broken, name="p.png")
    assert "damaged" in file_error(excinfo)


def test_the_sweep_command_reports_what_it_removed(tree, media):
    from io import StringIO

    from django.core.management import call_command

    default_storage.save(f"archive/ab/{uuid.UUID('ab' + '0' * 30)}/v1-y.pdf", files.upload(files.pdf()))
    out = StringIO()
    call_command("archive_sweep", "--older-than-hours=0", stdout=out)
    assert "1 file(s) removed" in out.getvalue()
    assert stored_files(media) == []
