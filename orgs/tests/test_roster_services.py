"""Previewing and applying roster imports: what is written, what is not, and when it is refused."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from accounts.backends import find_user_by_identifier
from accounts.models import User
from core.errors import DomainError
from core.models import AuditEvent
from orgs import imports, services_roster
from orgs.models import Membership, PartyStatus, RosterImport, StatusChange
from orgs.tests.factories import make_person
from orgs.tests.fixtures import private_media, upload  # noqa: F401
from orgs.tests.fixtures.make_fixtures import ID_CHEN, ZH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def csv_file(*rows: list[str], header: list[str] = ZH, name: str = "roster.csv"):
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return upload(name, ("\n".join(lines) + "\n").encode())


def row(number: str, name: str, branch: str = "A1", **cells: str) -> list[str]:
    values = {"学号": number, "姓名": name, "支部": branch, **cells}
    return [values.get(header, "") for header in ZH]


def preview(personas, scope, file) -> RosterImport:
    return services_roster.roster_preview(
        actor=personas.university_admin, uploaded_file=file, scope_unit=scope
    )


def apply(personas, record) -> RosterImport:
    return services_roster.roster_apply(actor=personas.university_admin, roster_import=record)


def counts() -> dict[str, int]:
    return {
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "history": StatusChange.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_applying_creates_people_memberships_history_and_one_audit_event(tree, personas):
    before = counts()
    record = apply(personas, preview(personas, tree.university, upload("roster_utf8.csv")))
    assert (record.status, record.count_new, record.applied_by) == ("applied", 4, personas.university_admin)
    after = counts()
    assert after["people"] - before["people"] == 4
    assert after["memberships"] - before["memberships"] == 4
    assert after["history"] - before["history"] == 4
    assert after["audit"] - before["audit"] == 1
    event = AuditEvent.objects.get(action="orgs.roster.import")
    assert event.data == {"rows": 4, "new": 4, "updated": 0, "unchanged": 0, "status_changes": 4}
    assert event.unit_id == tree.university.pk

    chen = User.objects.select_related("membership__group").get(number="2023000101")
    assert not chen.has_usable_password()
    assert (chen.kind, chen.gender, chen.birth_date, chen.grade) == ("student", "M", date(2003, 5, 7), 2023)
    assert (chen.phone, chen.national_id, chen.email) == ("13812345678", ID_CHEN, "chen1@example.edu.cn")
    assert find_user_by_identifier("138 1234 5678") == chen  # the phone digest was written too
    assert chen.membership.group == tree.group_a1
    assert (chen.membership.party_status, chen.membership.status_since) == ("applicant", date(2024, 3, 1))
    history = StatusChange.objects.get(person=chen)
    assert (history.from_status, history.to_status, history.to_unit, history.changed_on) == (
        "",
        "applicant",
        tree.branch_a1,
        date(2024, 3, 1),
    )
    lin = User.objects.get(number="2023000102")
    assert lin.membership.unit == tree.branch_a1  # matched by the branch's name
    assert lin.email is None


def test_reimporting_the_same_file_changes_nothing(tree, personas):
    apply(personas, preview(personas, tree.university, upload("roster_utf8.csv")))
    before = counts()
    again = preview(personas, tree.university, upload("roster_utf8.csv"))
    assert (again.count_new, again.count_updated, again.count_unchanged, again.changes) == (0, 0, 4, [])
    assert [p["code"] for p in again.problems] == ["same_file_applied"]
    with CaptureQueriesContext(connection) as queries:
        apply(personas, again)
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert all("orgs_rosterimport" in sql for sql in writes), writes
    assert counts() == before


def test_a_changed_row_updates_only_the_fields_that_differ(tree, personas):
    apply(personas, preview(personas, tree.university, upload("roster_utf8.csv")))
    before = counts()
    record = preview(
        personas,
        tree.university,
        csv_file(
            row("2023000101", "陈一", "A1", 专业="人工智能", 政治面貌="积极分子", 状态日期="2025-04-01"),
            row("2023000104", "吴四", "A2"),  # every other cell empty: nothing to change
        ),
    )
    assert (record.count_updated, record.count_unchanged) == (1, 1)
    assert record.changes == [[2, "2023000101", "陈一", "update", ["major", "party_status", "status_date"]]]
    apply(personas, record)
    chen = User.objects.get(number="2023000101")
    assert (chen.major, chen.phone, chen.grade) == ("人工智能", "13812345678", 2023)
    assert (chen.membership.party_status, chen.membership.status_since) == ("activist", date(2025, 4, 1))
    change = StatusChange.objects.filter(person=chen).order_by("-id").first()
    assert (change.from_status, change.to_status, change.changed_on) == (
        "applicant",
        "activist",
        date(2025, 4, 1),
    )
    after = counts()
    assert (after["people"], after["memberships"]) == (before["people"], before["memberships"])
    assert (after["history"], after["audit"]) == (before["history"] + 1, before["audit"] + 1)


def test_moving_to_another_branch_leaves_the_old_branchs_group(tree, personas):
    record = preview(
        personas, tree.university, csv_file(row(personas.student.number, personas.student.name, "A2"))
    )
    assert record.changes == [
        [2, personas.student.number, personas.student.name, "update", ["branch", "group"]]
    ]
    apply(personas, record)
    membership = Membership.objects.get(person=personas.student)
    assert (membership.unit, membership.group, membership.party_status) == (tree.branch_a2, None, "applicant")
    change = StatusChange.objects.get(person=personas.student)
    assert (change.from_unit, change.to_unit) == (tree.branch_a1, tree.branch_a2)


def test_a_person_without_a_branch_joins_one(tree, personas):
    loner = make_person(None, name="无支部", number="2023009999")
    apply(
        personas,
        preview(personas, tree.college_a, csv_file(row("2023009999", "无支部", "A2", 政治面貌="群众"))),
    )
    assert Membership.objects.get(person=loner).unit == tree.branch_a2


def test_apply_writes_everything_or_nothing(tree, personas, monkeypatch):
    record = preview(personas, tree.university, upload("roster_utf8.csv"))
    before = counts()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after people and memberships were inserted in the same transaction.
    monkeypatch.setattr(StatusChange.objects, "bulk_create", explode)
    with pytest.raises(DomainError) as caught:
        apply(personas, record)
    assert caught.value.code == "roster_apply_failed"
    assert counts() == before
    record.refresh_from_db()
    assert (record.status, record.failure, record.applied_at) == ("failed", "RuntimeError", None)

    monkeypatch.undo()
    assert apply(personas, record).status == "applied"  # a failed import can be tried again
    assert counts()["people"] == before["people"] + 4


def test_an_applied_import_is_not_applied_twice(tree, personas):
    record = apply(personas, preview(personas, tree.university, upload("roster_utf8.csv")))
    before = counts()
    with pytest.raises(DomainError) as caught:
        apply(personas, record)
    assert caught.value.code == "roster_already_applied"
    assert counts() == before


def test_apply_refuses_when_the_database_changed_since_the_preview(tree, personas):
    record = preview(personas, tree.university, upload("roster_utf8.csv"))
    make_person(tree.branch_a2, name="抢先", number="2023000103")
    before = counts()
    with pytest.raises(DomainError) as caught:
        apply(personas, record)
    assert caught.value.code == "roster_changed"
    assert counts() == before
    record.refresh_from_db()
    assert (record.status, record.count_new, record.count_updated) == ("previewed", 3, 1)
    assert apply(personas, record).status == "applied"  # the refreshed preview can be applied


def test_apply_refuses_when_new_errors_appeared(tree, personas):
    record = preview(personas, tree.university, upload("roster_utf8.csv"))
    personas.activist.phone = "13812345678"
    personas.activist.save()
    with pytest.raises(DomainError):
        apply(personas, record)
    record.refresh_from_db()
    assert [(p["row"], p["field"], p["code"]) for p in record.problems] == [(2, "phone", "taken")]
    assert not record.can_apply


def test_an_import_with_errors_cannot_be_applied(tree, personas):
    record = preview(personas, tree.university, upload("roster_bad_values.csv"))
    before = counts()
    with pytest.raises(DomainError):
        apply(personas, record)
    assert counts() == before


def test_people_outside_the_scope_and_administrators_are_not_touched(tree, personas):
    record = preview(
        personas,
        tree.college_a,
        csv_file(
            row(personas.outsider.number, "改名", "A1"),
            row(personas.system_admin.number, "改名", "A1"),
        ),
    )
    assert [(p["row"], p["field"], p["code"]) for p in record.problems] == [
        (2, "number", "person_outside_scope"),
        (3, "number", "protected_account"),
    ]


def test_personal_data_of_the_same_person_is_not_a_duplicate(tree, personas):
    personas.student.phone = "13812345678"
    personas.student.national_id = ID_CHEN
    personas.student.save()
    record = preview(
        personas,
        tree.university,
        csv_file(
            row(personas.student.number, personas.student.name, "A1", 手机="138 1234 5678", 身份证号=ID_CHEN)
        ),
    )
    assert (record.error_count, record.count_unchanged) == (0, 1)


def test_empty_cells_keep_what_is_recorded(tree, personas):
    personas.student.major = "哲学"
    personas.student.save()
    record = preview(
        personas, tree.university, csv_file(row(personas.student.number, personas.student.name, "A1"))
    )
    apply(personas, record)
    personas.student.refresh_from_db()
    assert personas.student.major == "哲学"
    assert Membership.objects.get(person=personas.student).party_status == PartyStatus.APPLICANT


def test_only_holders_of_the_import_right_may_preview_or_apply(tree, personas):
    with pytest.raises(Http404):
        services_roster.roster_preview(
            actor=personas.secretary, uploaded_file=upload("roster_utf8.csv"), scope_unit=tree.college_a
        )
    with pytest.raises(PermissionDenied):
        services_roster.roster_preview(
            actor=personas.secretary, uploaded_file=upload("roster_utf8.csv"), scope_unit=tree.branch_a1
        )
    record = preview(personas, tree.college_a, upload("roster_utf8.csv"))
    with pytest.raises(PermissionDenied):
        services_roster.roster_apply(actor=personas.college_officer, roster_import=record)
    with pytest.raises(Http404):
        services_roster.roster_apply(actor=personas.outsider, roster_import=record)


def test_the_preview_costs_the_same_queries_for_3_rows_or_60(tree, personas):
    def queries_for(size: int) -> int:
        rows = [row(f"2024{index:06d}", f"人{index}", "A1", 手机=f"139{index:08d}") for index in range(size)]
        rows[0] = row(personas.student.number, personas.student.name, "A1")
        with CaptureQueriesContext(connection) as captured:
            preview(personas, tree.university, csv_file(*rows, name=f"r{size}.csv"))
        return len(captured.captured_queries)

    queries_for(2)  # the importer's grants are read once and then cached on the user
    assert queries_for(3) == queries_for(60)


def test_a_file_with_more_than_a_chunk_of_rows_is_looked_up_in_batches(tree, personas, monkeypatch):
    monkeypatch.setattr(services_roster, "LOOKUP_CHUNK", 2)
    make_person(tree.branch_a1, name="已有", number="2024000003")
    rows = [row(f"2024{index:06d}", f"人{index}", "A1") for index in range(5)]
    record = preview(personas, tree.university, csv_file(*rows))
    assert (record.count_new, record.count_updated) == (4, 1)


def test_the_checked_rows_are_kept_encrypted_for_applying(tree, personas):
    record = preview(personas, tree.university, upload("roster_utf8.csv"))
    assert record.parsed_rows and "13812345678" not in record.parsed_rows and "陈一" not in record.parsed_rows
    rows, problems = imports.unpack_rows(record.parsed_rows)
    assert [row.number for row in rows] == ["2023000101", "2023000102", "2023000103", "2023000104"]
    assert (rows[0].birth_date, rows[0].phone, problems) == (date(2003, 5, 7), "13812345678", [])


def test_without_the_kept_rows_apply_reads_the_stored_file_again(tree, personas):
    record = preview(personas, tree.university, upload("roster_utf8.csv"))
    RosterImport.objects.filter(pk=record.pk).update(parsed_rows="")
    record.refresh_from_db()
    assert apply(personas, record).count_new == 4


def test_a_stored_file_that_changed_on_disk_is_refused(tree, personas):
    record = preview(personas, tree.university, upload("roster_utf8.csv"))
    RosterImport.objects.filter(pk=record.pk).update(parsed_rows="")
    record.refresh_from_db()
    with record.stored_file.open("wb") as stored:
        stored.write(b"number,name,branch\n")
    before = counts()
    with pytest.raises(DomainError) as caught:
        apply(personas, record)
    assert caught.value.code == "roster_file_changed"
    assert counts() == before
