"""The registry of audience kinds: a lower app finds the groups that higher apps registered."""

from __future__ import annotations

import pytest

from core import audiences
from core.audiences import AudienceKind


def _kind(code: str) -> AudienceKind:
    return AudienceKind(
        code=code,
        label=code.title(),
        people=lambda audience_id: None,  # type: ignore[arg-type,return-value]
        audiences_of=lambda person_id: None,  # type: ignore[arg-type,return-value]
        choices_for=lambda user: [(1, "one")],
        label_of=lambda audience_id: f"#{audience_id}",
    )


@pytest.fixture
def registered():
    codes = ("test.zeta", "test.alpha")
    for code in codes:
        audiences.register_audience_kind(_kind(code))
    yield codes
    for code in codes:
        audiences.unregister_audience_kind(code)


def test_a_registered_kind_is_found_by_its_code_and_listed_by_code(registered):
    assert audiences.audience_kind("test.alpha").label_of(7) == "#7"
    codes = [kind.code for kind in audiences.audience_kinds()]
    assert codes.index("test.alpha") < codes.index("test.zeta")


def test_an_unknown_code_finds_no_kind():
    assert audiences.audience_kind("test.nobody") is None


def test_registering_a_code_again_replaces_the_kind(registered):
    audiences.register_audience_kind(AudienceKind(**{**_kind("test.alpha").__dict__, "label": "Other"}))
    assert audiences.audience_kind("test.alpha").label == "Other"
    assert [kind.code for kind in audiences.audience_kinds()].count("test.alpha") == 1


def test_development_registers_its_batches_as_an_audience_kind():
    kind = audiences.audience_kind("development.batch")
    assert kind is not None and str(kind.label)
