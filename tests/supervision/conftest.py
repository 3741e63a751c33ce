"""Helpers for supervision tests: projects in the 2026 plan with reports and nodes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.race.conftest import add_plan, add_reports
from tuijin.projects.choices import NodeStatus, PlanCategory
from tuijin.projects.models import Node
from tuijin.supervision.models import Light
from tuijin.supervision.services.scan import rules_ensure


@pytest.fixture
def plan_project(cast, make_project):
    """make(planned=1200, monthly=100, reports={month: amount}, category=…, **project fields)."""

    def make(*, planned=1200, monthly="100", reports=None, category=PlanCategory.CONTINUING, start_month=None,
             completion="", **fields):
        project = make_project(**fields)
        Node.objects.filter(project=project).update(due_date=None, planned_date=None)
        entry = add_plan(project, planned, category=category, start_month=start_month, monthly=monthly)
        if completion:
            entry.planned_completion = completion
            entry.save()
        if reports:
            add_reports(project, 2026, reports)
        return project

    rules_ensure()
    return make


def start(project, day: dt.date) -> None:
    Node.objects.filter(project=project, node_type__code="start").update(status=NodeStatus.DONE, actual_date=day)


def light_of(project, rule) -> Light | None:
    return Light.objects.filter(project=project, rule=rule, cleared_on__isnull=True).first()


def colour_of(project, rule) -> str | None:
    light = light_of(project, rule)
    return light.colour if light else None
