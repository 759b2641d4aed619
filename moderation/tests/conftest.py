"""Fixtures of the moderation tests: the default lexicon, terms, and a clean matcher state."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from moderation import matcher, services
from moderation.models import LexiconEntry
from orgs.tests.factories import appoint, make_person

_defaults = importlib.import_module("moderation.migrations.0003_add_default_lexicon")


@pytest.fixture(autouse=True)
def _fresh_process(settings):
    """Each test starts as a newly started process would: no per-process matcher, empty cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "moderation-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    matcher.forget_process_copy()
    yield
    matcher.forget_process_copy()


@pytest.fixture
def default_lexicon(db):
    """The default lexicon of the data migration (replayed, in case a flush removed it)."""
    _defaults.add_defaults(apps, None)
    return LexiconEntry.objects.filter(unit=None)


@pytest.fixture
def add_term(personas):
    """Add a term through the service, as the organisation department unless told otherwise."""

    def add(term: str, action: str = "hold", category: str = "abuse", unit=None, actor=None) -> LexiconEntry:
        return services.lexicon_entry_create(
            actor=actor or personas.university_admin, term=term, category=category, action=action, unit=unit
        )

    return add


@pytest.fixture
def study_member(tree):
    """In scope of branch A1 through a position without moderation rights."""
    person = make_person(tree.branch_a1, name="吴学习")
    appoint(person, tree.branch_a1, "study_member")
    return person


@pytest.fixture
def committee_secretary(tree):
    """The party committee secretary of college A: keeps the lexicon for the college."""
    person = make_person(None, name="郑院书记")
    appoint(person, tree.college_a, "committee_secretary")
    return person
