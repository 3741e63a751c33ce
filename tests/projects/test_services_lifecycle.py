"""Node chains from templates, node progress, stage gates and overdue nodes."""


import datetime as dt

import pytest
import time_machine

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.projects.choices import NodeStatus, Stage
from tuijin.projects.models import Node, StageChange
from tuijin.projects.services.lifecycle import mark_overdue_nodes, node_update, project_change_stage

pytestmark = pytest.mark.usefixtures("english")


def test_a_project_gets_its_node_chain_from_its_template_in_sequence_and_in_parallel(make_project):
    project = make_project()
    nodes = {n.node_type.code: n for n in project.nodes.select_related("node_type").prefetch_related("predecessors")}
    assert list(nodes)[:3] == ["signing", "approval", "land-pre"]
    permit = nodes["construction-permit"]
    assert {p.node_type.code for p in permit.predecessors.all()} == {"planning", "energy", "eia"}
    # energy and eia run in parallel after the approval: same start, so the same planned date
    assert nodes["energy"].planned_date - nodes["approval"].planned_date == dt.timedelta(days=20)
    assert nodes["eia"].planned_date - nodes["approval"].planned_date == dt.timedelta(days=30)
    # the permit waits for the latest of its predecessors
    latest = max(nodes[c].planned_date for c in ("planning", "energy", "eia"))
    assert permit.planned_date == latest + dt.timedelta(days=15)
    assert nodes["land"].responsible_unit == project.department
    assert nodes["approval"].responsible_unit == project.owner


def test_an_approval_item_is_done_only_with_its_document_number_and_date(cast, make_project):
    project = make_project()
    signing = project.nodes.get(node_type__code="signing")
    node_update(node=signing, by=cast.office, status=NodeStatus.DONE, actual_date=dt.date(2025, 1, 10))
    approval = project.nodes.get(node_type__code="approval")
    with pytest.raises(ServiceError, match="document number"):
        node_update(node=approval, by=cast.office, status=NodeStatus.DONE, actual_date=dt.date(2025, 2, 1))
    node_update(node=approval, by=cast.office, status=NodeStatus.DONE, actual_date=dt.date(2025, 2, 1), document_number="慈发改备〔2025〕12号")
    approval.refresh_from_db()
    assert approval.status == NodeStatus.DONE and approval.document_number == "慈发改备〔2025〕12号"


def test_a_node_cannot_be_done_before_its_predecessors(cast, make_project):
    project = make_project()
    approval = project.nodes.get(node_type__code="approval")
    with pytest.raises(ServiceError, match="签约"):
        node_update(node=approval, by=cast.office, status=NodeStatus.DONE, actual_date=dt.date(2025, 2, 1), document_number="x")
    approval.refresh_from_db()
    assert approval.status == NodeStatus.PENDING


def test_the_responsible_department_updates_its_node_but_another_town_cannot(cast, make_project):
    project = make_project()
    land_pre = project.nodes.get(node_type__code="land-pre")
    node_update(node=land_pre, by=cast.department_officer, status=NodeStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        node_update(node=land_pre, by=cast.other_town_officer, status=NodeStatus.SKIPPED)
    with pytest.raises(PermissionDenied):
        node_update(node=land_pre, by=cast.leader, status=NodeStatus.SKIPPED)
    land_pre.refresh_from_db()
    assert land_pre.status == NodeStatus.IN_PROGRESS


def test_a_stage_change_waits_for_the_nodes_that_gate_it(cast, make_project):
    project = make_project(stage=Stage.PREPARATION)
    with pytest.raises(ServiceError) as error:
        project_change_stage(project=project, to_stage=Stage.STARTED, by=cast.town_officer)
    for name in ("立项/备案", "供地", "施工许可"):
        assert name in str(error.value)
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION
    gating = project.nodes.filter(node_type__gates_stage__in=[Stage.PREPARATION, Stage.STARTED])
    gating.update(status=NodeStatus.DONE, actual_date=dt.date(2025, 3, 1))
    project_change_stage(project=project, to_stage=Stage.STARTED, by=cast.town_officer)
    project.refresh_from_db()
    assert project.stage == Stage.STARTED


def test_only_the_office_overrides_a_stage_gate_and_only_with_a_reason(cast, make_project):
    project = make_project(stage=Stage.PREPARATION)
    with pytest.raises(PermissionDenied):
        project_change_stage(project=project, to_stage=Stage.STARTED, by=cast.town_officer, reason="急", override=True)
    with pytest.raises(ServiceError, match="reason"):
        project_change_stage(project=project, to_stage=Stage.STARTED, by=cast.office, override=True)
    change = project_change_stage(project=project, to_stage=Stage.STARTED, by=cast.office, reason="市政府专题会议同意先行开工", override=True)
    assert change.is_override and StageChange.objects.filter(project=project, is_override=True).count() == 1


def test_the_nightly_job_marks_nodes_past_their_time_limit_and_clears_them(make_project, cast):
    project = make_project()
    signing = project.nodes.get(node_type__code="signing")
    due = signing.due_date
    with time_machine.travel(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(2)), tick=False):
        flagged, _ = mark_overdue_nodes()
        assert flagged >= 1
        assert Node.objects.get(pk=signing.pk).is_overdue
        node_update(node=signing, by=cast.office, status=NodeStatus.DONE, actual_date=due)
        assert not Node.objects.get(pk=signing.pk).is_overdue
    with time_machine.travel(dt.datetime.combine(due - dt.timedelta(days=1), dt.time(2)), tick=False):
        other = project.nodes.get(node_type__code="approval")
        assert not other.is_overdue
