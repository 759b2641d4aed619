"""The demo university, as a plan: every unit, person and position, drawn from a fixed random seed.

The plan is pure data (no database access), so building it twice gives exactly the same people
with the same numbers: that is what makes ``seed_demo`` idempotent. Everything here is fictional:
云湖示范大学 does not exist, phone numbers share the made-up prefix 199000, and national ID
numbers are generated with a valid GB 11643 check digit but belong to nobody we know of.

The persona passwords are demo-only: the demo database is for trying the platform, never for real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core.text import national_id_check_digit

SEED = 20260901
TERM_START = date(2025, 9, 15)

UNIVERSITY_CODE = "YH"
UNIVERSITY_NAME = "云湖示范大学党委"
UNIVERSITY_NAME_EN = "Party Committee of Yunhu Demonstration University"


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    name_en: str
    kind: str
    parent_code: str | None


@dataclass
class PersonPlan:
    number: str
    name: str
    kind: str  # "student" or "staff"
    gender: str  # "M" or "F"
    birth_date: date
    national_id: str
    phone: str
    grade: int | None = None
    major: str = ""
    email: str | None = None
    branch_code: str | None = None
    group_code: str | None = None
    party_status: str = "none"
    status_since: date | None = None
    league_member: bool = False
    joined_unit_on: date | None = None
    password: str | None = None  # only personas can log in
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(frozen=True)
class PositionPlan:
    number: str
    unit_code: str
    type_code: str
    start_date: date


@dataclass(frozen=True)
class Persona:
    role: str
    number: str
    password: str
    sees: str


@dataclass
class Plan:
    units: list[UnitPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    positions: list[PositionPlan] = field(default_factory=list)


# The personas: fixed numbers, one demo password each (demo-only; printed by `manage.py demo_logins`).
PERSONAS = [
    Persona(
        "Student (applicant)",
        "2024020001",
        "demo-student",
        "Own standing and inbox; no org scope",
    ),
    Persona(
        "Activist",
        "2024020002",
        "demo-activist",
        "Own standing and inbox; no org scope",
    ),
    Persona(
        "Branch secretary",
        "2024020003",
        "demo-secretary",
        "Branch 计算机学院2024级本科生党支部: members, personal data, positions",
    ),
    Persona(
        "College officer (organiser)",
        "20160002",
        "demo-officer",
        "计算机学院 and its 4 branches: members, personal data, positions",
    ),
    Persona(
        "University organisation department",
        "20120001",
        "demo-orgdept",
        "The whole university: every college and branch, roster import",
    ),
    Persona(
        "System administrator",
        "admin",
        "demo-admin",
        "Everything, and the admin site at /admin/",
    ),
]
PERSONA_BY_NUMBER = {p.number: p for p in PERSONAS}

# code, number prefix, name, English name, majors, share of men, branches (grade or None for graduates)
COLLEGES: list[tuple[str, str, str, str, list[str], float, list[int | None]]] = [
    (
        "MARX",
        "01",
        "马克思主义学院",
        "School of Marxism",
        ["思想政治教育", "马克思主义理论"],
        0.4,
        [2023, 2024, None],
    ),
    (
        "CS",
        "02",
        "计算机学院",
        "School of Computer Science",
        ["计算机科学与技术", "软件工程", "人工智能", "网络空间安全"],
        0.68,
        [2023, 2024, 2025, None],
    ),
    (
        "EM",
        "03",
        "经济管理学院",
        "School of Economics and Management",
        ["经济学", "工商管理", "会计学", "金融学"],
        0.45,
        [2023, 2024, 2025],
    ),
    (
        "FL",
        "04",
        "外国语学院",
        "School of Foreign Languages",
        ["英语", "日语", "翻译", "法语"],
        0.25,
        [2024, 2025],
    ),
]

# Share of each party status in a branch, by how far its students are in their studies.
STATUS_MIX: dict[str, dict[str, float]] = {
    "senior": {
        "none": 0.28,
        "applicant": 0.2,
        "activist": 0.16,
        "target": 0.08,
        "probationary": 0.1,
        "full": 0.18,
    },
    "middle": {
        "none": 0.34,
        "applicant": 0.26,
        "activist": 0.18,
        "target": 0.07,
        "probationary": 0.07,
        "full": 0.08,
    },
    "junior": {
        "none": 0.46,
        "applicant": 0.3,
        "activist": 0.12,
        "target": 0.03,
        "probationary": 0.0,
        "full": 0.09,
    },
    "graduate": {
        "none": 0.22,
        "applicant": 0.1,
        "activist": 0.1,
        "target": 0.08,
        "probationary": 0.12,
        "full": 0.38,
    },
}
STATUS_ORDER = ["full", "probationary", "target", "activist", "applicant", "none"]
PROFILE_BY_GRADE = {2023: "senior", 2024: "middle", 2025: "junior", None: "graduate"}

# When each status usually starts: semester batches for activists and targets, June and December
# for admissions and conversions.
STATUS_DATES: dict[str, list[date]] = {
    "activist": [
        date(2024, 4, 15),
        date(2024, 10, 20),
        date(2025, 4, 15),
        date(2025, 10, 20),
        date(2026, 4, 15),
    ],
    "target": [date(2025, 4, 15), date(2025, 10, 20), date(2026, 4, 15), date(2026, 10, 20)],
    "probationary": [date(2025, 12, 15), date(2026, 6, 10)],
    "full": [date(2024, 6, 10), date(2024, 12, 15), date(2025, 6, 10), date(2025, 12, 15), date(2026, 6, 10)],
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ["欧阳", "上官", "司马", "诸葛"]
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚辉鹏飞鑫波斌宇浩凯健俊帆旭宁龙博文昊轩航铭辰煜哲睿泽峰楠毅晖"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲婷雪慧莹颖琳倩洁萍燕璐晨欣怡悦彤蕾薇瑶琪佳梦雨诗涵妍菲蓉岚晶"
GIVEN_EITHER = "子思一嘉梓可安若清天家文晓心润书嘉逸墨言亦宁知远"

# Real county-level division codes (the first six digits of an ID number), mostly in East China.
REGIONS = [
    "310104", "310115", "320102", "320508", "320106", "330106", "330203", "340104", "350102",
    "360102", "370102", "370202", "110105", "110108", "120101", "130102", "410105", "420106",
    "430102", "440106", "440304", "500103", "510107", "610113", "530102", "210102", "230103",
]  # fmt: skip

NUMERALS = "一二三四五六七八九"


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (made-up demo data, reproducible on purpose)
        self.plan = Plan()
        self.national_ids: set[str] = set()
        self.names: set[str] = set()
        self.phone_serial = 0

    # --- people -------------------------------------------------------------------------------
    def name(self, gender: str) -> str:
        rng = self.rng
        for _attempt in range(50):
            if rng.random() < 0.015:
                surname = rng.choice(COMPOUND_SURNAMES)
            else:
                # Common surnames first: weight falls with the rank.
                surname = rng.choices(SURNAMES, weights=[1 / (i + 3) for i in range(len(SURNAMES))])[0]
            pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
            if rng.random() < 0.25:
                given = rng.choice(pool)
            else:
                given = rng.choice(GIVEN_EITHER + pool) + rng.choice(pool)
            candidate = surname + given
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate
        return candidate  # real rosters have namesakes too

    def national_id(self, birth: date, gender: str) -> str:
        while True:
            sequence = self.rng.randint(0, 499) * 2 + (1 if gender == "M" else 0)  # odd for men
            first17 = f"{self.rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
            value = first17 + national_id_check_digit(first17)
            if value not in self.national_ids:
                self.national_ids.add(value)
                return value

    def phone(self) -> str:
        self.phone_serial += 1
        return f"199000{self.phone_serial:05d}"

    def birth_date(self, earliest: date, latest: date) -> date:
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def student_birth(self, grade: int, graduate: bool) -> date:
        # Undergraduates start at about 18, graduates at about 22; everyone is 18 or older.
        start_age = 22 if graduate else 18
        year = grade - start_age - (1 if self.rng.random() < 0.25 else 0)
        return self.birth_date(date(year - 1, 9, 1), date(year, 8, 31))

    def person(self, *, gender: str, birth_date: date, name: str = "", **fields: Any) -> PersonPlan:
        person = PersonPlan(
            name=name or self.name(gender),
            gender=gender,
            birth_date=birth_date,
            national_id=self.national_id(birth_date, gender),
            phone=self.phone(),
            **fields,
        )
        self.plan.people.append(person)
        return person

    def status_since(self, status: str, grade: int, graduate: bool) -> date | None:
        if status == "none":
            return None
        enrolled = date(grade, 9, 1)
        if status == "applicant":
            return self.birth_date(max(enrolled + timedelta(days=30), date(2024, 9, 20)), date(2026, 11, 10))
        # Graduates may have come with a status earned as undergraduates elsewhere.
        options = [d for d in STATUS_DATES[status] if graduate or d > enrolled + timedelta(days=180)]
        return self.rng.choice(options or STATUS_DATES[status][-1:])

    # --- units --------------------------------------------------------------------------------
    def unit(self, code: str, name: str, name_en: str, kind: str, parent: str | None) -> str:
        self.plan.units.append(UnitPlan(code, name, name_en, kind, parent))
        return code

    def appoint(self, number: str, unit_code: str, type_code: str, start: date = TERM_START) -> None:
        self.plan.positions.append(PositionPlan(number, unit_code, type_code, start))


def _status_counts(size: int, mix: dict[str, float]) -> dict[str, int]:
    counts = {status: int(size * share) for status, share in mix.items()}
    counts["full"] = max(counts["full"], 3)  # a branch committee needs full members
    for status in ("applicant", "activist", "target"):
        counts[status] = max(counts[status], 1)  # every stage shows up in every branch
    counts["none"] = max(0, size - sum(v for k, v in counts.items() if k != "none"))
    return counts


def _branch(
    b: _Builder,
    college: tuple[str, str, str, str, list[str], float, list[int | None]],
    grade: int | None,
) -> None:
    code, prefix, name, name_en, majors, male_share, _grades = college
    rng = b.rng
    graduate = grade is None
    if graduate:
        branch_code = b.unit(
            f"{UNIVERSITY_CODE}-{code}-G",
            f"{name}研究生党支部",
            f"Graduate Branch, {name_en}",
            "branch",
            f"{UNIVERSITY_CODE}-{code}",
        )
    else:
        branch_code = b.unit(
            f"{UNIVERSITY_CODE}-{code}-U{grade}",
            f"{name}{grade}级本科生党支部",
            f"{grade} Undergraduate Branch, {name_en}",
            "branch",
            f"{UNIVERSITY_CODE}-{code}",
        )
    branch_name, branch_name_en = b.plan.units[-1].name, b.plan.units[-1].name_en
    size = rng.randint(30, 36)
    groups = []
    for index in range(3 if size >= 33 else 2):
        groups.append(
            b.unit(
                f"{branch_code}-G{index + 1}",
                f"{branch_name}第{NUMERALS[index]}党小组",
                f"Party Group {index + 1}, {branch_name_en}",
                "group",
                branch_code,
            )
        )
    counts = _status_counts(size, STATUS_MIX[PROFILE_BY_GRADE[grade]])
    forced: list[dict[str, object]] = []
    if branch_code == f"{UNIVERSITY_CODE}-CS-U2024":
        # The personas live here, with their fixed numbers and names.
        forced = [
            {"name": "林小雨", "gender": "F", "party_status": "applicant"},
            {"name": "陈思远", "gender": "M", "party_status": "activist"},
            {"name": "王立新", "gender": "M", "party_status": "full"},
        ]
        for entry in forced:
            counts[str(entry["party_status"])] -= 1
    others = [status for status in STATUS_ORDER for _ in range(counts[status])]
    rng.shuffle(others)
    statuses = [str(entry["party_status"]) for entry in forced] + others
    members: list[PersonPlan] = []
    for serial, status in enumerate(statuses, start=1):
        extra = forced[serial - 1] if serial <= len(forced) else {}
        gender = str(extra.get("gender") or ("M" if rng.random() < male_share else "F"))
        student_grade = grade if grade is not None else rng.choice([2024, 2025, 2026])
        person = b.person(
            number=f"{student_grade}{prefix}{1 if graduate else 0}{serial:03d}",
            name=str(extra.get("name", "")),
            kind="student",
            gender=gender,
            birth_date=b.student_birth(student_grade, graduate),
            grade=student_grade,
            major=rng.choice(majors),
            branch_code=branch_code,
            party_status=status,
            status_since=b.status_since(status, student_grade, graduate),
            league_member=rng.random() < (0.7 if status == "none" else 0.9),
            joined_unit_on=date(student_grade, 10, 1),
        )
        members.append(person)
    # Party members and those being developed belong to a party group, spread evenly.
    in_groups = [m for m in members if m.party_status in ("full", "probationary", "target", "activist")]
    # Members first, so that every group has a party member to lead it.
    in_groups.sort(key=lambda m: m.party_status not in ("full", "probationary"))
    for index, person in enumerate(in_groups):
        person.group_code = groups[index % len(groups)]
    full = [m for m in members if m.party_status == "full"]
    committee = ["secretary", "organisation_member", "propaganda_member"]
    if len(full) >= 5:
        committee.append("discipline_member")
    for person, type_code in zip(full, committee, strict=False):
        b.appoint(person.number, branch_code, type_code)
    committee_numbers = {p.number for p in full[: len(committee)]}
    for group_code in groups:
        in_group = [
            m for m in in_groups if m.group_code == group_code and m.party_status in ("full", "probationary")
        ]
        leader = next(
            (m for m in in_group if m.number not in committee_numbers), in_group[0] if in_group else None
        )
        if leader is not None:
            b.appoint(leader.number, group_code, "group_leader")


def _staff(
    b: _Builder, number: str, gender: str, born: tuple[int, int], name: str = "", **fields: Any
) -> PersonPlan:
    return b.person(
        number=number,
        name=name,
        kind="staff",
        gender=gender,
        birth_date=b.birth_date(date(born[0], 1, 1), date(born[1], 12, 31)),
        **fields,
    )


def build_plan(seed: int = SEED) -> Plan:
    """The whole demo university. Same seed, same plan: numbers, names and IDs never change."""
    b = _Builder(seed)
    b.unit(UNIVERSITY_CODE, UNIVERSITY_NAME, UNIVERSITY_NAME_EN, "university", None)
    _staff(b, "19980001", "M", (1966, 1970), name="郑国栋")
    b.appoint("19980001", UNIVERSITY_CODE, "committee_secretary", date(2021, 7, 1))
    _staff(b, "20120001", "F", (1984, 1988), name="李静怡", email="orgdept@demo.example")
    b.appoint("20120001", UNIVERSITY_CODE, "org_department_admin", date(2022, 3, 1))
    for index, college in enumerate(COLLEGES):
        code, _prefix, name, name_en, _majors, _male, grades = college
        college_code = b.unit(
            f"{UNIVERSITY_CODE}-{code}",
            f"{name}党委",
            f"Party Committee, {name_en}",
            "college",
            UNIVERSITY_CODE,
        )
        secretary = f"2005{index + 1:02d}{index + 1:02d}"
        _staff(b, secretary, "M" if b.rng.random() < 0.6 else "F", (1970, 1980))
        b.appoint(secretary, college_code, "committee_secretary", date(2022, 9, 1))
        organiser = f"2016{index + 1:04d}"  # the CS one, 20160002, is the college officer persona
        if code == "CS":
            _staff(b, organiser, "M", (1988, 1990), name="周文博", email="officer@demo.example")
        else:
            _staff(b, organiser, "M" if b.rng.random() < 0.5 else "F", (1985, 1993))
        b.appoint(organiser, college_code, "college_organiser", date(2023, 9, 1))
        for grade in grades:
            _branch(b, college, grade)
    _staff(
        b,
        "admin",
        "M",
        (1990, 1994),
        name="系统管理员",
        email="admin@demo.example",
        is_staff=True,
        is_superuser=True,
    )
    emails = {
        "2024020001": "student@demo.example",
        "2024020002": "activist@demo.example",
        "2024020003": "secretary@demo.example",
    }
    for person in b.plan.people:
        persona = PERSONA_BY_NUMBER.get(person.number)
        if persona is not None:
            person.password = persona.password
            person.email = person.email or emails.get(person.number)
    return b.plan
