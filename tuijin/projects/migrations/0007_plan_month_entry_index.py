import django.db.models.deletion
from django.db import migrations, models

# The month rows' own index on entry_id duplicated the first column of the unique (entry,
# month) index. Dropped by name, so the foreign key itself is not dropped and re-checked
# over every month row (as the AlterField's own SQL would on PostgreSQL).
INDEX = "projects_planmonth_entry_id_045f34a3"


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0006_cockpit_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="planmonth",
                    name="entry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="months",
                        to="projects.planentry",
                        verbose_name="plan entry",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "projects_planmonth" ("entry_id")',
                ),
            ],
        ),
    ]
