"""The projects under an open light of a colour, in project order (the cockpit's count of
projects under red light)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0002_light_open_latest"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="light",
            index=models.Index(
                condition=models.Q(("cleared_on__isnull", True)),
                fields=["colour", "project"],
                name="light_open_colour_project",
            ),
        ),
    ]
