"""Channels and articles of the demo university, so that `make run` shows publishing at work.

Two channels: the university committee's (云湖党建) and the persona branch's (计算机学院2024级本科生
党支部, code YH-CS-U2024). Every article goes through the real services — written, submitted,
reviewed at level 1, approved at level 2 — so revisions, review decisions, audit events and
notifications are recorded as they would be; one branch article was returned once with a reason and
resubmitted as revision 2. Then the whole record of each article is moved back a few days or weeks
(the same shift for its article, revisions and review decisions), so the channels read like a
running account. One article per channel is pinned, and one branch article waits at review level 1
(the secretary persona 2024020003 sees it under "Reviews waiting for me").

The university has only two officers at its own level (the party secretary and the organisation
department), and two review levels need two people besides the author, so the demo's system
administrator decides level 1 of the university's articles. Registered with ``core.demo`` and run
by ``seed_demo``; a unit that already has a channel is left alone, so loading again creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F

from core.demo import DemoLoader, register_demo_loader
from orgs.management.demo_plan import UNIVERSITY_CODE
from orgs.models import OrgUnit, Position
from publishing import services, services_channels
from publishing.models import Article, ArticleRevision, Category, Channel, ReviewTask
from publishing.services import ArticleInput

BRANCH_CODE = f"{UNIVERSITY_CODE}-CS-U2024"
UNIVERSITY_ORG_DEPARTMENT = "20120001"
UNIVERSITY_SECRETARY = "19980001"
SYSTEM_ADMIN = "admin"
SECRETARY_PERSONA = "2024020003"
COLLEGE_OFFICER_PERSONA = "20160002"


@dataclass(frozen=True)
class DemoArticle:
    title: str
    summary: str
    category: str
    tags: str
    body: str
    days_ago: int = 0
    pinned: bool = False
    by_secretary: bool = False  # in the branch: written by the secretary, reviewed by the propaganda member
    returned_with: str = ""  # level 1 returns revision 1 with this reason; revision 2 adds ``addition``
    addition: str = ""
    waiting: bool = False  # submitted, waiting at level 1


UNIVERSITY_ARTICLES = (
    DemoArticle(
        title="学校党委召开党的创新理论学习中心组专题学习会",
        summary="校党委理论学习中心组围绕党的创新理论开展专题学习，部署下一阶段学生党建工作。",
        category=Category.CURRENT_AFFAIRS,
        tags="理论学习, 中心组, 学生党建",
        days_ago=4,
        body=(
            "<p>11月中旬，校党委理论学习中心组召开专题学习会，校党委书记主持会议并讲话。</p>"
            "<h2>深入学习，把握精髓要义</h2>"
            "<p>会议强调，要把学习贯彻党的创新理论作为首要政治任务，坚持读原著、学原文、悟原理，"
            "推动理论学习往深里走、往心里走、往实里走。</p>"
            "<h2>聚焦育人，夯实支部基础</h2>"
            "<p>会议要求各学院党委落实发展党员工作细则，严把入口关；学生党支部要用好“三会一课”，"
            "把理论学习与专业学习、社会实践结合起来。</p>"
            "<ul><li>每月开展一次支部主题党日</li><li>每学期至少讲一次专题党课</li>"
            "<li>发展对象集中培训不少于24学时</li></ul>"
        ),
    ),
    DemoArticle(
        title="政策解读｜《中国共产党发展党员工作细则》中的五个关键时间节点",
        summary="从递交入党申请书到转为正式党员，哪些时间要求必须掌握？一文梳理。",
        category=Category.POLICY,
        tags="发展党员, 工作细则, 政策解读",
        days_ago=11,
        pinned=True,
        body=(
            "<p>发展党员工作政治性、政策性强。很多同学和支部书记对各环节的时间要求记不清，"
            "这里按顺序梳理五个关键节点。</p>"
            "<h2>一、一个月内谈话</h2>"
            "<p>党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话，了解基本情况。</p>"
            "<h2>二、半年以上确定积极分子</h2>"
            "<p>递交入党申请书后，经过半年以上的培养，方可被确定为入党积极分子。</p>"
            "<h2>三、一年以上列为发展对象</h2>"
            "<p>经过一年以上培养教育和考察、基本具备党员条件的入党积极分子，可列为发展对象。</p>"
            "<h2>四、预备期一年</h2>"
            "<p>预备党员的预备期为一年，从支部大会通过其为预备党员之日算起。</p>"
            "<h2>五、预备期满及时讨论转正</h2>"
            "<p>预备期满，党支部应当及时讨论其能否转为正式党员。</p>"
            "<blockquote>各支部可在“组织发展”页面查看每名同志当前所处的步骤和下一步的时限。</blockquote>"
        ),
    ),
    DemoArticle(
        title="2026届毕业生党员组织关系转接须知",
        summary="毕业离校前如何转接党组织关系？时间安排、办理流程和常见问题。",
        category=Category.EMPLOYMENT,
        tags="毕业生, 组织关系, 就业",
        days_ago=19,
        body=(
            "<p>为做好2026届毕业生党员组织关系转接工作，现将有关事项通知如下。</p>"
            "<h2>办理时间</h2><p>2026年5月中旬至6月底，请在离校前完成。</p>"
            "<h2>办理流程</h2>"
            "<ol><li>确定就业单位或落户地，联系接收党组织；</li>"
            "<li>向所在党支部提出申请，支部书记审核；</li>"
            "<li>学院党委审核后，通过全国党员管理信息系统办理转出；</li>"
            "<li>到接收党组织报到，并及时反馈。</li></ol>"
            "<h2>温馨提示</h2>"
            "<p>升学的同学，组织关系转入录取学校；暂未落实去向的，可按规定转回家庭所在地或保留在学校。"
            "毕业生党员出国（境）学习的，按有关规定办理。</p>"
        ),
    ),
)

BRANCH_ARTICLES = (
    DemoArticle(
        title="榜样的力量｜记“优秀共产党员”、计算机学院张明同学",
        summary="从科研竞赛到支教志愿，一名学生党员的三年。",
        category=Category.MODEL_MEMBERS,
        tags="优秀党员, 榜样, 志愿服务",
        days_ago=13,
        pinned=True,
        body=(
            "<p>在同学们眼中，张明是实验室里最后一个关灯的人，也是志愿服务队里最早报名的人。</p>"
            "<h2>把科研做在祖国大地上</h2>"
            "<p>大二起，他加入学院的智能农业团队，带领同学为山区果园开发病虫害识别小程序，"
            "项目获得省级大学生创新创业训练计划立项。</p>"
            "<h2>把初心写在支教讲台上</h2>"
            "<p>连续两个暑假，他到对口帮扶县的中学支教，开设编程兴趣课，带着孩子们做出了第一个网页。</p>"
            "<blockquote>“入党不是终点，而是新的起点。”——张明在预备党员转正时的发言</blockquote>"
        ),
    ),
    DemoArticle(
        title="支部主题党日｜走进校史馆，赓续红色血脉",
        summary="支部全体党员和入党积极分子参观校史馆，重温入党誓词。",
        category=Category.CURRENT_AFFAIRS,
        tags="主题党日, 校史, 入党誓词",
        days_ago=6,
        returned_with="请补充应到、实到人数，并说明请假情况。",
        addition="<p>本次活动应到党员和入党积极分子28人，实到26人，2人因参加学科竞赛请假。</p>",
        body=(
            "<p>为深化党史学习教育，本月支部组织全体党员和入党积极分子走进校史馆，开展主题党日活动。</p>"
            "<h2>重温历史</h2>"
            "<p>在讲解员的带领下，大家依次参观了建校初期、改革发展、新时代奋进等展区，"
            "深入了解学校与国家同呼吸、共命运的发展历程。</p>"
            "<h2>重温誓词</h2>"
            "<p>在党旗下，支部书记领誓，全体党员举起右拳，重温入党誓词。</p>"
        ),
    ),
    DemoArticle(
        title="专业知识｜大模型时代，计算机专业同学该学什么？",
        summary="支部学习小组整理：夯实基础、动手实践、守住安全与伦理底线。",
        category=Category.PROFESSIONAL,
        tags="人工智能, 专业学习, 学习小组",
        days_ago=20,
        by_secretary=True,
        body=(
            "<p>本学期支部学风建设小组邀请学院青年教师座谈，整理出三点建议，与大家分享。</p>"
            "<h2>一、基础比工具更重要</h2>"
            "<p>数据结构、操作系统、计算机网络和线性代数、概率统计，是理解新技术的底座。</p>"
            "<h2>二、在项目中学习</h2>"
            "<p>鼓励组队参加学科竞赛和开源项目，把课堂知识用到真实问题上。</p>"
            "<h2>三、守住安全与伦理底线</h2>"
            "<p>使用生成式人工智能时，注意保护个人信息和数据安全，遵守学术规范。</p>"
        ),
    ),
    DemoArticle(
        title="就业信息｜学院2026届毕业生秋季双选会企业名单",
        summary="12月上旬，学院将举办秋季双选会，40余家单位提供软件开发、数据分析等岗位。",
        category=Category.EMPLOYMENT,
        tags="就业, 双选会, 毕业生",
        days_ago=27,
        body=(
            "<p>学院2026届毕业生秋季双选会将于12月上旬在体育馆举行，欢迎同学们准时参加。</p>"
            "<h2>参会单位</h2>"
            "<ul><li>软件和信息技术服务企业：岗位以后端开发、测试开发为主；</li>"
            "<li>金融科技企业：数据分析、风控建模；</li>"
            "<li>科研院所和国有企业：系统运维、网络安全。</li></ul>"
            "<h2>准备建议</h2>"
            "<p>提前准备中英文简历，带好成绩单和获奖证书复印件；支部党员要带头诚信求职，"
            "主动帮助有困难的同学。</p>"
        ),
    ),
    DemoArticle(
        title="学习笔记｜支部集中学习《中国共产党纪律处分条例》心得",
        summary="支部党员围绕学习纪律条例谈体会，待审核。",
        category=Category.POLICY,
        tags="纪律教育, 学习笔记",
        waiting=True,
        body=(
            "<p>本周支部组织集中学习《中国共产党纪律处分条例》，大家结合学生党员实际谈了体会。</p>"
            "<h2>学思践悟</h2>"
            "<p>学生党员要把纪律挺在前面，在考试、评优、志愿服务中做到诚实守信、公平公正。</p>"
        ),
    ),
)


def _person(number: str) -> Any:
    return get_user_model().objects.filter(number=number, is_active=True).first()


def _holder(unit: OrgUnit, type_code: str) -> Any:
    position = (
        Position.objects.active()
        .filter(unit=unit, position_type__code=type_code, person__is_active=True)
        .select_related("person")
        .order_by("start_date", "pk")
        .first()
    )
    return position.person if position else None


def _backdate(article: Article, days: int) -> None:
    """Move the article's whole record back ``days`` days, keeping its order."""
    if days <= 0:
        return
    shift = timedelta(days=days)
    Article.objects.filter(pk=article.pk).update(
        created_at=F("created_at") - shift, published_at=F("published_at") - shift
    )
    ArticleRevision.objects.filter(article=article).update(created_at=F("created_at") - shift)
    ReviewTask.objects.filter(article=article).update(
        created_at=F("created_at") - shift, decided_at=F("decided_at") - shift
    )


def _publish_through_review(
    item: DemoArticle, channel: Channel, *, author: Any, reviewer: Any, approver: Any, manager: Any
) -> Article:
    data = ArticleInput(
        title=item.title, summary=item.summary, category=item.category, tags=item.tags, body=item.body
    )
    article = services.article_create(actor=author, channel=channel, data=data)
    services.article_submit(actor=author, article=article)
    if item.waiting:
        return article
    if item.returned_with:
        services.review_decide(actor=reviewer, article=article, decision="return", reason=item.returned_with)
        article.refresh_from_db()
        revised = ArticleInput(
            title=item.title,
            summary=item.summary,
            category=item.category,
            tags=item.tags,
            body=item.body + item.addition,
        )
        services.article_update(actor=author, article=article, data=revised)
        services.article_submit(actor=author, article=article)
    services.review_decide(
        actor=reviewer, article=article, decision="approve", reason="内容准确，同意。", level=1
    )
    services.review_decide(actor=approver, article=article, decision="approve", reason="同意发布。", level=2)
    article.refresh_from_db()
    if item.pinned:
        services_channels.article_pin(actor=manager, article=article, pinned=True)
    _backdate(article, item.days_ago)
    return article


def _university_channel(university: OrgUnit) -> list[Article]:
    org_department = _person(UNIVERSITY_ORG_DEPARTMENT)
    secretary = _person(UNIVERSITY_SECRETARY)
    admin = _person(SYSTEM_ADMIN)
    if org_department is None or secretary is None or admin is None:
        return []
    channel = services_channels.channel_save(
        actor=org_department,
        unit=university,
        name="云湖党建",
        slug="yunhu",
        introduction=(
            "<p>云湖示范大学党委的宣传阵地：政策解读、理论学习、基层党建动态和毕业生党员服务。</p>"
        ),
        primary_colour="#c8102e",
        accent_colour="#f5c242",
    )
    return [
        _publish_through_review(
            item, channel, author=org_department, reviewer=admin, approver=secretary, manager=org_department
        )
        for item in UNIVERSITY_ARTICLES
    ]


def _branch_channel(branch: OrgUnit) -> list[Article]:
    secretary = _person(SECRETARY_PERSONA)
    officer = _person(COLLEGE_OFFICER_PERSONA)
    propaganda = _holder(branch, "propaganda_member")
    if secretary is None or officer is None or propaganda is None:
        return []
    channel = services_channels.channel_save(
        actor=secretary,
        unit=branch,
        name="计算机2024级本科生党支部",
        slug="cs-2024",
        introduction=(
            "<p>计算机学院2024级本科生党支部的宣传阵地：支部活动、身边榜样、专业学习和就业信息。</p>"
        ),
        primary_colour="#b71c1c",
        accent_colour="#ffca28",
    )
    articles = []
    for item in BRANCH_ARTICLES:
        author, reviewer = (secretary, propaganda) if item.by_secretary else (propaganda, secretary)
        articles.append(
            _publish_through_review(
                item, channel, author=author, reviewer=reviewer, approver=officer, manager=secretary
            )
        )
    return articles


def load_demo_publishing() -> dict[str, int]:
    """The two channels and their articles; a unit that already has a channel is skipped."""
    university = OrgUnit.objects.filter(code=UNIVERSITY_CODE, depth=1).first()
    branch = OrgUnit.objects.filter(code=BRANCH_CODE).first()
    if university is None or branch is None:
        return {}
    existing = set(Channel.objects.filter(unit__in=[university, branch]).values_list("unit_id", flat=True))
    articles: list[Article] = []
    channels = 0
    if university.pk not in existing:
        created = _university_channel(university)
        channels += 1 if created else 0
        articles += created
    if branch.pk not in existing:
        created = _branch_channel(branch)
        channels += 1 if created else 0
        articles += created
    if not channels:
        return {}
    return {"publishing channels": channels, "publishing articles": len(articles)}


def register() -> None:
    register_demo_loader(DemoLoader(name="publishing.articles", load=load_demo_publishing, order=40))
