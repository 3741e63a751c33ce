"""About 120 current problems on the demo projects at every rung of the ladder and in every
state, six past weekly consultation days with agendas, minutes and decisions (some overdue), the
next 会商日 scheduled with its agenda, and the notices in each unit's inbox. The current problems
keep to the ladder's rules: one left waiting past its level's deadline was sent up by the night's
run, unless it is one of the few the overdue lists show, still open; one answered after the
deadline below a county leader had its first, timely answer refused and was answered again that
day, late but at its level. Only the 会商日 held while a problem was at the meeting
level, by the deadline there, takes it.

Before them, the year's record: from January until a month ago every town has one to three
problems a month on its projects, settled at the owner, the town or the department — most on
time, some late (the raiser refused a first resolution after the deadline), a few still open
with a county leader long past their deadline. Each town and department keeps its own pace,
so every quarter of the horse race has its own 问题按期销号 figures, different from town to town.
Problems are numbered in the order they were raised.

Nothing happened after the demo was built: steps of today that come later in the day than the
build are moved earlier into the day (squeeze_into_the_day), keeping their order and their
dates, so a demo built at any hour of a day holds the same problems as at any other."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tuijin.core.demo import DEMO_SEED, DemoContext
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit, User
from tuijin.projects.choices import Stage
from tuijin.projects.models import Project

from .choices import (
    CATEGORY_DEPARTMENT,
    LADDER,
    ActionStatus,
    EventKind,
    Level,
    MeetingKind,
    MeetingStatus,
    NoticeKind,
    ProblemCategory,
    ProblemStatus,
    RaiserKind,
    Urgency,
    default_deadline_days,
    level_rank,
)
from .models import ActionItem, AgendaItem, Meeting, Notice, Problem, ProblemEvent

N_PROBLEMS = 120

PROBLEMS = {
    ProblemCategory.LAND: [
        ("用地指标缺口{n}亩", "项目二期需新增建设用地{n}亩，本年度镇级指标已用完，需市级统筹调剂。"),
        ("土地征收报批滞后", "项目地块征收报批材料已于上月报送，至今未获批复，影响供地和开工节点。"),
        ("地块涉及永久基本农田调整", "项目红线范围内约{n}亩涉及永久基本农田，需按程序调整后方可供地。"),
    ],
    ProblemCategory.APPROVALS: [
        ("施工图审查意见反复", "施工图审查已三轮退回，消防与人防意见不一致，需相关部门联合会审。"),
        ("环评批复未能按期取得", "环评报告书已受理{n}天，专家评审意见待复核，影响开工节点。"),
        ("节能审查需补充能耗指标", "项目年综合能耗约{n}吨标煤，需市级能耗指标统筹后方可通过节能审查。"),
    ],
    ProblemCategory.FUNDS: [
        ("专项债资金拨付滞后", "本年度专项债额度已下达，资金尚未拨付到位，工程款支付存在缺口约{n}万元。"),
        ("中央预算内资金配套不足", "中央预算内投资已到位，地方配套资金{n}万元尚未落实。"),
        ("企业融资授信未落地", "项目贷款授信{n}万元，银行审批要求补充抵押物，需协调金融机构支持。"),
    ],
    ProblemCategory.DEMOLITION: [
        ("{n}户农户未签订征迁协议", "项目红线内尚有{n}户农户对补偿标准有异议，未签订征迁协议，影响场地移交。"),
        ("厂房拆迁补偿评估争议", "一处旧厂房拆迁评估价格存在争议，企业要求重新评估。"),
        ("坟墓迁移工作推进缓慢", "地块内涉及坟墓{n}座，迁移工作需镇村配合推进。"),
    ],
    ProblemCategory.UTILITIES: [
        ("高压线迁改未完成", "110千伏线路穿越项目地块，迁改方案已确定，施工排期未落实。"),
        ("施工临时用电接入延迟", "临时用电申请已提交{n}天，变压器接入尚未完成。"),
        ("燃气管道迁移需协调", "地块边缘燃气中压管道需迁移约{n}米，管线权属单位尚未排期。"),
    ],
    ProblemCategory.POLICY: [
        ("产业扶持政策兑现延迟", "企业符合技改补助条件，补助资金{n}万元申请已超过兑现期限。"),
        ("亩均效益评价标准适用疑问", "项目新增用地亩均税收承诺标准与现行政策口径不一致，需明确。"),
    ],
    ProblemCategory.OTHER: [
        ("周边村民阻工", "施工期间周边村民以噪声扰民为由多次阻工，需属地加强协调。"),
        ("渣土消纳场地不足", "土方外运约{n}立方米，消纳场地尚未落实。"),
    ],
}
CATEGORY_WEIGHTS = {
    ProblemCategory.LAND: 24, ProblemCategory.APPROVALS: 20, ProblemCategory.FUNDS: 14,
    ProblemCategory.DEMOLITION: 14, ProblemCategory.UTILITIES: 12, ProblemCategory.POLICY: 8, ProblemCategory.OTHER: 8,
}
REPLIES = [
    "经协调，已明确解决路径，相关材料本周内补齐。",
    "已召集相关单位现场办公，形成处理意见并落实专人跟进。",
    "已完成调剂并出具书面意见，请业主单位按程序办理。",
    "已与权属单位对接，施工排期已确定，预计两周内完成。",
]
DECISIONS = {
    ProblemCategory.LAND: "统筹调剂用地指标，完成地块报批材料，确保按期供地。",
    ProblemCategory.APPROVALS: "组织联合审查，一次性出具审查意见，压缩审批时限。",
    ProblemCategory.FUNDS: "落实资金拨付，按工程进度优先保障项目用款。",
    ProblemCategory.DEMOLITION: "做好群众工作，开展补偿评估复核，限期完成征迁。",
    ProblemCategory.UTILITIES: "协调管线权属单位，明确迁改排期并倒排工期。",
    ProblemCategory.POLICY: "研究政策适用口径，形成书面意见后兑现到位。",
    ProblemCategory.OTHER: "落实属地责任，做好施工环境保障。",
}
GENERAL_DECISIONS = [
    ("各镇街道对照本周通报的逾期问题清单逐项销号，逾期未办结的说明原因。", "发改局"),
    ("住建局牵头梳理在建项目施工许可办理情况，形成清单报项目办。", "住建局"),
    ("自然资源和规划局做好下季度用地指标预安排，优先保障开工项目。", "自然资源和规划局"),
    ("财政局会同发改局加快专项债资金拨付进度，月底前通报拨付情况。", "财政局"),
]
PLACES = ["市行政中心1号楼第三会议室", "市行政中心2号楼会商室", "市发改局会议室"]
ESCALATION_REASONS = ["涉及跨部门事项，本级无法协调解决。", "需要上级统筹资源予以支持。", "多次协调未果，申请提级办理。"]
REOPEN_REASONS = [
    "现场核实问题尚未实质解决，暂不同意销号，请进一步落实。",
    "答复未明确完成时限和责任人，请补充后再报。",
    "相关批复文件尚未取得，暂不同意销号。",
]
NUMBERS = [3, 5, 8, 12, 15, 20, 35, 60, 120, 500, 1200]

#: The year's record: problems a town has on its projects in a month (one drawn from the list),
#: on projects at these stages, raised until this many days before the demo date (the current
#: problems take over from there).
RECORD_PER_TOWN_MONTH = [1, 1, 2, 2, 2, 3]
RECORD_STAGES = (Stage.PREPARATION, Stage.STARTED, Stage.CONSTRUCTION)
RECORD_UNTIL_DAYS = 30
#: The categories of the few problems of the record still open with a county leader.
HARD_CATEGORIES = (ProblemCategory.LAND, ProblemCategory.DEMOLITION)
#: The night's run of the escalation ladder (problems_escalate_overdue; tuijin/schedule.py).
NIGHT_RUN = dt.time(1, 30)


def _at(day: dt.date, rng, hour_lo: int = 9, hour_hi: int = 17) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(rng.randint(hour_lo, hour_hi), rng.choice([0, 10, 20, 30, 40, 50])), tzinfo=tz)


def squeeze_into_the_day(rows: list[tuple[object, tuple[str, ...]]], now: dt.datetime) -> None:
    """Move the steps of today that the demo's random times of day put after `now` into the part
    of the day gone by: the times between the night's run and the latest of them are scaled down
    to end at `now`, so every step keeps its date and its place in the order (and the night's run
    comes before the day's work). A demo built at any hour of the same day then holds the same
    problems, with the same dates; only today's steps come earlier in the day.

    `rows` holds each object with the names of its date-time attributes (None is skipped)."""
    day = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()
    anchor = dt.datetime.combine(day, NIGHT_RUN, tzinfo=tz)
    if now <= anchor:
        anchor = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = anchor + dt.timedelta(days=1)
    latest = max((v for obj, names in rows for name in names if (v := getattr(obj, name)) is not None and v < end),
                 default=now)
    if latest <= now:
        return
    scale = (now - anchor) / (latest - anchor)
    for obj, names in rows:
        for name in names:
            value = getattr(obj, name)
            if value is not None and anchor < value < end:
                setattr(obj, name, anchor + dt.timedelta(seconds=int((value - anchor).total_seconds() * scale)))


def _wednesdays(today: dt.date, n: int) -> list[dt.date]:
    last = today - dt.timedelta(days=(today.weekday() - 2) % 7 or 7)
    return [last - dt.timedelta(weeks=i) for i in reversed(range(n))]


def load(ctx: DemoContext) -> None:
    rng = ctx.rng
    # Draws for the answers refused after a deadline, apart: ctx.rng draws what it drew before.
    refused = random.Random(f"{DEMO_SEED}-problems-refused")
    today = ctx.today
    users = ctx.users
    office = users["office"]
    office_unit = office.unit
    county = Unit.objects.filter(kind=UnitKind.COUNTY).first()
    departments = {u.short_name: u for u in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    town_officers = {u.unit_id: u for u in users.values() if u.role == "town"}
    dept_officers = {u.unit_id: u for u in users.values() if u.role == "department"}
    owner_officers = {u.unit_id: u for u in users.values() if u.role == "owner"}
    projects = list(Project.objects.filter(is_demo=True).select_related("town", "department", "owner", "leader").order_by("pk"))
    if not projects:
        return
    preferred = [p for p in projects if p.town_id in town_officers or p.owner_id in owner_officers]
    others = [p for p in projects if p not in preferred]
    chosen = rng.sample(preferred, min(len(preferred), 80)) + rng.sample(others, min(len(others), N_PROBLEMS))
    chosen = chosen[:N_PROBLEMS]

    past_days = _wednesdays(today, 6)
    leaders = [users["leader"], users["leader2"]]
    meetings = []
    for i, day in enumerate(past_days, 1):
        meetings.append(Meeting(
            kind=MeetingKind.WEEKLY, year=day.year, number=0, title="", starts_at=_at(day, rng, 14, 14).replace(minute=30),
            place=rng.choice(PLACES), chair=leaders[i % 2], status=MeetingStatus.HELD, created_by=office,
            copy_to="市委办、市府办，市重大项目推进工作领导小组各成员单位", is_demo=True,
        ))
    upcoming_day = past_days[-1] + dt.timedelta(weeks=1)
    upcoming = Meeting(
        kind=MeetingKind.WEEKLY, year=upcoming_day.year, number=0, title="",
        starts_at=timezone.make_aware(dt.datetime.combine(upcoming_day, dt.time(14, 30))), place=PLACES[0],
        chair=leaders[0], status=MeetingStatus.PLANNED, created_by=office,
        copy_to="市委办、市府办，市重大项目推进工作领导小组各成员单位", is_demo=True,
    )
    numbering: dict[int, int] = {}
    for m in [*meetings, upcoming]:
        numbering[m.year] = numbering.get(m.year, Meeting.objects.filter(year=m.year).count()) + 1
        m.number = numbering[m.year]
        m.title = f"{m.year}年第{m.number}期重大项目会商日"
        if m.status == MeetingStatus.HELD:
            m.held_at = m.starts_at + dt.timedelta(hours=2)
    Meeting.objects.bulk_create([*meetings, upcoming])
    attending = [departments[s] for s in ("发改局", "自然资源和规划局", "住建局", "生态环境局", "财政局") if s in departments]
    for m in meetings:
        m.units.set(attending + [u.unit for u in rng.sample(list(town_officers.values()), 3)])
        m.leaders.set([m.chair])
        m.other_attendees = "相关项目业主单位负责人"
        m.minutes = "会议要求：各责任单位要对照议定事项倒排时间、挂图作战，逐项销号；逾期未完成的在下次会商日作说明。"
        m.save(update_fields=["other_attendees", "minutes"])

    problems, events, agenda, actions, notices = [], [], [], [], []
    event_owner: list[int] = []  # index of the problem each event belongs to
    agenda_owner, action_owner, notice_owner = [], [], []
    planned_problems = []
    for idx, project in enumerate(chosen):
        category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        urgency = rng.choices([Urgency.NORMAL, Urgency.URGENT, Urgency.CRITICAL], [75, 20, 5])[0]
        title_tpl, desc_tpl = rng.choice(PROBLEMS[category])
        n = rng.choice(NUMBERS)
        if project.owner_id in owner_officers and rng.random() < 0.6:
            raiser, kind, start = owner_officers[project.owner_id], RaiserKind.OWNER, Level.OWNER
        elif project.town_id in town_officers and rng.random() < 0.85:
            raiser, kind, start = town_officers[project.town_id], RaiserKind.TOWN, Level.TOWN
        else:
            raiser = rng.choice(list(dept_officers.values()))
            kind, start = RaiserKind.DEPARTMENT, Level.DEPARTMENT
        department = project.department or departments.get(CATEGORY_DEPARTMENT[category]) or office_unit
        if project.town_id is None and start == Level.TOWN:
            start = Level.DEPARTMENT

        def unit_at(level, project=project, department=department):
            return {
                Level.OWNER: project.owner, Level.TOWN: project.town, Level.DEPARTMENT: department,
                Level.MEETING: office_unit, Level.LEADER: county,
            }[level]

        target = rng.choices(LADDER, [10, 25, 35, 22, 8])[0]
        if level_rank(target) < level_rank(start):
            target = start
        path = [lvl for lvl in LADDER if level_rank(start) <= level_rank(lvl) <= level_rank(target)]
        if project.town_id is None:
            path = [lvl for lvl in path if lvl != Level.TOWN]
        state = rng.choices(["closed", "replied", "open", "late"], [45, 10, 38, 7])[0]
        if target == Level.LEADER and state == "late":
            state = "open"
        days = {lvl: default_deadline_days(category, urgency, lvl) for lvl in LADDER}
        stays = [rng.randint(max(1, days[lvl] - 3), days[lvl] + 1) for lvl in path[:-1]]
        final = path[-1]
        if state == "late":
            age = days[final] + 1
        elif state == "open":
            age = rng.randint(0, max(0, days[final] - 1)) if final != Level.LEADER else rng.randint(5, 45)
        else:
            age = rng.randint(2, days[final] + 6) + rng.randint(1, 25)
        raised_day = today - dt.timedelta(days=sum(stays) + age)
        raised_at = _at(raised_day, rng)
        t = raised_at
        evs = [ProblemEvent(kind=EventKind.RAISED, at=t, by=raiser, to_level=path[0], to_unit=unit_at(path[0]),
                            deadline=raised_day + dt.timedelta(days=days[path[0]]))]
        meeting_seen = meeting_at = meeting = None
        for lvl, nxt, stay in zip(path, path[1:], stays, strict=False):
            day = timezone.localtime(t).date() + dt.timedelta(days=stay)
            t = _at(day, rng)
            # A stay past the level's deadline ends with the night's run sending the problem up;
            # one within it, with the raiser's or (at the meeting level) the office's escalation.
            # The draws stay those made before, some unused: ctx.rng then gives the apps loaded
            # after this one what it gave them before.
            auto = stay > days[lvl]
            if not auto:
                rng.random()
            text = rng.choice(ESCALATION_REASONS) if not auto or lvl == Level.MEETING else ""
            by = None if auto else office if lvl == Level.MEETING else raiser
            if auto:
                t = dt.datetime.combine(day, NIGHT_RUN, tzinfo=timezone.get_current_timezone())
                text = f"{Level(lvl).label}层级期限已过仍未解决，系统自动升级。"
            elif lvl == Level.MEETING:
                text = "经会商研究，需提请市领导协调解决。"
            if lvl == Level.MEETING:
                # The 会商日 that took it, if one was held before it went up and by its deadline;
                # the office sends it up after that meeting.
                meeting = next((m for m in meetings if meeting_seen < m.date <= min(day, meeting_seen + dt.timedelta(
                    days=days[lvl]))), None)
                if meeting is not None and not auto:
                    t = max(t, meeting.held_at + dt.timedelta(minutes=30))
            deadline = timezone.localtime(t).date() + dt.timedelta(days=days[nxt])
            evs.append(ProblemEvent(kind=EventKind.AUTO_ESCALATED if auto else EventKind.ESCALATED, at=t, by=by,
                                    from_level=lvl, to_level=nxt, from_unit=unit_at(lvl), to_unit=unit_at(nxt),
                                    deadline=deadline, text=text))
            if nxt == Level.MEETING:
                meeting_at, meeting_seen = t, timezone.localtime(t).date()
        level_since = t
        level_day = timezone.localtime(level_since).date()
        deadline = level_day + dt.timedelta(days=days[final])
        problem = Problem(
            number="", project=project, category=category, urgency=urgency,
            title=title_tpl.format(n=n), description=desc_tpl.format(n=n), raised_by=raiser, raiser_unit=raiser.unit,
            raiser_kind=kind, raised_at=raised_at, level=final, responsible_unit=unit_at(final),
            responsible_leader=project.leader if final == Level.LEADER else None, level_since=level_since,
            deadline=deadline, status=ProblemStatus.OPEN, is_demo=True,
        )
        # A meeting that took the problem: the first past 会商日 after it reached the meeting level,
        # held by the deadline there (past it, the night's run would have sent the problem up).
        if final == Level.MEETING:
            meeting = next((m for m in meetings if meeting_seen < m.date <= deadline), None)
        action = None
        if meeting_seen and meeting is None and final == Level.MEETING and state in ("open", "late"):
            planned_problems.append(idx)
        if meeting is not None:
            agenda.append(AgendaItem(meeting=meeting, order=0, title=f"{project.name}：{problem.title}",
                                     note=f"{raiser.unit.display_short}汇报问题情况，{department.display_short}提出处理意见。"))
            agenda_owner.append(idx)
            evs.append(ProblemEvent(kind=EventKind.ON_AGENDA, by=office,
                                    at=max(meeting.starts_at - dt.timedelta(days=1), meeting_at + dt.timedelta(minutes=10)),
                                    from_level=Level.MEETING, to_level=Level.MEETING, text=meeting.title))
            if final == Level.MEETING:
                town_led = project.town is not None and category in (ProblemCategory.DEMOLITION, ProblemCategory.OTHER)
                lead, partner = (project.town, department) if town_led else (department, project.town or office_unit)
                a_deadline = meeting.date + dt.timedelta(days=rng.choice([7, 14, 21, 28]))
                action = ActionItem(
                    meeting=meeting, order=0,
                    text=f"由{lead.display_short}牵头、{partner.display_short}配合，{DECISIONS[category]}",
                    responsible_unit=lead, deadline=a_deadline, status=ActionStatus.OPEN, is_demo=True,
                    cooperating=partner.name,
                )
                evs.append(ProblemEvent(kind=EventKind.DECIDED, at=meeting.starts_at + dt.timedelta(hours=2), by=office,
                                        from_level=Level.MEETING, to_level=Level.MEETING, to_unit=lead, deadline=a_deadline,
                                        text=action.text))
                problem.deadline = max(problem.deadline, a_deadline)
                if state in ("open", "late") and a_deadline < today and rng.random() < 0.35:
                    action.status = ActionStatus.REPORTED
                    action.evidence = "已按会议要求完成，相关批复文件已上传。"
                    action.reported_at = _at(min(today, a_deadline + dt.timedelta(days=3)), rng)
                    action.reported_by = dept_officers.get(lead.pk) or town_officers.get(lead.pk) or office
                actions.append(action)
                action_owner.append(idx)
        if state in ("closed", "replied"):
            reply_day = min(today, level_day + dt.timedelta(days=rng.randint(1, days[final] + 4)))
            if action is not None:
                reply_day = min(today, max(reply_day, action.meeting.date + dt.timedelta(days=rng.randint(3, 25))))
            replied_at = max(_at(reply_day, rng), level_since + dt.timedelta(hours=1))
            replier = {Level.OWNER: owner_officers.get(project.owner_id), Level.TOWN: town_officers.get(project.town_id),
                       Level.DEPARTMENT: dept_officers.get(department.pk)}.get(final) or office
            problem.status = ProblemStatus.REPLIED
            problem.resolution = rng.choice(REPLIES)
            if reply_day > problem.deadline and final != Level.LEADER:
                # Answered past the deadline at a level below a county leader: had the problem been
                # waiting for an answer, the night's run would have sent it up. It was not: the unit
                # answered in time, the raiser refused the answer after the deadline and the unit
                # answered again that day, before the next night's run — closed late, at this level.
                first_day = refused.randint(
                    (max(level_day, action.meeting.date) if action is not None else level_day).toordinal() + 1,
                    problem.deadline.toordinal())
                first_at = max(_at(dt.date.fromordinal(first_day), refused), level_since + dt.timedelta(hours=1))
                evs.append(ProblemEvent(kind=EventKind.REPLIED, at=first_at, by=replier, from_level=final,
                                        from_unit=problem.responsible_unit,
                                        text=refused.choice([r for r in REPLIES if r != problem.resolution])))
                reopened_at = _at(reply_day, refused, 9, 11)
                evs.append(ProblemEvent(kind=EventKind.REOPENED, at=reopened_at, by=raiser, from_level=final,
                                        to_level=final, to_unit=problem.responsible_unit, deadline=problem.deadline,
                                        text=refused.choice(REOPEN_REASONS)))
                replied_at = reopened_at + dt.timedelta(hours=refused.randint(3, 6), minutes=refused.choice([0, 10, 20, 30, 40, 50]))
            problem.replied_at, problem.replied_by = replied_at, replier
            evs.append(ProblemEvent(kind=EventKind.REPLIED, at=replied_at, by=replier, from_level=final,
                                    from_unit=problem.responsible_unit, text=problem.resolution))
            if action is not None:
                action.status = ActionStatus.CLOSED
                action.evidence = "已按会议议定事项落实到位，相关文件已归档。"
                action.reported_at = replied_at - dt.timedelta(hours=3)
                action.reported_by = replier
                action.closed_at, action.closed_by = replied_at, office
                action.closed_on_time = timezone.localtime(replied_at).date() <= action.deadline
            if state == "closed":
                later = min(rng.randint(0, 3), (today - timezone.localtime(replied_at).date()).days)  # not after today
                closed_at = replied_at + dt.timedelta(days=later, hours=1)
                problem.status = ProblemStatus.CLOSED
                problem.closed_at, problem.closed_by = closed_at, raiser
                problem.closed_on_time = timezone.localtime(replied_at).date() <= problem.deadline
                evs.append(ProblemEvent(kind=EventKind.CLOSED, at=closed_at, by=raiser, from_level=final,
                                        from_unit=problem.responsible_unit, text="问题已解决，同意销号。"))
        evs.sort(key=lambda ev: ev.at)  # the meeting's steps among the escalations
        problems.append(problem)
        events.extend(evs)
        event_owner.extend([idx] * len(evs))
        if problem.status != ProblemStatus.CLOSED:
            kind_ = {ProblemStatus.REPLIED: NoticeKind.REPLIED}.get(problem.status, NoticeKind.ESCALATED if len(path) > 1 else NoticeKind.ASSIGNED)
            to = problem.raiser_unit if problem.status == ProblemStatus.REPLIED else problem.responsible_unit
            notices.append(Notice(kind=kind_, unit=to, title="",  # with the number, once numbered
                                  body=f"项目：{project.name}\n责任单位：{problem.responsible_unit}\n层级：{problem.get_level_display()}，期限 {problem.deadline}",
                                  read_at=timezone.now() if rng.random() < 0.4 else None))
            notice_owner.append(idx)

    record = year_record(ctx, projects, departments=departments, office_unit=office_unit, county=county,
                         officers={**owner_officers, **town_officers, **dept_officers})
    for problem, evs, notice in record:
        idx = len(problems)
        problems.append(problem)
        events.extend(evs)
        event_owner.extend([idx] * len(evs))
        if notice is not None:
            notices.append(notice)
            notice_owner.append(idx)
    squeeze_into_the_day([(p, ("raised_at", "level_since", "replied_at", "closed_at")) for p in problems]
                         + [(ev, ("at",)) for ev in events] + [(a, ("reported_at", "closed_at")) for a in actions],
                         timezone.now())
    number_problems(problems)
    Problem.objects.bulk_create(problems)
    for ev, idx in zip(events, event_owner, strict=True):
        ev.problem = problems[idx]
    ProblemEvent.objects.bulk_create(events)
    for item, idx in zip(agenda, agenda_owner, strict=True):
        item.problem = problems[idx]
    for m in meetings:
        for i, item in enumerate([a for a in agenda if a.meeting is m], 1):
            item.order = i
    AgendaItem.objects.bulk_create(agenda)
    for action, idx in zip(actions, action_owner, strict=True):
        action.problem = problems[idx]
    for m in meetings:
        done = rng.choice(GENERAL_DECISIONS)
        unit = departments.get(done[1], office_unit)
        general = ActionItem(meeting=m, order=0, text=done[0], responsible_unit=unit, is_demo=True,
                             deadline=m.date + dt.timedelta(days=rng.choice([10, 14, 21])))
        if general.deadline < today - dt.timedelta(days=3) and rng.random() < 0.7:
            general.status = ActionStatus.CLOSED
            general.evidence = "已完成并书面报送项目办。"
            general.reported_at = _at(general.deadline - dt.timedelta(days=1), rng)
            general.closed_at, general.closed_by, general.closed_on_time = general.reported_at, office, True
        actions.append(general)
    for m in meetings:
        for i, a in enumerate([a for a in actions if a.meeting is m], 1):
            a.order = i
    ActionItem.objects.bulk_create(actions)
    for notice, idx in zip(notices, notice_owner, strict=True):
        notice.problem = problems[idx]
        notice.title = f"问题{problems[idx].number}：{problems[idx].title}"
        notice.url = problems[idx].get_absolute_url()
    for action in actions:
        if action.status != ActionStatus.CLOSED:
            notices.append(Notice(
                kind=NoticeKind.ACTION_ASSIGNED, unit=action.responsible_unit, action=action,
                title=f"会商议定事项交办，{action.deadline}前完成：{action.text[:60]}",
                body=f"{action.meeting.title}\n责任单位：{action.responsible_unit}，期限 {action.deadline}",
                url=f"/consultation/actions/{action.pk}/",
            ))
    Notice.objects.bulk_create(notices)
    for i, idx in enumerate(planned_problems, 1):
        AgendaItem.objects.create(meeting=upcoming, order=i, problem=problems[idx],
                                  title=f"{problems[idx].project.name}：{problems[idx].title}")
    ctx.data["consultation_problems"] = len(problems)


def number_problems(problems: list[Problem]) -> None:
    """Number the problems of each year in the order they were raised (2026-0001 first)."""
    seq: dict[int, int] = {}
    for problem in sorted(problems, key=lambda p: p.raised_at):
        year = timezone.localtime(problem.raised_at).year
        seq[year] = seq.get(year, 0) + 1
        problem.number = f"{year}-{seq[year]:04d}"


def year_record(ctx: DemoContext, projects: list[Project], *, departments: dict[str, Unit], office_unit: Unit,
                county: Unit, officers: dict[int, User]) -> list[tuple[Problem, list[ProblemEvent], Notice | None]]:
    """The problems of the year before the current ones, each with its events (and a notice when
    it is still open): from January until RECORD_UNTIL_DAYS before the demo date, every town has
    a few problems a month on its projects at RECORD_STAGES.

    They are raised by the owner or the town where the demo has a login for it, otherwise by the
    project office (from the monthly reports, assigned to the town) or a department, and settled
    at the owner, the town or the department. Each responsible unit has its own pace, the chance
    that it acts within a deadline: a unit that does escalates on time or proposes a resolution
    the raiser confirms; one that does not lets the night's run send the problem up, or has its
    first resolution refused after the deadline and answers again that day — then the problem is
    closed late, at the same level, as the ladder's rules allow. A few hard ones (land,
    demolition) went up to a county leader and are still open, long past their deadline.

    Random numbers come from their own generator seeded from DEMO_SEED, so the apps loaded after
    this one draw what they drew before. The office stands in for units without a demo login,
    as everywhere in the demo."""
    rng = random.Random(f"{DEMO_SEED}-problems")
    today = ctx.today
    now = timezone.now()
    tz = timezone.get_current_timezone()
    office, office2 = ctx.users["office"], ctx.users.get("office2") or ctx.users["office"]
    until = today - dt.timedelta(days=RECORD_UNTIL_DAYS)
    by_town: dict[int, list[Project]] = {}
    for project in projects:
        if project.town_id and project.stage in RECORD_STAGES:
            by_town.setdefault(project.town_id, []).append(project)
    town_raisers = {pk: u for pk, u in officers.items() if u.role == "town"}
    owner_raisers = {pk: u for pk, u in officers.items() if u.role == "owner"}
    dept_raisers = [u for pk, u in sorted(officers.items()) if u.role == "department"]
    units = sorted({*by_town, *(p.department_id for ps in by_town.values() for p in ps if p.department_id)})
    pace = {unit_id: rng.uniform(0.6, 0.98) for unit_id in units}

    def one(day: dt.date, project: Project):
        category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        urgency = rng.choices([Urgency.NORMAL, Urgency.URGENT, Urgency.CRITICAL], [80, 17, 3])[0]
        title_tpl, desc_tpl = rng.choice(PROBLEMS[category])
        n = rng.choice(NUMBERS)
        department = project.department or departments.get(CATEGORY_DEPARTMENT[category]) or office_unit
        if project.owner_id in owner_raisers and rng.random() < 0.6:
            raiser, kind, start = owner_raisers[project.owner_id], RaiserKind.OWNER, Level.OWNER
        elif project.town_id in town_raisers and rng.random() < 0.85:
            raiser, kind, start = town_raisers[project.town_id], RaiserKind.TOWN, Level.TOWN
        elif rng.random() < 0.75 or not dept_raisers:
            raiser, kind, start = office2, RaiserKind.OFFICE, Level.TOWN
        else:
            raiser, kind, start = rng.choice(dept_raisers), RaiserKind.DEPARTMENT, Level.DEPARTMENT
        stuck = category in HARD_CATEGORIES and (today - day).days > 100 and rng.random() < 0.04
        target = Level.LEADER if stuck else rng.choices([Level.OWNER, Level.TOWN, Level.DEPARTMENT], [15, 55, 30])[0]
        if level_rank(target) < level_rank(start):
            target = start
        path = [lvl for lvl in LADDER if level_rank(start) <= level_rank(lvl) <= level_rank(target)]
        days = {lvl: default_deadline_days(category, urgency, lvl) for lvl in LADDER}
        unit_at = {Level.OWNER: project.owner, Level.TOWN: project.town, Level.DEPARTMENT: department,
                   Level.MEETING: office_unit, Level.LEADER: county}
        raised_at = _at(day, rng)
        t = raised_at
        evs = [ProblemEvent(kind=EventKind.RAISED, at=t, by=raiser, to_level=path[0], to_unit=unit_at[path[0]],
                            deadline=day + dt.timedelta(days=days[path[0]]))]
        for lvl, nxt in zip(path, path[1:], strict=False):
            since = timezone.localtime(t).date()
            unit = unit_at[lvl]
            if lvl == Level.MEETING:
                t, by, ev_kind, text = (_at(since + dt.timedelta(days=rng.randint(3, days[lvl])), rng), office,
                                        EventKind.ESCALATED, "经会商研究，需提请市领导协调解决。")
            elif rng.random() < pace.get(unit.pk, 0.85):
                t, by, ev_kind, text = (_at(since + dt.timedelta(days=rng.randint(1, days[lvl])), rng),
                                        officers.get(unit.pk) or raiser, EventKind.ESCALATED, rng.choice(ESCALATION_REASONS))
            else:  # the deadline passed: the night's run sends it up
                t = dt.datetime.combine(since + dt.timedelta(days=days[lvl] + 1), NIGHT_RUN, tzinfo=tz)
                by, ev_kind, text = None, EventKind.AUTO_ESCALATED, f"{Level(lvl).label}层级期限已过仍未解决，系统自动升级。"
            evs.append(ProblemEvent(kind=ev_kind, at=t, by=by, from_level=lvl, to_level=nxt, from_unit=unit,
                                    to_unit=unit_at[nxt], deadline=timezone.localtime(t).date() + dt.timedelta(days=days[nxt]),
                                    text=text))
        final = path[-1]
        level_day = timezone.localtime(t).date()
        problem = Problem(
            number="", project=project, category=category, urgency=urgency, title=title_tpl.format(n=n),
            description=desc_tpl.format(n=n), raised_by=raiser, raiser_unit=raiser.unit, raiser_kind=kind,
            raised_at=raised_at, level=final, responsible_unit=unit_at[final],
            responsible_leader=project.leader if final == Level.LEADER else None, level_since=t,
            deadline=level_day + dt.timedelta(days=days[final]), status=ProblemStatus.OPEN, is_demo=True,
        )
        if stuck:
            notice = Notice(kind=NoticeKind.ESCALATED, unit=county, title="",  # with the number, once numbered
                            body=f"项目：{project.name}\n责任单位：{county}\n层级：{problem.get_level_display()}，期限 {problem.deadline}",
                            read_at=now if rng.random() < 0.7 else None)
            return problem, evs, notice
        unit = problem.responsible_unit
        replier = officers.get(unit.pk) or office
        # A unit settling what it raised itself has no one to refuse its resolution.
        on_time = rng.random() < pace.get(unit.pk, 0.85) or raiser.unit_id == unit.pk
        reply_day = level_day + dt.timedelta(days=rng.randint(1, days[final]))
        replied_at = max(_at(reply_day, rng), t + dt.timedelta(hours=1))
        resolution = rng.choice(REPLIES)
        evs.append(ProblemEvent(kind=EventKind.REPLIED, at=replied_at, by=replier, from_level=final, from_unit=unit,
                                text=resolution))
        if not on_time:
            # The raiser refuses the resolution after the deadline; the unit answers again that day
            # (before the night's run would send the problem up): closed, but late.
            reopened_at = _at(max(reply_day, problem.deadline) + dt.timedelta(days=rng.randint(1, 6)), rng, 9, 11)
            evs.append(ProblemEvent(kind=EventKind.REOPENED, at=reopened_at, by=raiser, from_level=final, to_level=final,
                                    to_unit=unit, deadline=problem.deadline, text=rng.choice(REOPEN_REASONS)))
            replied_at = reopened_at + dt.timedelta(hours=rng.randint(3, 6), minutes=rng.choice([0, 10, 20, 30, 40, 50]))
            resolution = rng.choice([r for r in REPLIES if r != resolution])
            evs.append(ProblemEvent(kind=EventKind.REPLIED, at=replied_at, by=replier, from_level=final, from_unit=unit,
                                    text=resolution))
        closed_at = max(_at(timezone.localtime(replied_at).date() + dt.timedelta(days=rng.randint(0, 3)), rng),
                        replied_at + dt.timedelta(hours=1))
        if timezone.localtime(closed_at).date() > today:  # (today's steps are squeezed before now)
            return None
        problem.status, problem.resolution = ProblemStatus.CLOSED, resolution
        problem.replied_at, problem.replied_by = replied_at, replier
        problem.closed_at, problem.closed_by = closed_at, raiser
        problem.closed_on_time = timezone.localtime(replied_at).date() <= problem.deadline
        evs.append(ProblemEvent(kind=EventKind.CLOSED, at=closed_at, by=raiser, from_level=final, from_unit=unit,
                                text="问题已解决，同意销号。"))
        return problem, evs, None

    out = []
    month = dt.date(today.year, 1, 1)
    while month <= until:
        last = min((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), until)
        for town_id in sorted(by_town):
            for _ in range(rng.choice(RECORD_PER_TOWN_MONTH)):
                day = month + dt.timedelta(days=rng.randint(0, (last - month).days))
                if day.weekday() >= 5:  # raised on a working day
                    day += dt.timedelta(days=7 - day.weekday())
                made = one(day, rng.choice(by_town[town_id])) if day <= until else None
                if made is not None:
                    out.append(made)
        month = last + dt.timedelta(days=1)
    return out
