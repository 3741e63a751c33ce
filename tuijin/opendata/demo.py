"""Demo data of the open-data app: an account of the city platform with an API token, two
webhook subscriptions and a short delivery history (nothing is sent while loading)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rest_framework.authtoken.models import Token

from tuijin.core.demo import DemoContext, demo_password_hash
from tuijin.orgs.choices import Role
from tuijin.orgs.models import User
from tuijin.projects.models import Project

from .choices import DeliveryStatus
from .models import WebhookDelivery, WebhookSubscription


def load(ctx: DemoContext) -> None:
    rng: random.Random = ctx.rng
    office = ctx.users.get("office")
    account = User.objects.create(
        username="city-platform",
        password=demo_password_hash(),
        full_name="宁波市重大项目数字化平台（接口账号）",
        role=Role.LEADER,
        unit=ctx.units.get("慈溪"),
        is_demo=True,
    )
    Token.objects.create(user=account)
    platform = WebhookSubscription.objects.create(
        name="宁波市重大项目数字化平台",
        url="https://zdxm.nb.example.gov.cn/hooks/tuijin",
        events=["project.admitted", "report.confirmed", "project.stage_changed"],
        created_by=office,
        is_demo=True,
    )
    supervision = WebhookSubscription.objects.create(
        name="市督查室协同系统",
        url="http://10.20.1.15:8080/api/tuijin-events",
        events=["light.red", "order.issued"],
        created_by=office,
        is_demo=True,
    )
    projects = list(Project.objects.filter(is_demo=True).select_related("town").order_by("code")[:40])
    if not projects:
        return
    now = timezone.now()
    rows = []
    for i in range(24):
        project = rng.choice(projects)
        subscription, event = (platform, rng.choice(platform.events)) if i % 4 else (supervision, "light.red")
        created = now - dt.timedelta(hours=rng.randint(1, 24 * 20))
        failed = subscription is supervision and i % 8 == 0
        pending = subscription is supervision and not failed
        data = {"project": {"id": project.pk, "code": project.code, "name": project.name,
                            "town": project.town.name if project.town_id else None}}
        rows.append(
            WebhookDelivery(
                subscription=subscription,
                event=event,
                payload={"event": event, "occurred_at": created.isoformat(), "data": data},
                status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING if pending else DeliveryStatus.SUCCEEDED,
                attempts=6 if failed else 2 if pending else 1,
                response_code=None if failed or pending else 200,
                error="[Errno 113] No route to host" if failed or pending else "",
                last_attempt_at=created,
                next_attempt_at=now + dt.timedelta(minutes=2) if pending else None,
                delivered_at=None if failed or pending else created,
            )
        )
    for row in WebhookDelivery.objects.bulk_create(rows):
        WebhookDelivery.objects.filter(pk=row.pk).update(created_at=row.last_attempt_at)
