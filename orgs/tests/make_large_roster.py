"""Write a large, valid roster file for timing imports (a benchmark helper, not a test).

    export SQLITE_PATH=/tmp/roster-bench.sqlite3          # a scratch database
    .venv/bin/python manage.py migrate -v 0
    .venv/bin/python orgs/tests/make_large_roster.py --rows 10000 --out /tmp/roster-10k.xlsx --setup
    /usr/bin/time -v .venv/bin/python manage.py import_roster /tmp/roster-10k.xlsx --as bench-admin --apply

``--setup`` adds, when missing, a university "BENCH" with 4 colleges of 5 branches (each with two
party groups) and the organisation-department administrator ``bench-admin``. The rows use the
forms people type (Chinese dates, spaced phone numbers) so that normalising is timed too.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbranch.settings")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛"
MAJORS = [
    "计算机科学与技术",
    "软件工程",
    "数学与应用数学",
    "物理学",
    "汉语言文学",
    "法学",
    "临床医学",
    "机械工程",
]
STATUSES = ["群众", "共青团员", "入党申请人", "积极分子", "发展对象", "预备党员", "正式党员"]
HEADER = [
    "学号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机",
    "邮箱",
    "年级",
    "专业",
    "支部",
    "党小组",
    "政治面貌",
    "团员",
    "状态日期",
]
BRANCHES = [f"BC{college}B{branch}" for college in range(1, 5) for branch in range(1, 6)]


def national_id(region: str, born: date, serial: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{serial % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def make_rows(count: int, seed: int = 20261127) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for index in range(count):
        born = date(2000, 1, 1) + timedelta(days=rng.randrange(2500))
        branch = BRANCHES[index % len(BRANCHES)]
        phone = f"139{index:08d}"
        rows.append(
            [
                f"B{index:09d}",
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                rng.choice("男女"),
                f"{born.year}年{born.month}月{born.day}日",
                # The serial keeps IDs unique; regions vary so the check digits do.
                national_id(f"{110101 + index // 1000:06d}", born, index),
                f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                f"b{index:09d}@example.edu.cn",
                str(born.year + 18),
                rng.choice(MAJORS),
                branch,
                f"{branch}G{index % 2 + 1}" if index % 3 else "",
                rng.choice(STATUSES),
                rng.choice(["是", "否", ""]),
                f"{born.year + 19}.9.1",
            ]
        )
    return rows


def write(path: Path, rows: list[list[object]]) -> None:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        # A normal workbook, like Excel's: it records its dimensions at the top of the sheet.
        book = Workbook()
        sheet = book.active
        sheet.title = "名册"
        sheet.append(HEADER)
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)


def setup_database() -> None:
    import django

    django.setup()
    from accounts.models import User
    from orgs.models import OrgUnit, Position, PositionType, UnitKind

    university = OrgUnit.objects.filter(code="BENCH").first()
    if university is None:
        university = OrgUnit.objects.add_root(
            {"name": "基准测试大学党委", "code": "BENCH", "kind": UnitKind.UNIVERSITY_COMMITTEE}
        )
        for college in range(1, 5):
            parent = OrgUnit.objects.add_child(
                university,
                {"name": f"第{college}学院党委", "code": f"BC{college}", "kind": UnitKind.COLLEGE_COMMITTEE},
            )
            for branch in range(1, 6):
                code = f"BC{college}B{branch}"
                unit = OrgUnit.objects.add_child(
                    parent, {"name": f"第{college}学院第{branch}支部", "code": code, "kind": UnitKind.BRANCH}
                )
                for group in (1, 2):
                    OrgUnit.objects.add_child(
                        unit,
                        {
                            "name": f"{code}第{group}党小组",
                            "code": f"{code}G{group}",
                            "kind": UnitKind.PARTY_GROUP,
                        },
                    )
    admin = User.objects.filter(number="bench-admin").first()
    if admin is None:
        admin = User.objects.create_user("bench-admin", None, name="基准组织部", kind=User.Kind.STAFF)
        Position.objects.create(
            person=admin,
            unit=university,
            position_type=PositionType.objects.get(code="org_department_admin"),
            start_date=date(2020, 1, 1),
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True, help=".xlsx or .csv")
    parser.add_argument(
        "--setup", action="store_true", help="create the BENCH tree and bench-admin if missing"
    )
    options = parser.parse_args()
    if options.setup:
        setup_database()
    write(options.out, make_rows(options.rows))
    print(f"Wrote {options.rows} rows to {options.out}")


if __name__ == "__main__":
    main()
