"""What the projects app tells the apps that keep figures derived from projects and plan lines
(``tuijin.reporting.towns`` keeps the towns' totals). Sent after the rows are written, inside
the writer's transaction, by every writer — the services, the ledger import, bulk loads."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

#: Plan lines were written (created, adjusted, re-split or copied). ``entry_ids``: their ids,
#: or None for "any line" (after a bulk load). ``pairs`` (optional): the (plan version id, town
#: id) of every line written, when the sender knows them — the receivers then need not look the
#: lines up again.
plan_lines_changed = Signal()

#: Projects changed town. ``project_ids``: the projects; ``town_ids``: the towns they left
#: and the towns they joined (None for "no town").
projects_moved = Signal()


def town_moves(before: dict[int, int | None], after: dict[int, int | None]) -> None:
    """Send :data:`projects_moved` for the projects whose town differs between ``before``
    and ``after`` ({project id: town id}); nothing when none moved."""
    moved = [pk for pk, town in after.items() if pk in before and before[pk] != town]
    if moved:
        towns = {before[pk] for pk in moved} | {after[pk] for pk in moved}
        projects_moved.send(sender=None, project_ids=moved, town_ids=towns)


@receiver(post_save, sender="projects.Project", dispatch_uid="projects_town_moves_on_save")
def _moved_on_save(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    loaded = instance.__dict__.get("_loaded_town_id", instance.town_id)
    if not created and not raw and loaded != instance.town_id:
        town_moves({instance.pk: loaded}, {instance.pk: instance.town_id})
    instance._loaded_town_id = instance.town_id
