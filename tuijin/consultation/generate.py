"""Synthetic problems (堵点) for `tuijin generate`: about one project in eight has one or two,
raised over the last year at every level of the ladder, most of them closed (on time or
late), some waiting for a reply or overdue — with the "raised" event of each. Written by COPY."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tuijin.lib.bulk import bulk_insert, next_id, reset_sequence
from tuijin.orgs.models import Unit

from .choices import EventKind, Level, ProblemCategory, ProblemStatus, RaiserKind, Urgency
from .models import Problem, ProblemEvent

TITLES = {
    ProblemCategory.LAND: "用地指标未落实，影响供地",
    ProblemCategory.APPROVALS: "施工许可办理滞后",
    ProblemCategory.FUNDS: "专项债资金未及时拨付",
    ProblemCategory.DEMOLITION: "征迁遗留户尚未签约",
    ProblemCategory.UTILITIES: "电力线路迁改进度慢",
    ProblemCategory.POLICY: "产业政策兑现口径不明",
    ProblemCategory.OTHER: "施工便道协调困难",
}
LEVELS = (Level.OWNER, Level.TOWN, Level.DEPARTMENT, Level.MEETING, Level.LEADER)
DAYS = {Level.OWNER: 7, Level.TOWN: 15, Level.DEPARTMENT: 20, Level.MEETING: 30, Level.LEADER: 30}


def generate(ctx) -> None:
    rng = ctx.rng
    tz = timezone.get_current_timezone()
    departments = list(Unit.objects.departments().values_list("pk", flat=True))
    first = next_id(Problem)
    problems, events = [], []
    sample = rng.sample(ctx.project_ids, len(ctx.project_ids) // 8)
    for pid in sample:
        town = ctx.facts[pid][0]
        for _ in range(rng.choice((1, 1, 1, 2))):
            category = rng.choice(list(ProblemCategory))
            level = rng.choices(LEVELS, (20, 35, 30, 10, 5))[0]
            raised = ctx.today - dt.timedelta(days=rng.randint(1, 365))
            raised_at = dt.datetime.combine(raised, dt.time(9, 30), tz)
            deadline = raised + dt.timedelta(days=DAYS[level])
            status = rng.choices((ProblemStatus.CLOSED, ProblemStatus.REPLIED, ProblemStatus.OPEN), (60, 15, 25))[0]
            if deadline >= ctx.today and status == ProblemStatus.CLOSED and rng.random() < 0.5:
                status = ProblemStatus.OPEN
            closed = None
            if status == ProblemStatus.CLOSED:
                closed = min(raised + dt.timedelta(days=rng.randint(2, DAYS[level] + 20)), ctx.today)
            number = len(problems) + first
            responsible = rng.choice(departments) if level == Level.DEPARTMENT else town
            problems.append({
                "id": number, "number": f"{raised.year}-{number:06d}", "project_id": pid, "title": TITLES[category],
                "category": category, "description": f"{TITLES[category]}，需协调解决。", "urgency": rng.choice(list(Urgency)),
                "raised_by_id": ctx.office_id, "raiser_unit_id": town, "raiser_kind": RaiserKind.TOWN,
                "raised_at": raised_at, "level": level, "responsible_unit_id": responsible, "level_since": raised_at,
                "deadline": deadline, "status": status,
                "resolution": "已协调明确办理路径" if status != ProblemStatus.OPEN else "",
                "replied_at": raised_at + dt.timedelta(days=2) if status != ProblemStatus.OPEN else None,
                "closed_at": dt.datetime.combine(closed, dt.time(16), tz) if closed else None,
                "closed_by_id": ctx.office_id if closed else None,
                "closed_on_time": (closed <= deadline) if closed else None, "is_demo": True,
            })
            events.append({"problem_id": number, "kind": EventKind.RAISED, "at": raised_at, "by_id": ctx.office_id,
                           "to_level": level, "to_unit_id": responsible, "deadline": deadline, "text": ""})
    bulk_insert(Problem, problems, with_pk=True)
    reset_sequence(Problem)
    bulk_insert(ProblemEvent, events)
    ctx.counts["problems"] = len(problems)
