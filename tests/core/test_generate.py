"""The synthetic province generator writes what it says, ."""

import io

import pytest
from django.core.management import call_command

from tuijin.projects.models import LibraryEntry, Node, PlanEntry, PlanMonth, Project


@pytest.mark.django_db
def test_generate_writes_projects_nodes_and_a_plan_whose_split_adds_up():
    out = io.StringIO()
    call_command("generate", "--projects", "300", "--years", "1", stdout=out)
    assert Project.objects.count() == 300
    assert Node.objects.count() == 300 * 12
    assert LibraryEntry.objects.count() == Project.objects.exclude(library="").count()
    for entry in PlanEntry.objects.all()[:20]:
        assert sum(PlanMonth.objects.filter(entry=entry).values_list("amount", flat=True)) == entry.planned_investment
    # rows added after a bulk write get fresh keys
    assert Project.objects.create(**{**Project.objects.values().first(), "id": None, "code": "X1"}).pk > 300
