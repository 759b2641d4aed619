"""The demo university's question bank, so that the demo personas can take the daily and weekly quiz,
and a short topic exam set as the quiz of the lesson “党的性质和宗旨”.

36 questions on party history, the party constitution and theory basics, of the four types, each
with its explanation, kept by the university (so every branch is quizzed from them). Registered
with ``core.demo`` after the study material (``learning.demo``) and run by ``seed_demo``;
idempotent: once the university's bank has questions, it creates nothing.
"""

from __future__ import annotations

from django.db import transaction

from core.demo import DemoLoader, register_demo_loader
from learning.imports_questions import QuestionData, check_question
from learning.models import Lesson
from learning.models_quiz import Exam, ExamStatus, Question, QuestionKind
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import OrgUnit

SINGLE, MULTIPLE, TRUE_FALSE, FILL_IN = (
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
    QuestionKind.TRUE_FALSE,
    QuestionKind.FILL_IN,
)
TRUE, FALSE = [0], [1]
EXAM_TITLE = "《中国共产党章程》随堂测验"
EXAM_LESSON = ("中国共产党章程导读", "党的性质和宗旨")

# kind, stem, options, right options (or accepted answers for fill-in), tags, difficulty, explanation
QUESTIONS: tuple[tuple[str, str, list[str], list[int] | list[str], list[str], int, str], ...] = (
    # --- Single choice -------------------------------------------------------------------------
    (
        SINGLE,
        "中国共产党第一次全国代表大会于哪一年召开？",
        ["1919年", "1921年", "1927年", "1949年"],
        [1],
        ["党史"],
        1,
        "1921年7月，中共一大在上海召开，最后一天转移到浙江嘉兴南湖的游船上举行，宣告中国共产党正式成立。",
    ),
    (
        SINGLE,
        "中共一大最后一天的会议转移到何处举行？",
        ["上海法租界望志路", "浙江嘉兴南湖", "江西井冈山", "贵州遵义"],
        [1],
        ["党史"],
        1,
        "因会场受到暗探注意和法租界巡捕搜查，一大最后一天的会议转移到嘉兴南湖的一艘游船上举行。",
    ),
    (
        SINGLE,
        "遵义会议召开于哪一年？",
        ["1927年", "1935年", "1937年", "1945年"],
        [1],
        ["党史"],
        2,
        "1935年1月，中共中央政治局在贵州遵义召开扩大会议，事实上确立了毛泽东同志在红军和党中央的领导地位。",
    ),
    (
        SINGLE,
        "打响武装反抗国民党反动派第一枪的是哪次起义？",
        ["南昌起义", "秋收起义", "广州起义", "百色起义"],
        [0],
        ["党史"],
        2,
        "1927年8月1日的南昌起义打响了武装反抗国民党反动派的第一枪，标志着党独立领导武装斗争和创建人民军队的开始。",
    ),
    (
        SINGLE,
        "开启改革开放历史新时期的会议是？",
        ["党的八大", "遵义会议", "党的十一届三中全会", "党的十四大"],
        [2],
        ["党史"],
        2,
        "1978年12月召开的党的十一届三中全会实现了新中国成立以来党的历史上具有深远意义的伟大转折，开启了改革开放。",
    ),
    (
        SINGLE,
        "中国共产党第二十次全国代表大会于哪一年召开？",
        ["2017年", "2020年", "2022年", "2024年"],
        [2],
        ["党史", "二十大"],
        1,
        "党的二十大于2022年10月在北京召开。",
    ),
    (
        SINGLE,
        "中国共产党的根本宗旨是什么？",
        ["全心全意为人民服务", "实现共产主义", "发展社会生产力", "坚持改革开放"],
        [0],
        ["党章"],
        1,
        "党章总纲规定，党除了工人阶级和最广大人民群众的利益，没有自己特殊的利益；全心全意为人民服务是党的根本宗旨。",
    ),
    (
        SINGLE,
        "党的最高领导机关是？",
        [
            "党的全国代表大会和它所产生的中央委员会",
            "中央政治局",
            "中央书记处",
            "中央军事委员会",
        ],
        [0],
        ["党章"],
        2,
        "党章第十条规定，党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。",
    ),
    (
        SINGLE,
        "预备党员的预备期为多长时间？",
        ["半年", "一年", "两年", "三年"],
        [1],
        ["党章"],
        1,
        "党章第七条规定，预备党员的预备期为一年。",
    ),
    (
        SINGLE,
        "党的根本组织原则是？",
        ["民主集中制", "集体领导", "党管干部", "群众路线"],
        [0],
        ["党章"],
        1,
        "党章第十条规定，党是根据自己的纲领和章程，按照民主集中制组织起来的统一整体；民主集中制是党的根本组织原则。",
    ),
    (
        SINGLE,
        "申请入党的人，要有几名正式党员作介绍人？",
        ["一名", "两名", "三名", "四名"],
        [1],
        ["党章"],
        1,
        "党章第五条规定，申请入党的人，要填写入党志愿书，要有两名正式党员作介绍人。",
    ),
    (
        SINGLE,
        "党的思想路线是一切从实际出发，理论联系实际，（ ），在实践中检验真理和发展真理。",
        ["实事求是", "解放思想", "与时俱进", "求真务实"],
        [0],
        ["理论", "党章"],
        2,
        "党章总纲：党的思想路线是一切从实际出发，理论联系实际，实事求是，在实践中检验真理和发展真理。",
    ),
    (
        SINGLE,
        "中华人民共和国成立于哪一年？",
        ["1945年", "1949年", "1950年", "1956年"],
        [1],
        ["党史"],
        1,
        "1949年10月1日，中华人民共和国中央人民政府成立，中国人民从此站起来了。",
    ),
    # --- Multiple choice ------------------------------------------------------------------------
    (
        MULTIPLE,
        "党在长期实践中形成的三大优良作风是？",
        ["理论联系实际", "密切联系群众", "批评与自我批评", "独断专行"],
        [0, 1, 2],
        ["党史", "作风"],
        2,
        "理论联系实际、密切联系群众、批评与自我批评，是毛泽东同志概括的党的三大优良作风。",
    ),
    (
        MULTIPLE,
        "“四个意识”包括？",
        ["政治意识", "大局意识", "核心意识", "看齐意识", "忧患意识"],
        [0, 1, 2, 3],
        ["理论"],
        2,
        "“四个意识”是政治意识、大局意识、核心意识、看齐意识。",
    ),
    (
        MULTIPLE,
        "“四个自信”包括？",
        ["道路自信", "理论自信", "制度自信", "文化自信", "速度自信"],
        [0, 1, 2, 3],
        ["理论"],
        2,
        "“四个自信”是中国特色社会主义道路自信、理论自信、制度自信、文化自信。",
    ),
    (
        MULTIPLE,
        "新民主主义革命时期，党战胜敌人的“三大法宝”是？",
        ["统一战线", "武装斗争", "党的建设", "土地改革"],
        [0, 1, 2],
        ["党史"],
        3,
        "毛泽东同志在《〈共产党人〉发刊词》中指出，统一战线、武装斗争、党的建设是中国共产党在中国革命中战胜敌人的三个法宝。",
    ),
    (
        MULTIPLE,
        "下列属于《中国共产党纪律处分条例》所列“六项纪律”的有？",
        ["政治纪律", "组织纪律", "廉洁纪律", "考勤纪律"],
        [0, 1, 2],
        ["纪律"],
        2,
        "六项纪律是政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。",
    ),
    (
        MULTIPLE,
        "中国特色社会主义事业“五位一体”总体布局包括？",
        ["经济建设", "政治建设", "生态文明建设", "文化建设"],
        [0, 1, 2, 3],
        ["理论"],
        2,
        "“五位一体”是经济建设、政治建设、文化建设、社会建设、生态文明建设。",
    ),
    (
        MULTIPLE,
        "党的历史上的三个历史决议分别通过于哪几年？",
        ["1945年", "1981年", "2021年", "1956年"],
        [0, 1, 2],
        ["党史"],
        3,
        "1945年六届七中全会、1981年十一届六中全会、2021年十九届六中全会分别通过了三个历史决议。",
    ),
    (
        MULTIPLE,
        "党员的组织生活制度包括？",
        ["“三会一课”", "组织生活会", "民主评议党员", "年终聚餐"],
        [0, 1, 2],
        ["党章", "组织生活"],
        2,
        "“三会一课”、组织生活会、民主评议党员、谈心谈话等是党的组织生活的基本制度。",
    ),
    # --- True or false -------------------------------------------------------------------------
    (
        TRUE_FALSE,
        "中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。",
        [],
        TRUE,
        ["党章"],
        1,
        "这是党章总纲开宗明义对党的性质的规定。",
    ),
    (
        TRUE_FALSE,
        "预备党员享有表决权、选举权和被选举权。",
        [],
        FALSE,
        ["党章"],
        2,
        "党章第七条规定，预备党员的义务同正式党员一样，权利除了没有表决权、选举权和被选举权以外，也同正式党员一样。",
    ),
    (
        TRUE_FALSE,
        "年满十六岁的中国公民可以申请加入中国共产党。",
        [],
        FALSE,
        ["党章"],
        1,
        "党章第一条规定，年满十八岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子可以申请加入中国共产党。",
    ),
    (
        TRUE_FALSE,
        "党员没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。",
        [],
        TRUE,
        ["党章"],
        2,
        "这是党章第九条的规定，支部大会应当决定把这样的党员除名，并报上级党组织批准。",
    ),
    (
        TRUE_FALSE,
        "遵义会议是党的历史上一个生死攸关的转折点。",
        [],
        TRUE,
        ["党史"],
        1,
        "遵义会议在最危急的关头挽救了党、挽救了红军、挽救了中国革命。",
    ),
    (
        TRUE_FALSE,
        "党支部是党的基础组织，担负直接教育党员、管理党员、监督党员和组织群众、宣传群众、凝聚群众、服务群众的职责。",
        [],
        TRUE,
        ["党章", "支部"],
        2,
        "这是党章关于党支部的规定。",
    ),
    (
        TRUE_FALSE,
        "预备党员可以担任入党介绍人。",
        [],
        FALSE,
        ["党章"],
        2,
        "入党介绍人必须是正式党员。",
    ),
    # --- Fill in ---------------------------------------------------------------------------------
    (
        FILL_IN,
        "中国共产党以马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观、____作为自己的行动指南。",
        [],
        ["习近平新时代中国特色社会主义思想"],
        ["理论", "党章"],
        2,
        "党章总纲规定了党的行动指南。",
    ),
    (
        FILL_IN,
        "党的最高理想和最终目标是实现____。",
        [],
        ["共产主义"],
        ["党章"],
        1,
        "党章总纲：党的最高理想和最终目标是实现共产主义。",
    ),
    (
        FILL_IN,
        "中国共产党成立于____年（填阿拉伯数字）。",
        [],
        ["1921", "1921年"],
        ["党史"],
        1,
        "1921年7月中共一大召开，中国共产党成立。",
    ),
    (
        FILL_IN,
        "中共一大在____开幕（填城市名）。",
        [],
        ["上海", "上海市"],
        ["党史"],
        1,
        "1921年7月23日，中共一大在上海法租界望志路106号开幕。",
    ),
    (
        FILL_IN,
        "“红船精神”的红船停泊在浙江____南湖。",
        [],
        ["嘉兴", "嘉兴市"],
        ["党史"],
        1,
        "中共一大最后一天的会议在嘉兴南湖的游船上举行，这条船后来被称为“红船”。",
    ),
    (
        FILL_IN,
        "1936年10月，红军三大主力在甘肃____会师，标志着长征胜利结束。",
        [],
        ["会宁", "会宁县"],
        ["党史"],
        2,
        "红一、二、四方面军在会宁、将台堡会师，长征胜利结束。",
    ),
    (
        FILL_IN,
        "党的群众路线是：一切为了群众，一切依靠群众，____，把党的正确主张变为群众的自觉行动。",
        [],
        ["从群众中来，到群众中去", "从群众中来到群众中去"],
        ["理论", "党章"],
        3,
        "党章总纲阐述了党的群众路线。",
    ),
    (
        FILL_IN,
        "预备党员的预备期为____年。",
        [],
        ["一", "1"],
        ["党章"],
        1,
        "党章第七条：预备党员的预备期为一年。",
    ),
)
# The constitution questions that make the exam of the lesson “党的性质和宗旨”.
EXAM_TAG = "党章"
EXAM_SIZE = 5


def demo_question_data() -> list[QuestionData]:
    """The demo questions as the question bank reads them (every one passes its checks)."""
    rows = []
    for kind, stem, options, answer, tags, difficulty, explanation in QUESTIONS:
        fill_in = kind == FILL_IN
        rows.append(
            QuestionData(
                kind=kind,
                stem=stem,
                options=list(options),
                correct=[] if fill_in else [int(index) for index in answer],
                accepted=[str(text) for text in answer] if fill_in else [],
                tags=list(tags),
                difficulty=difficulty,
                explanation=explanation,
            )
        )
    return rows


def load_demo_questions() -> dict[str, int]:
    university = OrgUnit.objects.filter(code=UNIVERSITY_CODE).first()
    if university is None or Question.objects.filter(unit=university).exists():
        return {}
    with transaction.atomic():
        questions = []
        for data in demo_question_data():
            if check_question(data):
                raise ValueError(f"A demo question does not pass the bank's checks: {data.stem}")
            questions.append(
                Question(
                    unit=university,
                    fingerprint=data.fingerprint,
                    tags=f",{','.join(data.tags)},",
                    **{key: value for key, value in data.as_json().items() if key != "tags"},
                )
            )
        created = Question.objects.bulk_create(questions)
        exam = Exam.objects.create(
            unit=university,
            title=EXAM_TITLE,
            description="学完“党的性质和宗旨”一课后作答，答对六成即通过，通过后本课记为完成。",
            time_limit_minutes=10,
            max_attempts=3,
            status=ExamStatus.PUBLISHED,
        )
        constitution = [question for question in created if f",{EXAM_TAG}," in question.tags]
        exam.questions.set(constitution[:EXAM_SIZE])
        linked = Lesson.objects.filter(
            course__unit=university, course__title=EXAM_LESSON[0], title=EXAM_LESSON[1], quiz__isnull=True
        ).update(quiz=exam)
    return {"questions": len(created), "exams": 1, "lessons with a quiz": linked}


def register() -> None:
    register_demo_loader(DemoLoader(name="learning.questions", load=load_demo_questions, order=41))
