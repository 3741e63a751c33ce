"""A small county with one object of each kind the URLs name, built through the apps' own
services where they exist, for the permission matrix and the fault tests.

匡堰镇 (the cast's town) has ``project``, owned by the cast's enterprise and assigned to the
cast's department, in the 2026 annual plan with a report, a problem, a document and a task
force; 龙山镇 has ``other_project`` owned by another enterprise. The rest hangs off them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

YEAR = 2026


def build_world(cast, make_project) -> SimpleNamespace:
    from rest_framework.authtoken.models import Token

    from tests.race.conftest import add_plan, add_reports
    from tuijin.breakthroughs.services.attraction import lead_create
    from tuijin.breakthroughs.services.funds import fund_source_create
    from tuijin.breakthroughs.services.resources import allocation_create, quota_set
    from tuijin.clusters import services as clusters
    from tuijin.clusters.choices import AllocationMethod, ShareholderKind
    from tuijin.clusters.models import Village
    from tuijin.consultation.choices import ProblemCategory, Urgency
    from tuijin.consultation.models import Notice
    from tuijin.consultation.services.meetings import meeting_decide, meeting_schedule
    from tuijin.consultation.services.problems import problem_raise
    from tuijin.ledger.models import LedgerImport
    from tuijin.opendata.models import WebhookDelivery, WebhookSubscription
    from tuijin.projects.models import ProjectDocument, TaskForceMember
    from tuijin.race.models import Scheme
    from tuijin.race.periods import Period
    from tuijin.race.services import scheme_version_create, snapshot_compute
    from tuijin.reporting.models import MonthlyReport, Notification
    from tuijin.supervision.services.bulletins import bulletin_make
    from tuijin.supervision.services.orders import order_issue

    w = SimpleNamespace(cast=cast)
    w.project = make_project(name="匡堰智能家电产业园项目")
    w.other_project = make_project(name="龙山滨海物流园项目", town=cast.other_town, owner=cast.other_enterprise,
                                   department=cast.units["住建局"])
    w.plan_entry = add_plan(w.project, 1200, monthly=100)
    w.other_plan_entry = add_plan(w.other_project, 1200, monthly=100)
    w.library_entry = w.plan_entry.library_entry
    w.other_library_entry = w.other_plan_entry.library_entry
    w.plan_version = w.plan_entry.version
    add_reports(w.project, YEAR, {9: "100"})
    add_reports(w.other_project, YEAR, {9: "100"})
    w.report = MonthlyReport.objects.get(project=w.project, year=YEAR, month=9)
    w.other_report = MonthlyReport.objects.get(project=w.other_project, year=YEAR, month=9)
    w.period = w.report.period
    w.node = w.project.nodes.order_by("order").first()
    w.other_node = w.other_project.nodes.order_by("order").first()
    w.member = TaskForceMember.objects.create(project=w.project, name="张专班", duty="专班长")
    w.other_member = TaskForceMember.objects.create(project=w.other_project, name="李专班", duty="专班长")
    w.document = ProjectDocument.objects.create(project=w.project, kind="feasibility", title="可行性研究报告",
                                                file=ContentFile(b"%PDF-1.4 test", name="fs.pdf"))
    w.other_document = ProjectDocument.objects.create(project=w.other_project, kind="contract", title="施工合同",
                                                      file=ContentFile(b"%PDF-1.4 test", name="contract.pdf"))
    w.ledger_import = LedgerImport.objects.create(file=ContentFile(b"x", name="ledger.xlsx"), original_name="台账.xlsx",
                                                  uploaded_by=cast.office)
    w.notification = Notification.objects.create(user=cast.town_officer, title="九月月报待审核")
    w.problem = problem_raise(project=w.project, by=cast.town_officer, title="用地指标缺口12亩",
                              category=ProblemCategory.LAND, description="二期用地指标不足。", urgency=Urgency.NORMAL)
    w.other_problem = problem_raise(project=w.other_project, by=cast.other_town_officer, title="管线迁改",
                                    category=ProblemCategory.UTILITIES, description="管线迁改未完成。",
                                    urgency=Urgency.NORMAL)
    w.meeting = meeting_schedule(by=cast.office, kind="weekly",
                                 starts_at=timezone.make_aware(dt.datetime(YEAR, 10, 14, 9, 0)), place="发改局三楼会议室")
    w.action = meeting_decide(meeting=w.meeting, by=cast.office, text="自然资源和规划局统筹调剂用地指标",
                              responsible_unit=cast.department, deadline=dt.date(YEAR, 11, 30), problem=w.problem)
    w.notice = Notice.objects.filter(unit=cast.town).first() or Notice.objects.create(
        kind="assigned", unit=cast.town, problem=w.problem, title="问题已交办")
    w.fund = fund_source_create(project=w.project, by=cast.office, kind="special_bond", year=YEAR,
                                applied=Decimal(100))
    quota_set(kind="land", year=YEAR, amount=Decimal(1000), by=cast.office)
    w.allocation = allocation_create(project=w.project, kind="land", year=YEAR, amount=Decimal(5),
                                     allocated_on=dt.date(YEAR, 3, 1), by=cast.office)
    w.lead = lead_create(by=cast.office, name="智能装备线索", investor="测试投资", source="fair",
                         intended_amount=Decimal(20000), responsible_unit=cast.town, town=cast.town,
                         first_contact_on=dt.date(YEAR, 2, 1))
    w.scheme = Scheme.objects.create(code="towns", name="镇街道赛马", over="towns")
    w.scheme.units.set([cast.town, cast.other_town])
    scheme_version_create(
        scheme=w.scheme, by=cast.office, effective_from=dt.date(YEAR, 1, 1), red_top_n=1, black_bottom_n=1,
        indicators=[{"code": "plan_completion", "weight": 20, "method": "target", "params": {"target": "unit"}}],
    )
    w.race_period = Period.parse(f"{YEAR}-Q3")
    w.snapshot = snapshot_compute(scheme=w.scheme, period=w.race_period, by=cast.office)
    w.order = order_issue(kind="reminder", unit=cast.town, projects=[w.project], subject="九月进度滞后",
                          body="请说明原因并提出整改计划。", by=cast.office)
    w.bulletin, _data = bulletin_make(period=Period.parse(f"{YEAR}-09"), by=cast.office)
    villages = [Village.objects.create(town=cast.town, name=n, order=i) for i, n in enumerate(["倡隆村", "乾炳村"])]
    w.cluster = clusters.cluster_create(town=cast.town, name="南部片区", party_committee="匡堰镇南部片区联合党委",
                                        villages=villages, lead_village=villages[0], by=cast.office)
    w.company = clusters.company_create(cluster=w.cluster, name="匡堰南部片区发展有限公司",
                                        registered_capital=Decimal(500), by=cast.office)
    w.shareholder = clusters.shareholder_add(company=w.company, name="倡隆村股份经济合作社",
                                             kind=ShareholderKind.VILLAGE, village=villages[0], by=cast.office)
    w.rule = clusters.rule_create(company=w.company, method=AllocationMethod.CAPITAL,
                                  effective_from=dt.date(YEAR, 1, 1), approved_by="股东代表大会", by=cast.office)
    w.subscription = WebhookSubscription.objects.create(name="市平台", url="https://example.invalid/hook")
    w.delivery = WebhookDelivery.objects.create(subscription=w.subscription, event="node.done", payload={"x": 1})
    w.token = Token.objects.create(user=cast.department_officer)
    w.race_row = w.snapshot.rows.order_by("pk").first()
    add_light(w)
    return w


def add_light(w) -> None:
    from tuijin.supervision.models import Light

    today = timezone.localdate()
    w.light = Light.objects.create(project=w.project, town=w.cast.town, rule="behind_schedule", colour="yellow",
                                   reason="序时进度落后15个百分点", first_seen=today, last_seen=today)
