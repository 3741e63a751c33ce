"""Helpers for consultation tests: a problem raised by the town on a project of 匡堰镇."""

from __future__ import annotations

import pytest

from tuijin.consultation.choices import ProblemCategory, Urgency
from tuijin.consultation.services.problems import problem_raise


@pytest.fixture
def project(make_project):
    return make_project(name="匡堰智能家电产业园项目")


@pytest.fixture
def raise_problem(cast, project):
    def make(by=None, **overrides):
        fields = {
            "project": project,
            "by": by or cast.town_officer,
            "title": "用地指标缺口12亩",
            "category": ProblemCategory.LAND,
            "description": "二期用地指标不足，需市级统筹调剂。",
            "urgency": Urgency.NORMAL,
        }
        fields.update(overrides)
        return problem_raise(**fields)

    return make
