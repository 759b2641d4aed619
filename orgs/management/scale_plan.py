"""Scale data for ``make bench``: universities of a named size, drawn from a fixed random seed.

Like the demo plan this is pure data (no database access): the same size and university index give
the same units, people, memberships, positions and status history every time. It is produced one
college at a time (``UniversityPlanner.college``) so that 500,000 people never sit in memory at once.

Tree paths are computed here rather than by treebeard's ``add_child`` (one query per node): a
materialised path is the parent's path plus a base-36 step of four characters, steps counted from 1.
Everything is fictional; phone numbers start with 199 followed by a digit the demo never uses, and
national ID numbers use region codes the demo never uses, so scale data and demo data can share a
database without breaking the unique digests.

The bench personas' password is public and bench-only: a scale database is for measuring, never for
real data.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.text import national_id_check_digit
from orgs.management.demo_plan import GIVEN_EITHER, GIVEN_FEMALE, GIVEN_MALE, STATUS_MIX, SURNAMES

SEED = 20261127
BENCH_PASSWORD = "bench-only-password"  # noqa: S105  (public on purpose: bench databases only)
TERM_START = date(2025, 9, 15)
PREVIOUS_TERM = (date(2023, 9, 15), date(2025, 9, 14))
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node alphabet
STEPLEN = 4
STAGES = ["applicant", "activist", "target", "probationary", "full"]
GRADES: list[int | None] = [2022, 2023, 2024, 2025, None]  # None: graduate students
PROFILE_BY_GRADE = {2022: "senior", 2023: "senior", 2024: "middle", 2025: "junior", None: "graduate"}
# Least time spent in the stage before each one (days), as the national rules require, plus slack.
DAYS_BEFORE = {"activist": 183, "target": 365, "probationary": 90, "full": 365}
NUMERALS = "一二三四五六七八九"
# Common surnames first: the weight falls with the rank.
_SURNAME_WEIGHTS = list(itertools.accumulate(1 / (rank + 3) for rank in range(len(SURNAMES))))


@dataclass(frozen=True)
class Size:
    """One named size: how many universities, colleges per university and people in all."""

    code: str
    index: int  # keeps phone numbers of different sizes apart
    universities: int
    colleges: int
    people: int

    @property
    def people_per_college(self) -> int:
        return self.people // (self.universities * self.colleges)


SIZES = {
    size.code: size
    for size in [
        Size("XS", 0, 1, 3, 200),
        Size("S", 1, 1, 8, 2_000),
        Size("M", 2, 1, 20, 20_000),
        Size("L", 3, 1, 40, 100_000),
        Size("XL", 4, 5, 40, 500_000),
    ]
}

UNIVERSITIES = [
    ("星海理工大学", "Xinghai University of Technology"),
    ("青川师范大学", "Qingchuan Normal University"),
    ("东临医科大学", "Donglin Medical University"),
    ("南屿财经大学", "Nanyu University of Finance"),
    ("北原农林大学", "Beiyuan University of Agriculture and Forestry"),
]
COLLEGES = [
    ("马克思主义学院", "School of Marxism"),
    ("计算机学院", "School of Computer Science"),
    ("经济管理学院", "School of Economics and Management"),
    ("外国语学院", "School of Foreign Languages"),
    ("机械工程学院", "School of Mechanical Engineering"),
    ("电气工程学院", "School of Electrical Engineering"),
    ("土木工程学院", "School of Civil Engineering"),
    ("化学化工学院", "School of Chemistry and Chemical Engineering"),
    ("材料科学与工程学院", "School of Materials Science"),
    ("生命科学学院", "School of Life Sciences"),
    ("数学与统计学院", "School of Mathematics and Statistics"),
    ("物理学院", "School of Physics"),
    ("文学院", "School of Chinese Literature"),
    ("历史文化学院", "School of History and Culture"),
    ("法学院", "Law School"),
    ("新闻传播学院", "School of Journalism"),
    ("艺术学院", "School of Arts"),
    ("音乐学院", "School of Music"),
    ("体育学院", "School of Physical Education"),
    ("教育学院", "School of Education"),
    ("医学院", "School of Medicine"),
    ("药学院", "School of Pharmacy"),
    ("公共管理学院", "School of Public Administration"),
    ("环境学院", "School of Environment"),
    ("建筑学院", "School of Architecture"),
    ("信息与通信工程学院", "School of Information and Communication"),
    ("自动化学院", "School of Automation"),
    ("航空航天学院", "School of Aerospace"),
    ("能源与动力学院", "School of Energy and Power"),
    ("海洋学院", "School of Ocean Sciences"),
    ("农学院", "School of Agriculture"),
    ("食品学院", "School of Food Science"),
    ("地理科学学院", "School of Geography"),
    ("心理学院", "School of Psychology"),
    ("哲学学院", "School of Philosophy"),
    ("社会学院", "School of Sociology"),
    ("软件学院", "School of Software"),
    ("人工智能学院", "School of Artificial Intelligence"),
    ("网络空间安全学院", "School of Cyber Security"),
    ("国际教育学院", "School of International Education"),
]

# The bench logins of each size, by role (see ``persona_numbers``).
PERSONA_ROLES = {
    "student": 6,  # applicants and activists without positions
    "secretary": 5,  # secretaries of the first branches of the first college
    "officer": 4,  # organisers of the first colleges
    "orgdept": 2,  # the university's organisation department
    "admin": 1,  # a system administrator
}


def persona_numbers(size_code: str) -> dict[str, str]:
    """The login numbers of a size's bench personas, e.g. ``{"secretary1": "bench-m-secretary1"}``."""
    return {
        f"{role}{index}": f"bench-{size_code.lower()}-{role}{index}"
        for role, count in PERSONA_ROLES.items()
        for index in range(1, count + 1)
    }


def path_step(step: int) -> str:
    """One step of a materialised path: ``step`` in base 36, padded to four characters."""
    digits = ""
    while step:
        step, remainder = divmod(step, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    if not digits or len(digits) > STEPLEN:
        raise ValueError("A tree level holds between 1 and 36**4 - 1 nodes")
    return digits.rjust(STEPLEN, ALPHABET[0])


def step_of(path: str) -> int:
    """The last step of a path as a number (the inverse of ``path_step``)."""
    return int(path[-STEPLEN:], len(ALPHABET))


def root_code(size: Size, university: int) -> str:
    return f"SCALE-{size.code}-U{university + 1}"


@dataclass(slots=True)
class UnitRow:
    code: str
    name: str
    name_en: str
    kind: str
    path: str
    numchild: int

    @property
    def depth(self) -> int:
        return len(self.path) // STEPLEN


@dataclass(slots=True)
class PersonRow:
    number: str
    name: str
    kind: str
    gender: str
    birth_date: date
    national_id: str
    phone: str
    grade: int | None = None
    major: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    persona: bool = False  # gets the bench password


@dataclass(slots=True)
class MemberRow:
    number: str
    branch_code: str
    group_code: str | None
    status: str
    status_since: date | None
    league_member: bool
    joined_on: date


@dataclass(slots=True)
class PositionRow:
    number: str
    unit_code: str
    type_code: str
    start: date
    end: date | None = None


@dataclass(slots=True)
class HistoryRow:
    number: str
    from_status: str
    to_status: str
    unit_code: str
    changed_on: date


@dataclass
class Chunk:
    """Rows to insert together: units first, then people, then what refers to both."""

    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    positions: list[PositionRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)


def status_counts(size: int, mix: dict[str, float]) -> dict[str, int]:
    """How many of each status a branch of ``size`` holds: every stage at least once."""
    counts = {status: int(size * share) for status, share in mix.items()}
    counts["full"] = max(counts["full"], 3)  # a branch committee needs full members
    for status in ("applicant", "activist", "target", "probationary"):
        counts[status] = max(counts[status], 1)
    counts["none"] = max(0, size - sum(v for k, v in counts.items() if k != "none"))
    return counts


class UniversityPlanner:
    """Plans one university of a size: ``root()`` first, then ``college(i)`` for each college."""

    def __init__(self, size: Size, university: int, root_step: int) -> None:
        self.size = size
        self.university = university
        self.rng = random.Random(f"{SEED}-{size.code}-{university}")  # noqa: S311  (fictional data)
        self.root_path = path_step(root_step)
        self.code = root_code(size, university)
        self.prefix = f"{size.code}{university + 1}"
        self.national_ids: set[str] = set()
        self.phone_serial = 0
        # Region codes the demo never uses, one set per size and university: IDs never collide.
        self.regions = [f"45{size.index}{university}{j:02d}" for j in range(1, 31)]
        self.personas = persona_numbers(size.code) if university == 0 else {}

    # --- people -----------------------------------------------------------------------------
    def name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
        pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
        if rng.random() < 0.25:
            return surname + rng.choice(pool)
        return surname + rng.choice(GIVEN_EITHER + pool) + rng.choice(pool)

    def national_id(self, birth: date, gender: str) -> str:
        while True:
            sequence = self.rng.randint(0, 499) * 2 + (1 if gender == "M" else 0)  # odd for men
            first17 = f"{self.rng.choice(self.regions)}{birth:%Y%m%d}{sequence:03d}"
            if first17 not in self.national_ids:
                self.national_ids.add(first17)
                return first17 + national_id_check_digit(first17)

    def phone(self) -> str:
        self.phone_serial += 1
        # 199, then 1-5 for the size (the demo uses 0), the university and a serial.
        return f"199{self.size.index + 1}{self.university}{self.phone_serial:06d}"

    def person(self, number: str, kind: str, birth_year: int, **fields: object) -> PersonRow:
        gender = "M" if self.rng.random() < 0.55 else "F"
        birth = date(birth_year, 1, 1) + timedelta(days=self.rng.randint(0, 364))
        return PersonRow(
            number=number,
            name=self.name(gender),
            kind=kind,
            gender=gender,
            birth_date=birth,
            national_id=self.national_id(birth, gender),
            phone=self.phone(),
            **fields,  # type: ignore[arg-type]
        )

    def staff(self, chunk: Chunk, serial: str, unit_code: str, type_code: str, persona: str = "") -> None:
        number = self.personas.get(persona, f"{self.prefix}T{serial}")
        person = self.person(number, "staff", self.rng.randint(1965, 1992), persona=bool(persona))
        chunk.people.append(person)
        start = date(2021 + self.rng.randint(0, 3), 9, 1)
        chunk.positions.append(PositionRow(number, unit_code, type_code, start))

    # --- the university -----------------------------------------------------------------------
    def root(self) -> Chunk:
        """The university committee, its committee and organisation department, and the admin."""
        name, name_en = UNIVERSITIES[self.university % len(UNIVERSITIES)]
        chunk = Chunk()
        chunk.units.append(
            UnitRow(self.code, f"{name}党委", f"Party Committee, {name_en}", "university", self.root_path, 0)
        )
        chunk.units[0].numchild = self.size.colleges
        self.staff(chunk, "000001", self.code, "committee_secretary")
        self.staff(chunk, "000002", self.code, "committee_deputy")
        for index in range(3):
            persona = f"orgdept{index + 1}" if index < PERSONA_ROLES["orgdept"] else ""
            self.staff(chunk, f"00001{index}", self.code, "org_department_admin", persona)
        if "admin1" in self.personas:
            admin = self.person(self.personas["admin1"], "staff", 1990, is_staff=True, is_superuser=True)
            admin.persona = True
            chunk.people.append(admin)
        return chunk

    # --- a college and its branches -----------------------------------------------------------
    def college(self, index: int) -> Chunk:
        """One college committee (every fifth is a general branch) with its branches and people."""
        name, name_en = COLLEGES[index % len(COLLEGES)]
        general = index % 5 == 4
        code = f"{self.code}-C{index + 1:02d}"
        chunk = Chunk()
        college = UnitRow(
            code,
            f"{name}党总支" if general else f"{name}党委",
            f"General Branch, {name_en}" if general else f"Party Committee, {name_en}",
            "general_branch" if general else "college",
            self.root_path + path_step(index + 1),
            0,
        )
        chunk.units.append(college)
        serial = f"{index + 1:02d}"
        self.staff(chunk, f"{serial}0001", code, "secretary" if general else "committee_secretary")
        if not general:
            self.staff(chunk, f"{serial}0002", code, "committee_deputy")
        officer = f"officer{index + 1}" if index < PERSONA_ROLES["officer"] else ""
        self.staff(chunk, f"{serial}0003", code, "college_organiser", officer)
        counters: dict[int | None, int] = {}
        serials = iter(range(1, 10**5))
        remaining = self.size.people_per_college - len(chunk.people)
        while remaining > 0:
            branch_size = min(self.rng.randint(25, 45), remaining)
            if remaining - branch_size < 10:
                branch_size = remaining
            remaining -= branch_size
            grade = GRADES[college.numchild % len(GRADES)]
            counters[grade] = counters.get(grade, 0) + 1
            college.numchild += 1
            self.branch(chunk, college, grade, counters[grade], branch_size, serials, name)
        if index == 0 and self.personas:
            self.mark_personas(chunk)
        return chunk

    def branch(
        self,
        chunk: Chunk,
        college: UnitRow,
        grade: int | None,
        ordinal: int,
        size: int,
        serials: Iterator[int],
        college_name: str,
    ) -> None:
        rng = self.rng
        code = f"{college.code}-B{college.numchild:03d}"
        label = f"{grade}级本科生" if grade else "研究生"
        label_en = f"{grade} Undergraduate" if grade else "Graduate"
        branch = UnitRow(
            code,
            f"{college_name}{label}第{NUMERALS[(ordinal - 1) % 9]}党支部"
            if ordinal <= 9
            else f"{college_name}{label}第{ordinal}党支部",
            f"{label_en} Branch {ordinal}, {college.name_en.split(', ', 1)[-1]}",
            "branch",
            college.path + path_step(college.numchild),
            0,
        )
        chunk.units.append(branch)
        groups = []
        for group_index in range(max(2, min(4, size // 12))):
            branch.numchild += 1
            group = UnitRow(
                f"{code}-G{group_index + 1}",
                f"{branch.name}第{NUMERALS[group_index]}党小组",
                f"Party Group {group_index + 1}, {branch.name_en}",
                "group",
                branch.path + path_step(branch.numchild),
                0,
            )
            groups.append(group)
            chunk.units.append(group)
        counts = status_counts(size, STATUS_MIX[PROFILE_BY_GRADE[grade]])
        statuses = [
            status for status in ["full", "probationary", *STAGES[:3], "none"] for _ in range(counts[status])
        ]
        rng.shuffle(statuses)
        members: list[MemberRow] = []
        for status in statuses:
            student_grade = grade if grade is not None else rng.choice([2024, 2025, 2026])
            serial = next(serials)
            number = f"{self.prefix}{student_grade}{college.code[-2:]}{serial:05d}"
            birth_year = student_grade - (22 if grade is None else 18) - (rng.random() < 0.25)
            chunk.people.append(
                self.person(number, "student", birth_year, grade=student_grade, major=college_name[:-2])
            )
            since = self.status_since(status, student_grade)
            member = MemberRow(
                number,
                code,
                None,
                status,
                since,
                rng.random() < (0.7 if status == "none" else 0.9),
                date(student_grade, 10, 1),
            )
            members.append(member)
            chunk.history.extend(self.history(member))
        self.fill_groups(members, groups)
        chunk.members.extend(members)
        self.committee(chunk, branch, groups, members)

    def status_since(self, status: str, grade: int) -> date | None:
        if status == "none":
            return None
        # Semester batches: spring and autumn for new stages, June and December for admissions.
        latest = date(2026, 6, 30)
        needed = sum(DAYS_BEFORE.get(stage, 0) for stage in STAGES[: STAGES.index(status) + 1])
        # Those who came with a status earned before enrolment start before it.
        earliest = min(date(grade, 11, 1) + timedelta(days=needed), latest - timedelta(days=180))
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def history(self, member: MemberRow) -> list[HistoryRow]:
        """The person's path to their status, oldest first, ending on ``status_since``."""
        if member.status_since is None:
            return []
        reached = STAGES[: STAGES.index(member.status) + 1]
        day = member.status_since
        rows: list[HistoryRow] = []
        for position in range(len(reached) - 1, -1, -1):
            stage = reached[position]
            before = reached[position - 1] if position else "none"
            rows.append(HistoryRow(member.number, before, stage, member.branch_code, day))
            day -= timedelta(days=DAYS_BEFORE.get(stage, 0) + self.rng.randint(0, 60))
        rows.reverse()
        return rows

    @staticmethod
    def fill_groups(members: list[MemberRow], groups: list[UnitRow]) -> None:
        # Party members and those being developed sit in a group; members first, so every group
        # has a party member who can lead it.
        in_groups = [m for m in members if m.status in ("full", "probationary", "target", "activist")]
        in_groups.sort(key=lambda m: m.status not in ("full", "probationary"))
        for index, member in enumerate(in_groups):
            member.group_code = groups[index % len(groups)].code

    def committee(
        self, chunk: Chunk, branch: UnitRow, groups: list[UnitRow], members: list[MemberRow]
    ) -> None:
        full = [m for m in members if m.status == "full"]
        types = ["secretary", "organisation_member", "propaganda_member"]
        if len(full) >= 4:
            types.append("discipline_member")
        for member, type_code in zip(full, types, strict=False):
            chunk.positions.append(PositionRow(member.number, branch.code, type_code, TERM_START))
        if self.rng.random() < 0.35:  # an earlier secretary's ended term, kept as history
            chunk.positions.append(
                PositionRow(full[-1].number, branch.code, "secretary", PREVIOUS_TERM[0], PREVIOUS_TERM[1])
            )
        on_committee = {m.number for m in full[: len(types)]}
        for group in groups:
            candidates = [
                m for m in members if m.group_code == group.code and m.status in ("full", "probationary")
            ]
            leader = next((m for m in candidates if m.number not in on_committee), None)
            if leader is not None:
                chunk.positions.append(PositionRow(leader.number, group.code, "group_leader", TERM_START))

    def mark_personas(self, chunk: Chunk) -> None:
        """Make personas of the first branches' secretaries and of applicants and activists
        without a position (one per branch while there are branches enough)."""
        secretaries = [p for p in chunk.positions if p.type_code == "secretary" and p.end is None]
        chosen = {
            f"secretary{index}": position.number
            for index, position in enumerate(secretaries[: PERSONA_ROLES["secretary"]], start=1)
        }
        holders = {p.number for p in chunk.positions}
        candidates = [
            m for m in chunk.members if m.status in ("applicant", "activist") and m.number not in holders
        ]
        firsts: dict[str, MemberRow] = {}
        for member in candidates:
            firsts.setdefault(member.branch_code, member)
        first_numbers = {member.number for member in firsts.values()}
        later = [member for member in candidates if member.number not in first_numbers]
        picks = [*firsts.values(), *later][: PERSONA_ROLES["student"]]
        chosen.update({f"student{index}": m.number for index, m in enumerate(picks, start=1)})
        for role, number in chosen.items():
            self.rename(chunk, number, self.personas[role])

    @staticmethod
    def rename(chunk: Chunk, old: str, new: str) -> None:
        """Give a planned person a persona's login number and the bench password."""
        for person in chunk.people:
            if person.number == old:
                person.number = new
                person.persona = True
        for rows in (chunk.members, chunk.positions, chunk.history):
            for row in rows:
                if row.number == old:
                    row.number = new
