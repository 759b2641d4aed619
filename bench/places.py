"""The ``{placeholders}`` of scenario paths, read from the scale data (needs Django set up).

A new placeholder is one function here: ``@place("meeting")`` on a function of the size code that
returns the value to put in the path (already URL-safe).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from accounts.models import User
from development.models import CaseStatus, DevelopmentCase
from orgs.management.scale_plan import persona_numbers
from orgs.models import OrgUnit, Position

Resolver = Callable[[str], str]
PLACES: dict[str, Resolver] = {}


def place(name: str) -> Callable[[Resolver], Resolver]:
    def register(function: Resolver) -> Resolver:
        PLACES[name] = function
        return function

    return register


def persona(size: str, role: str) -> User:
    """The bench persona ``role`` (e.g. ``"secretary1"``) of a size."""
    number = persona_numbers(size)[role]
    try:
        return User.objects.get(number=number)
    except User.DoesNotExist as error:
        raise LookupError(f"No bench persona {number}: run `manage.py seed_scale --size {size}`") from error


def _unit_of(size: str, role: str, position_type: str) -> str:
    position = Position.objects.active().filter(person=persona(size, role), position_type__code=position_type)
    unit_id = position.values_list("unit_id", flat=True).first()
    if unit_id is None:
        raise LookupError(f"The bench persona {role} holds no {position_type} position")
    return str(unit_id)


@place("branch")
def branch(size: str) -> str:
    """The branch whose secretary is the persona secretary1."""
    return _unit_of(size, "secretary1", "secretary")


@place("college")
def college(size: str) -> str:
    """The college whose organiser is the persona officer1."""
    return _unit_of(size, "officer1", "college_organiser")


@place("surname")
def surname(size: str) -> str:
    """The commonest surname: a search that matches many members, as a search for a name does."""
    return quote("王")


@place("case")
def case(size: str) -> str:
    """The open case with the most steps done in the college of officer1: the longest timeline."""
    unit = OrgUnit.objects.get(pk=college(size))
    found = (
        DevelopmentCase.objects.filter(branch__path__startswith=unit.path, status=CaseStatus.OPEN)
        .order_by("-current_step", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise LookupError(
            f"No development case in the bench college: run `manage.py seed_scale_cases --size {size}`"
        )
    return str(found)


def fill(path: str, size: str) -> str:
    """``path`` with every ``{placeholder}`` it names replaced."""
    names = {name for name in PLACES if "{" + name + "}" in path}
    return path.format(**{name: PLACES[name](size) for name in names})


BENCH_ARTICLES = 30
_PARAGRAPH = (
    "<p>学习贯彻党的创新理论，要把学习成果转化为推动工作的实际行动。支部围绕主题党日开展集中学习、"
    "交流研讨和志愿服务，党员同志结合专业学习谈体会、找差距、定措施，形成了比学赶超的良好氛围。</p>"
)


@place("channel")
def channel(size: str) -> str:
    """The channel of officer1's college, with ``BENCH_ARTICLES`` published articles (made once).

    Bench data only: the articles are written straight into the tables as the review workflow would
    leave them published; the public pages read nothing else.
    """
    from django.utils import timezone

    from publishing.models import Article, ArticleStatus, Channel

    unit = OrgUnit.objects.get(pk=college(size))
    found, _ = Channel.objects.get_or_create(
        unit=unit, defaults={"slug": f"bench-{size.lower()}", "name": unit.name, "introduction": "bench"}
    )
    missing = BENCH_ARTICLES - Article.objects.filter(channel=found, status=ArticleStatus.PUBLISHED).count()
    author = persona(size, "officer1")
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            channel=found,
            author=author,
            title=f"主题党日学习交流（第{n + 1}期）",
            summary="支部围绕主题党日开展集中学习、交流研讨和志愿服务。",
            category="current_affairs",
            body="<h2>学习交流</h2>" + _PARAGRAPH * 12,
            status=ArticleStatus.PUBLISHED,
            published_at=now,
        )
        for n in range(max(0, missing))
    )
    return found.slug


@place("article")
def article(size: str) -> str:
    """The newest published article of the bench channel."""
    from publishing.models import Article, ArticleStatus

    found = (
        Article.objects.filter(channel__slug=channel(size), status=ArticleStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return str(found)
