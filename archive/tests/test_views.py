from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from archive import services
from archive.models import MEMBER_PHOTO, Document
from archive.tests import files
from core.models import AuditEvent
from orgs.models import PositionType
from orgs.tests.factories import appoint, make_person

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def observer(tree):
    """In scope of branch A1 (may see the unit) but without any archive right."""
    PositionType.objects.create(code="observer", name="观察员", capabilities=["orgs.view_unit"])
    person = make_person(None, name="吴观察")
    appoint(person, tree.branch_a1, "observer")
    return person


def who(personas, observer, name):
    return observer if name == "observer" else getattr(personas, name)


READERS = [
    ("outsider", 404),
    ("student", 403),
    ("activist", 403),
    ("observer", 403),
    ("propaganda", 200),
    ("secretary", 200),
    ("college_officer", 200),
    ("university_admin", 200),
    ("system_admin", 200),
]


@pytest.mark.parametrize(("persona", "status"), READERS)
def test_download_answers_each_persona(client, tree, personas, observer, make_document, persona, status):
    document = make_document(tree.branch_a1)
    client.force_login(who(personas, observer, persona))
    response = client.get(reverse("archive:download", kwargs={"public_id": document.public_id}))
    assert response.status_code == status
    if status == 200:
        assert body(response) == files.pdf()


@pytest.mark.parametrize(("persona", "status"), READERS)
def test_thumbnail_answers_each_persona(client, tree, personas, observer, make_document, persona, status):
    document = make_document(tree.branch_a1, content=files.png(), name="p.png")
    client.force_login(who(personas, observer, persona))
    response = client.get(reverse("archive:thumbnail", kwargs={"public_id": document.public_id}))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] in ("image/webp", "image/jpeg")
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("persona", "status"), READERS)
def test_the_unit_page_answers_each_persona(client, tree, personas, observer, make_document, persona, status):
    make_document(tree.branch_a1)
    client.force_login(who(personas, observer, persona))
    response = client.get(reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}))
    assert response.status_code == status


UPLOADERS = [
    ("outsider", 404),
    ("student", 403),
    ("observer", 403),
    ("propaganda", 302),
    ("secretary", 302),
    ("college_officer", 302),
]


@pytest.mark.parametrize(("persona", "status"), UPLOADERS)
def test_uploading_answers_each_persona(client, tree, personas, observer, persona, status):
    client.force_login(who(personas, observer, persona))
    response = client.post(
        reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}),
        {"title": "学习资料", "file": files.upload(files.pdf(), "学习资料.pdf")},
    )
    assert response.status_code == status
    assert Document.objects.filter(title="学习资料").exists() == (status == 302)


@pytest.mark.parametrize(("persona", "status"), UPLOADERS)
def test_adding_a_version_answers_each_persona(
    client, tree, personas, observer, make_document, persona, status
):
    document = make_document(tree.branch_a1)
    client.force_login(who(personas, observer, persona))
    response = client.post(
        reverse("archive:add_version", kwargs={"public_id": document.public_id}),
        {"file": files.upload(files.png(), "新版.png")},
    )
    assert response.status_code == status
    assert document.versions.count() == (2 if status == 302 else 1)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("student", 403), ("propaganda", 403), ("secretary", 302), ("college_officer", 302)],
)
def test_deleting_answers_each_persona(client, tree, personas, make_document, persona, status):
    document = make_document(tree.branch_a1)
    client.force_login(getattr(personas, persona))
    response = client.post(
        reverse("archive:delete", kwargs={"public_id": document.public_id}), {"reason": "重复"}
    )
    assert response.status_code == status
    document.refresh_from_db()
    assert document.is_deleted == (status == 302)


def test_the_owner_may_read_their_own_document_but_another_persons_is_not_found(
    client, tree, personas, make_document
):
    own = make_document(tree.branch_a1, content=files.png(), purpose=MEMBER_PHOTO, owner=personas.student)
    other = make_document(tree.branch_a1, content=files.png(), purpose=MEMBER_PHOTO, owner=personas.activist)
    client.force_login(personas.student)
    assert client.get(reverse("archive:download", kwargs={"public_id": own.public_id})).status_code == 200
    assert client.get(reverse("archive:thumbnail", kwargs={"public_id": own.public_id})).status_code == 200
    # A fellow member knows the branch, but a document about someone else is no business of theirs.
    assert client.get(reverse("archive:download", kwargs={"public_id": other.public_id})).status_code == 404


def test_a_member_without_the_right_gets_403_for_a_branch_document_that_is_about_nobody(
    client, tree, personas, make_document
):
    branch_file = make_document(tree.branch_a1)
    client.force_login(personas.student)
    assert (
        client.get(reverse("archive:download", kwargs={"public_id": branch_file.public_id})).status_code
        == 403
    )


def test_a_person_logged_out_is_sent_to_log_in(client, tree, make_document):
    document = make_document(tree.branch_a1)
    response = client.get(reverse("archive:download", kwargs={"public_id": document.public_id}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_deleted_document_is_gone_for_everyone(client, tree, personas, make_document):
    document = make_document(tree.branch_a1)
    services.document_delete(actor=personas.secretary, document=document, reason="误传")
    client.force_login(personas.secretary)
    assert (
        client.get(reverse("archive:download", kwargs={"public_id": document.public_id})).status_code == 404
    )
    page = client.get(reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}))
    assert document.title not in page.content.decode()


def test_any_version_can_be_downloaded_and_a_missing_one_is_404(client, tree, personas, make_document):
    document = make_document(tree.branch_a1, content=b"first\ndraft\n", name="a.txt")
    services.document_add_version(
        actor=personas.secretary, document=document, uploaded_file=files.upload(files.pdf(), "b.pdf")
    )
    client.force_login(personas.secretary)
    first = client.get(reverse("archive:download", kwargs={"public_id": document.public_id, "number": 1}))
    current = client.get(reverse("archive:download", kwargs={"public_id": document.public_id}))
    missing = client.get(reverse("archive:download", kwargs={"public_id": document.public_id, "number": 3}))
    assert body(first) == b"first\ndraft\n"
    assert first["Content-Type"] == "text/plain; charset=utf-8"
    assert body(current) == files.pdf()
    assert missing.status_code == 404


# --- the headers of a download ----------------------------------------------------------------


def test_a_download_carries_the_sniffed_type_and_safe_headers(client, tree, personas, make_document):
    document = make_document(tree.branch_a1, content=files.png(), name="scan.pdf")
    client.force_login(personas.secretary)
    response = client.get(reverse("archive:download", kwargs={"public_id": document.public_id}))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("inline;")
    assert 'filename="scan.png"' in response["Content-Disposition"]
    assert response["Content-Length"] == str(len(files.png()))


def test_documents_other_than_images_and_pdf_are_attachments(client, tree, personas, make_document):
    document = make_document(tree.branch_a1, content=files.ooxml("docx"), name="总结.docx")
    client.force_login(personas.secretary)
    response = client.get(reverse("archive:download", kwargs={"public_id": document.public_id}))
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_a_chinese_file_name_is_sent_as_rfc_6266_filename_star(client, tree, personas, make_document):
    document = make_document(tree.branch_a1, content=files.ooxml("xlsx"), name="2025年 党员名单.xlsx")
    client.force_login(personas.secretary)
    disposition = client.get(reverse("archive:download", kwargs={"public_id": document.public_id}))[
        "Content-Disposition"
    ]
    assert f"filename*=UTF-8''{quote('2025年 党员名单.xlsx', safe='')}" in disposition
    assert 'filename="2025.xlsx"' in disposition  # an ASCII stand-in for old clients
    assert "\n" not in disposition


# --- byte ranges -----------------------------------------------------------------------------


@pytest.fixture
def video(tree, make_document):
    return make_document(tree.branch_a1, content=files.mp4(length=4000), name="党课.mp4")


def get_range(client, document, header):
    return client.get(
        reverse("archive:download", kwargs={"public_id": document.public_id}), HTTP_RANGE=header
    )


def test_a_range_request_gets_206_with_exactly_those_bytes(client, personas, video):
    client.force_login(personas.secretary)
    response = get_range(client, video, "bytes=0-99")
    content = files.mp4(length=4000)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-99/{len(content)}"
    assert response["Content-Length"] == "100"
    assert response["Content-Type"] == "video/mp4"
    assert body(response) == content[:100]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=100-", slice(100, None)),
        ("bytes=-10", slice(-10, None)),
        ("bytes=4000-99999", slice(4000, None)),
    ],
)
def test_open_ended_and_suffix_ranges_are_served(client, personas, video, header, expected):
    client.force_login(personas.secretary)
    response = get_range(client, video, header)
    assert response.status_code == 206
    assert body(response) == files.mp4(length=4000)[expected]


@pytest.mark.parametrize("header", ["bytes=99999-", "bytes=50-10", "bytes=abc", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416(client, personas, video, header):
    client.force_login(personas.secretary)
    response = get_range(client, video, header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(files.mp4(length=4000))}"


def test_several_ranges_at_once_get_the_whole_file(client, personas, video):
    client.force_login(personas.secretary)
    response = get_range(client, video, "bytes=0-1,5-6")
    assert response.status_code == 200
    assert body(response) == files.mp4(length=4000)


def test_a_stale_if_range_gets_the_whole_file(client, personas, video):
    client.force_login(personas.secretary)
    url = reverse("archive:download", kwargs={"public_id": video.public_id})
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{video.current_version.sha256}"')
    assert stale.status_code == 200
    assert fresh.status_code == 206


def test_ranges_are_refused_to_outsiders_like_everything_else(client, personas, video):
    client.force_login(personas.outsider)
    assert get_range(client, video, "bytes=0-99").status_code == 404


# --- audit of reads --------------------------------------------------------------------------


def test_every_download_is_audited(client, tree, personas, video):
    client.force_login(personas.propaganda)
    client.get(reverse("archive:download", kwargs={"public_id": video.public_id}))
    get_range(client, video, "bytes=0-99")
    client.get(reverse("archive:download", kwargs={"public_id": video.public_id, "number": 1}))
    reads = list(AuditEvent.objects.filter(action="archive.document.read").order_by("id"))
    assert len(reads) == 3
    assert {event.actor for event in reads} == {personas.propaganda}
    assert reads[1].data == {"version": 1, "range": "0-99"}
    assert reads[0].object_id == str(video.pk)
    assert reads[0].unit_id == tree.branch_a1.pk


def test_refused_reads_are_not_audited_as_reads(client, personas, video):
    client.force_login(personas.outsider)
    client.get(reverse("archive:download", kwargs={"public_id": video.public_id}))
    assert not AuditEvent.objects.filter(action="archive.document.read").exists()


def test_thumbnail_reads_are_audited_too(client, tree, personas, make_document):
    document = make_document(tree.branch_a1, content=files.png(), name="p.png")
    client.force_login(personas.secretary)
    client.get(reverse("archive:thumbnail", kwargs={"public_id": document.public_id}))
    event = AuditEvent.objects.get(action="archive.document.read")
    assert event.data == {"version": 1, "thumbnail": True}


def test_a_document_without_a_thumbnail_has_no_thumbnail_page(client, tree, personas, make_document):
    document = make_document(tree.branch_a1)
    client.force_login(personas.secretary)
    assert (
        client.get(reverse("archive:thumbnail", kwargs={"public_id": document.public_id})).status_code == 404
    )


# --- the unit page ---------------------------------------------------------------------------


def test_the_unit_page_lists_the_units_documents_with_their_facts(client, tree, personas, make_document):
    document = make_document(
        tree.branch_a1, title="三会一课记录", name="记录.docx", content=files.ooxml("docx")
    )
    services.document_add_version(
        actor=personas.propaganda,
        document=document,
        uploaded_file=files.upload(files.ooxml("docx"), "记录2.docx"),
    )
    make_document(tree.branch_a2, title="别的支部的文件", actor=personas.college_officer)
    make_document(
        tree.branch_a1, title="某人的照片", content=files.png(), purpose=MEMBER_PHOTO, owner=personas.student
    )
    client.force_login(personas.secretary)
    url = reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "三会一课记录" in page
    assert "Word document" in page
    assert "2 versions" in page
    assert personas.propaganda.name in page
    assert "别的支部的文件" not in page  # another unit's
    assert "某人的照片" not in page  # another part of the platform's
    assert reverse("archive:download", kwargs={"public_id": document.public_id, "number": 1}) in page


def test_the_unit_page_shows_upload_and_delete_only_to_those_who_may(client, tree, personas, make_document):
    make_document(tree.branch_a1)
    url = reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk})
    client.force_login(personas.propaganda)
    as_propaganda = client.get(url).content.decode()
    client.force_login(personas.secretary)
    as_secretary = client.get(url).content.decode()
    assert 'name="title"' in as_propaganda
    assert "/delete/" not in as_propaganda
    assert "/delete/" in as_secretary


def test_the_unit_page_costs_the_same_queries_for_1_or_many_documents(
    client, tree, personas, make_document, django_assert_num_queries
):
    url = reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk})
    make_document(tree.branch_a1)
    client.force_login(personas.secretary)
    client.get(url)  # warm up: session and content types
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    for index in range(6):
        document = make_document(tree.branch_a1, title=f"文件{index}", actor=personas.propaganda)
        services.document_add_version(
            actor=personas.secretary, document=document, uploaded_file=files.upload(files.pdf(), "v2.pdf")
        )
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_a_plain_upload_with_a_bad_file_shows_the_reason(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}),
        {"title": "照片", "file": files.upload(files.svg(), "photo.jpg")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "SVG image" in response.content.decode()
    assert not Document.objects.exists()


def test_refusals_reach_people_in_chinese_by_default(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}),
        {"title": "照片", "file": files.upload(files.svg(), "photo.jpg")},
    )
    assert "此处不接受这种类型的文件：SVG 图像" in response.content.decode()


def test_an_htmx_upload_returns_the_refreshed_panel(client, tree, personas):
    client.force_login(personas.secretary)
    response = client.post(
        reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}),
        {"title": "支部简报", "file": files.upload(files.pdf(), "简报.pdf")},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="documents-panel"')
    assert "支部简报" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_version_upload_with_a_bad_file_shows_the_reason_on_its_row(
    client, tree, personas, make_document
):
    document = make_document(tree.branch_a1)
    client.force_login(personas.secretary)
    response = client.post(
        reverse("archive:add_version", kwargs={"public_id": document.public_id}),
        {"file": files.upload(files.exe(), "new.pdf")},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert document.versions.count() == 1


def test_a_retained_document_shows_no_delete_button(client, tree, personas, make_document):
    from datetime import timedelta

    from django.utils import timezone

    make_document(tree.branch_a1, retain_until=timezone.localdate() + timedelta(days=365))
    client.force_login(personas.secretary)
    page = client.get(
        reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk})
    ).content.decode()
    assert "/delete/" not in page


def test_deleting_a_retained_document_by_post_is_refused_with_a_message(
    client, tree, personas, make_document
):
    from datetime import timedelta

    from django.utils import timezone

    document = make_document(tree.branch_a1, retain_until=timezone.localdate() + timedelta(days=365))
    client.force_login(personas.secretary)
    response = client.post(
        reverse("archive:delete", kwargs={"public_id": document.public_id}), {"reason": "清理"}, follow=True
    )
    document.refresh_from_db()
    assert not document.is_deleted
    assert len(list(response.context["messages"])) == 1


# --- the index ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("student", 404), ("secretary", 200), ("college_officer", 200)]
)
def test_the_index_lists_the_units_the_person_may_open(client, tree, personas, persona, status):
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("archive:index"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_a1.pk}) in html
        assert reverse("archive:unit_documents", kwargs={"unit_id": tree.branch_b1.pk}) not in html


def test_the_archive_section_is_open_to_those_with_documents_to_see(tree, personas):
    from core.sections import sections_for

    assert "archive" in {s["code"] for s in sections_for(personas.secretary)}
    assert "archive" not in {s["code"] for s in sections_for(personas.student)}
