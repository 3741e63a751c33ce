"""Indexes for the county-wide counts of the cockpit: open nodes by type and time limit, done
nodes by type and date (covering what the approval figures read), the few deleted projects
(for anti-joins that leave them out), and plan lines by version and category (new starts)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0005_plan_entry_split"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="node",
            index=models.Index(
                condition=models.Q(("status__in", ["done", "skipped"]), _negated=True),
                fields=["node_type", "due_date", "project"],
                name="node_open_by_type_due",
            ),
        ),
        migrations.AddIndex(
            model_name="node",
            index=models.Index(
                condition=models.Q(("status", "done")),
                fields=["node_type", "actual_date", "due_date", "project", "id"],
                name="node_done_by_type_date",
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(condition=models.Q(("deleted_at__isnull", False)), fields=["id"], name="project_deleted"),
        ),
        migrations.AddIndex(
            model_name="planentry",
            index=models.Index(fields=["version", "category"], name="plan_entry_version_category"),
        ),
    ]
