"""Fixtures of the open-data tests: token clients, a fully described disclosed project and
the OC4IDS validator (schema and codelists read from ../shared/standards/oc4ids)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from jsonschema import FormatChecker
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tuijin.projects.choices import EntryStatus, LibraryKind, NodeStatus, PlanCategory, Stage
from tuijin.projects.models import (
    LibraryEntry,
    PlanEntry,
    PlanVersion,
    ProjectDocument,
    StageChange,
    TaskForceMember,
)
from tuijin.projects.services.libraries import library_for
from tuijin.projects.services.split import split_values
from tuijin.projects.signals import plan_lines_changed


def _standard_dir() -> Path:
    """The standard lives in shared/ beside the repository (never copied into it). A clone
    elsewhere (CI) finds it through TUIJIN_OC4IDS_STANDARD or the workspace's shared/."""
    candidates = [
        os.environ.get("TUIJIN_OC4IDS_STANDARD", ""),
        Path(__file__).resolve().parents[3] / "shared" / "standards" / "oc4ids",
        Path("/work/shared/standards/oc4ids"),
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "project-schema.json").exists():
            return Path(candidate)
    raise RuntimeError(
        "The OC4IDS 0.9.5 standard (project-schema.json and codelists/) was not found: set TUIJIN_OC4IDS_STANDARD "
        "to its directory."
    )


STANDARD = _standard_dir()
PROJECT_SCHEMA_URL = "https://standard.open-contracting.org/infrastructure/schema/0__9__5/project-schema.json"

ROLES = ["office", "town", "other_town", "department", "owner", "leader", "anonymous"]
#: Secrets planted in internal fields; none may reach the public.
SECRET_PHONE = "13912345678"
SECRET_PERSON = "钱保密"
SECRET_LEADER = "孙领导"


@pytest.fixture
def api(cast):
    """api(who) → a DRF client holding who's token, as another system would."""

    def make(who: str) -> APIClient:
        client = APIClient()
        user = cast.members[who]
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def described_project(cast, make_project, settings, tmp_path):
    """A disclosed project under construction with everything the package publishes — and
    internal facts (task force, phone numbers, a leader) that must never be published."""
    from tuijin.orgs.models import User

    settings.MEDIA_ROOT = tmp_path
    leader = User.objects.create_user(username="sun", password="x" * 12, role="leader", full_name=SECRET_LEADER,
                                      phone=SECRET_PHONE)
    project = make_project(
        name="慈溪测试智能家电产业园项目",
        national_code="2509-330282-89-01-544060",
        latitude=Decimal("30.171234"),
        longitude=Decimal("121.266789"),
        leader=leader,
    )
    TaskForceMember.objects.create(project=project, name=SECRET_PERSON, duty="专班长", phone=SECRET_PHONE)
    nodes = {n.node_type.code: n for n in project.nodes.select_related("node_type")}
    for code in ["signing", "approval", "land-pre", "land", "energy", "eia", "planning", "construction-permit", "start"]:
        node = nodes[code]
        node.status = NodeStatus.DONE
        node.actual_date = dt.date(2026, 3, 1)
        node.document_number = "慈发改备〔2026〕12号" if node.node_type.is_approval else ""
        node.save()
    for frm, to, day in [(Stage.IDEA, Stage.PREPARATION, 10), (Stage.PREPARATION, Stage.STARTED, 40),
                         (Stage.STARTED, Stage.CONSTRUCTION, 70)]:
        change = StageChange.objects.create(project=project, from_stage=frm, to_stage=to, by=cast.office)
        StageChange.objects.filter(pk=change.pk).update(at=timezone.make_aware(dt.datetime(2026, 1, 1)) + dt.timedelta(days=day))
    project.stage = Stage.CONSTRUCTION
    project.save()
    library = library_for(LibraryKind.ANNUAL, 2026)
    entry = LibraryEntry.objects.create(library=library, project=project, status=EntryStatus.ADMITTED)
    version = PlanVersion.objects.create(year=2026, number=1, is_frozen=True, frozen_at=timezone.now())
    plan = PlanEntry.objects.create(
        version=version, library_entry=entry, project=project, category=PlanCategory.NEW,
        planned_investment=Decimal("12000"), progress_target="主体结构封顶",
        **split_values(dict.fromkeys(range(1, 13), Decimal("1000"))),
    )
    plan_lines_changed.send(sender=PlanEntry, entry_ids=[plan.pk])
    ProjectDocument.objects.create(project=project, kind="feasibility", title="可行性研究报告",
                                   file=ContentFile(b"%PDF-1.4 test", name="fs.pdf"))
    ProjectDocument.objects.create(project=project, kind="contract", title="施工合同（内部）",
                                   file=ContentFile(b"internal", name="contract.pdf"))
    _reports(project, cast)
    return project


def _reports(project, cast) -> None:
    """Two confirmed monthly reports and a draft (drafts are internal)."""
    from tuijin.reporting.models import MonthlyReport, ReportingPeriod

    for month, status, amount, progress in [
        (3, "confirmed", Decimal("800.5"), "完成桩基工程"),
        (4, "confirmed", Decimal("1200"), "主体结构施工至三层"),
        (5, "draft", Decimal("999"), f"草稿，联系人{SECRET_PHONE}"),
    ]:
        period, _created = ReportingPeriod.objects.get_or_create(
            year=2026, month=month, defaults={"opens_on": dt.date(2026, month + 1, 1), "closes_on": dt.date(2026, month + 1, 5)}
        )
        MonthlyReport.objects.create(period=period, project=project, year=2026, month=month, amount=amount,
                                     progress=progress, status=status)


# ---------------------------------------------------------------- OC4IDS validation


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def _is_datetime(value) -> bool:
    """RFC 3339 date-time, checked here rather than through an extra package."""
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


def _load(name: str) -> dict:
    return json.loads((STANDARD / name).read_text(encoding="utf-8"))


def codelist(name: str) -> set[str]:
    with open(STANDARD / "codelists" / name, encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


def oc4ids_errors(package: dict) -> list[str]:
    """Every schema error of the package, then every codelist value not in its CSV."""
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    project_schema = _load("project-schema.json")
    registry = Registry().with_resource(PROJECT_SCHEMA_URL, Resource.from_contents(project_schema, DRAFT4))
    validator = Draft4Validator(_load("project-package-schema.json"), registry=registry, format_checker=FORMATS)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)]
    for project in package.get("projects", []):
        errors += _codelist_errors(project, project_schema, project_schema, "project")
    return errors


def _codelist_errors(value, schema: dict, root: dict, path: str) -> list[str]:
    if "$ref" in schema:
        schema = root["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
    errors = []
    if "codelist" in schema and value is not None:
        allowed = codelist(schema["codelist"])
        for item in value if isinstance(value, list) else [value]:
            if item not in allowed:
                errors.append(f"{path}: {item!r} is not in {schema['codelist']}")
    if isinstance(value, dict):
        for key, sub in value.items():
            if key in schema.get("properties", {}):
                errors += _codelist_errors(sub, schema["properties"][key], root, f"{path}/{key}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            errors += _codelist_errors(item, schema["items"], root, f"{path}/{i}")
    return errors


def body(response) -> str:
    """The text of a page, streamed (the OC4IDS package) or not."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()
