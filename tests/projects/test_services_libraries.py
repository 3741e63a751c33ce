"""The library workflow, its gates, the versioned annual plan and the year-end roll-over."""


from decimal import Decimal

import pytest

from tuijin.lib.errors import PermissionDenied, ServiceError
from tuijin.projects.choices import EntryStatus, LibraryKind, NodeStatus, PlanCategory, Stage
from tuijin.projects.models import EntryEvent, LibraryEntry, PlanEntry, PlanVersion
from tuijin.projects.services import libraries as lib
from tuijin.projects.services.libraries import PlanData

pytestmark = pytest.mark.usefixtures("english")


def admit(project, kind, by, plan=None, year=2026):
    library = lib.library_for(kind, year)
    entry = lib.entry_submit(project=project, library=library, by=by, plan=plan)
    lib.entry_first_review(entry=entry, by=by)
    return lib.entry_final_review(entry=entry, by=by)


def finish_node(project, code, **extra):
    node = project.nodes.get(node_type__code=code)
    node.status = NodeStatus.DONE
    node.actual_date = extra.get("actual_date", node.planned_date)
    node.document_number = extra.get("document_number", "慈发改〔2026〕1号")
    node.save()
    return node


def annual_ready(project, cast):
    admit(project, LibraryKind.RESERVE, cast.office)
    admit(project, LibraryKind.ROLLING, cast.office)
    project.national_code = f"2601-330282-89-01-{100000 + project.pk:06d}"
    project.save()
    for code in ("signing", "approval"):
        finish_node(project, code)


def test_a_project_moves_up_through_the_three_libraries(cast, make_project):
    project = make_project()
    admit(project, LibraryKind.RESERVE, cast.office)
    project.refresh_from_db()
    assert project.library == LibraryKind.RESERVE
    admit(project, LibraryKind.ROLLING, cast.office)
    project.refresh_from_db()
    assert project.library == LibraryKind.ROLLING
    reserve_entry = LibraryEntry.objects.get(project=project, library__kind=LibraryKind.RESERVE)
    assert reserve_entry.status == EntryStatus.PROMOTED
    project.national_code = "2601-330282-89-01-100001"
    project.save()
    finish_node(project, "signing")
    finish_node(project, "approval")
    plan = PlanData(category=PlanCategory.NEW, planned_investment=Decimal("12000"), planned_start_month=4)
    entry = admit(project, LibraryKind.ANNUAL, cast.office, plan=plan)
    project.refresh_from_db()
    assert project.library == LibraryKind.ANNUAL
    plan_entry = PlanEntry.objects.get(library_entry=entry)
    months = plan_entry.months()
    assert sum(months.values()) == Decimal("12000")
    assert min(months) == 4, "the default split starts in the planned start month"
    actions = list(EntryEvent.objects.filter(entry=entry).values_list("action", flat=True))
    assert actions == ["submit", "first_review", "final_review"]


def test_a_town_officer_submits_its_own_towns_project_but_not_another_towns(cast, make_project):
    ours = make_project()
    theirs = make_project(town=cast.other_town)
    reserve = lib.library_for(LibraryKind.RESERVE, 2026)
    entry = lib.entry_submit(project=ours, library=reserve, by=cast.town_officer)
    assert entry.status == EntryStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        lib.entry_submit(project=theirs, library=reserve, by=cast.town_officer)
    assert not LibraryEntry.objects.filter(project=theirs).exists()


def test_only_the_project_office_reviews(cast, make_project):
    project = make_project()
    entry = lib.entry_submit(project=project, library=lib.library_for(LibraryKind.RESERVE, 2026), by=cast.town_officer)
    for who in (cast.town_officer, cast.department_officer, cast.owner, cast.leader):
        with pytest.raises(PermissionDenied):
            lib.entry_first_review(entry=entry, by=who)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_a_review_of_a_project_not_in_the_queue_is_refused(cast, make_project):
    project = make_project()
    entry = admit(project, LibraryKind.RESERVE, cast.office)
    with pytest.raises(ServiceError, match="not in the review queue"):
        lib.entry_first_review(entry=entry, by=cast.office)
    with pytest.raises(ServiceError, match="not in the review queue"):
        lib.entry_final_review(entry=entry, by=cast.office)


def test_the_gate_says_exactly_what_is_missing(cast, make_project):
    project = make_project(total_investment=Decimal("4000"), content="")
    missing = lib.gate_check(project, LibraryKind.RESERVE)
    assert any("4,000" in m and "5,000" in m for m in missing), missing
    assert any("construction content" in m for m in missing), missing
    with pytest.raises(ServiceError) as error:
        lib.entry_submit(project=project, library=lib.library_for(LibraryKind.RESERVE, 2026), by=cast.office)
    assert "5,000" in str(error.value)
    assert not LibraryEntry.objects.filter(project=project).exists()


def test_the_annual_gate_needs_the_national_code_and_the_approval_node(cast, make_project):
    project = make_project()
    admit(project, LibraryKind.RESERVE, cast.office)
    admit(project, LibraryKind.ROLLING, cast.office)
    missing = lib.gate_check(project, LibraryKind.ANNUAL)
    assert any("national project code" in m for m in missing)
    assert any("立项/备案" in m for m in missing)


def test_a_project_must_be_in_the_library_below_first(cast, make_project):
    project = make_project()
    with pytest.raises(ServiceError, match="must first be admitted"):
        lib.entry_submit(project=project, library=lib.library_for(LibraryKind.ROLLING, 2026), by=cast.office)


def test_a_returned_entry_needs_a_reason_and_can_be_resubmitted(cast, make_project):
    project = make_project()
    entry = lib.entry_submit(project=project, library=lib.library_for(LibraryKind.RESERVE, 2026), by=cast.town_officer)
    with pytest.raises(ServiceError):
        lib.entry_return(entry=entry, by=cast.office, reason="  ")
    entry = lib.entry_return(entry=entry, by=cast.office, reason="请补充用地预审意见")
    assert entry.status == EntryStatus.RETURNED
    again = lib.entry_submit(project=project, library=entry.library, by=cast.town_officer)
    assert again.pk == entry.pk and again.status == EntryStatus.SUBMITTED


def test_withdrawal_and_restore(cast, make_project):
    project = make_project()
    entry = admit(project, LibraryKind.RESERVE, cast.office)
    entry = lib.withdrawal_request(entry=entry, by=cast.town_officer, reason="业主投资意向变化")
    assert entry.status == EntryStatus.WITHDRAWAL_REQUESTED
    entry = lib.withdrawal_decide(entry=entry, by=cast.office, approve=True, reason="同意退库")
    project.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN and project.library == ""
    entry = lib.entry_restore(entry=entry, by=cast.office, reason="业主重新确认投资")
    project.refresh_from_db()
    assert entry.status == EntryStatus.ADMITTED and project.library == LibraryKind.RESERVE


def test_the_monthly_split_must_add_up_to_the_annual_plan(cast, make_project):
    project = make_project()
    annual_ready(project, cast)
    plan = PlanData(category=PlanCategory.NEW, planned_investment=Decimal("1200"), months={m: Decimal("99") for m in range(1, 13)})
    with pytest.raises(ServiceError, match="1,188"):
        lib.entry_submit(project=project, library=lib.library_for(LibraryKind.ANNUAL, 2026), by=cast.office, plan=plan)
    assert not LibraryEntry.objects.filter(project=project, library__kind=LibraryKind.ANNUAL).exists()


def test_the_start_of_year_plan_stays_frozen_while_the_adjusted_plan_changes(cast, make_project):
    project = make_project()
    annual_ready(project, cast)
    admit(project, LibraryKind.ANNUAL, cast.office, plan=PlanData(category=PlanCategory.NEW, planned_investment=Decimal("1200")))
    adopted = lib.plan_freeze(year=2026, by=cast.office)
    assert adopted.is_frozen and adopted.number == 1
    frozen_entry = PlanEntry.objects.get(version=adopted, project=project)
    working = PlanEntry.objects.get(version__year=2026, version__is_frozen=False, project=project)
    with pytest.raises(ServiceError, match="frozen"):
        lib.plan_entry_update(plan_entry=frozen_entry, by=cast.office, plan=PlanData(category="new", planned_investment=Decimal(1)))
    lib.plan_entry_update(plan_entry=working, by=cast.office, plan=PlanData(category=PlanCategory.NEW, planned_investment=Decimal("1800")))
    frozen_entry.refresh_from_db()
    assert frozen_entry.planned_investment == Decimal("1200")
    rows = lib.plan_compare(2026, adopted, PlanVersion.objects.get(year=2026, is_frozen=False))
    assert rows[0]["before"] == Decimal("1200") and rows[0]["after"] == Decimal("1800") and rows[0]["delta"] == Decimal("600")


def test_an_entry_after_the_plan_was_adopted_is_a_mid_year_addition(cast, make_project):
    lib.plan_freeze(year=2026, by=cast.office)
    project = make_project()
    annual_ready(project, cast)
    entry = admit(project, LibraryKind.ANNUAL, cast.office, plan=PlanData(category=PlanCategory.READY, planned_investment=Decimal("500")))
    assert entry.is_addition


def test_roll_over_carries_continuing_projects_with_their_opening_balance(cast, make_project):
    lib.COMPLETED_IN_YEAR.append(lambda ids, year: {pid: Decimal("3000") for pid in ids} if year == 2026 else {})
    try:
        going = make_project(name="续建项目", end_year=2028)
        done = make_project(name="已竣工项目", end_year=2026)
        idle = make_project(name="未开工项目")
        for project, stage in ((going, Stage.CONSTRUCTION), (done, Stage.COMPLETED), (idle, Stage.PREPARATION)):
            annual_ready(project, cast)
            admit(project, LibraryKind.ANNUAL, cast.office,
                  plan=PlanData(category=PlanCategory.CONTINUING, planned_investment=Decimal("5000"), opening_cumulative=Decimal("10000")))
            project.stage = stage
            project.save()
        dry = lib.roll_year(year=2027, by=cast.office, dry_run=True)
        assert dry.count("carried") == 1
        assert not PlanEntry.objects.filter(version__year=2027).exists(), "a dry run writes nothing"

        report = lib.roll_year(year=2027, by=cast.office)
        actions = {line.project.name: line.action for line in report.lines}
        assert actions == {"续建项目": "carried", "已竣工项目": "finished", "未开工项目": "not_started"}
        carried = PlanEntry.objects.get(version__year=2027, project=going)
        assert carried.opening_cumulative == Decimal("13000")
        assert carried.category == PlanCategory.CONTINUING
        going.refresh_from_db()
        assert going.library == LibraryKind.ANNUAL

        again = lib.roll_year(year=2027, by=cast.office)
        assert again.count("carried") == 0
        assert PlanEntry.objects.filter(version__year=2027).count() == 1
    finally:
        lib.COMPLETED_IN_YEAR.pop()


def test_roll_over_advances_the_rolling_window(cast, make_project):
    project = make_project()
    admit(project, LibraryKind.RESERVE, cast.office)
    admit(project, LibraryKind.ROLLING, cast.office)
    lib.roll_year(year=2027, by=cast.office)
    entry = LibraryEntry.objects.get(project=project, library__kind=LibraryKind.ROLLING, status=EntryStatus.ADMITTED)
    assert (entry.library.start_year, entry.library.end_year) == (2027, 2029)
    project.refresh_from_db()
    assert project.library == LibraryKind.ROLLING


def test_an_automatic_split_adds_up_and_never_has_a_negative_month():
    from tuijin.projects.services.libraries import even_split, seasonal_split

    for total in ("0.0007", "0.0011", "50", "1200", "12000.0005", "3.3333"):
        for first in (1, 3, 11, 12):
            for split in (even_split(Decimal(total), first), seasonal_split(Decimal(total), first)):
                assert sum(split.values()) == Decimal(total), (total, first)
                assert min(split.values()) >= 0, (total, first, split)
                assert min(split) == first and max(split) == 12
    assert even_split(Decimal("0.0007"))[12] == Decimal("0.0007")  # eleven months of 0, December the rest
    assert even_split(Decimal("1200"), 3) == dict.fromkeys(range(3, 13), Decimal("120.0000"))
