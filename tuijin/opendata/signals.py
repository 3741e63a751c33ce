"""Events taken from other apps' saves, without touching their code: a pre_save receiver
remembers the stored status, a post_save receiver publishes when it changes to the state
the event stands for. Models of apps that have not landed yet are skipped.

Saves through ``QuerySet.update()`` or ``bulk_create`` send no signals; apps doing those
call :func:`tuijin.opendata.events.publish` themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models.signals import post_save, pre_save


@dataclass(frozen=True)
class Transition:
    model: str  # "app_label.ModelName"
    field: str
    value: str
    event: str
    payload: Callable


def _project(project) -> dict:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "town": project.town.name if project.town_id else None,
        "stage": project.stage,
    }


def _entry_payload(entry) -> dict:
    return {
        "project": _project(entry.project),
        "library": {"kind": entry.library.kind, "name": entry.library.name},
        "entry_id": entry.pk,
        "admitted_at": entry.admitted_at,
    }


def _node_payload(node) -> dict:
    return {
        "project": _project(node.project),
        "node": {"id": node.pk, "code": node.node_type.code, "name": node.node_type.name},
        "actual_date": node.actual_date,
        "document_number": node.document_number,
    }


def _report_payload(report) -> dict:
    return {"project": _project(report.project), "report_id": report.pk, "year": report.year, "month": report.month,
            "amount": report.amount}


def _generic_payload(obj) -> dict:
    data = {"id": obj.pk, "model": obj._meta.label_lower, "text": str(obj)}
    project = getattr(obj, "project", None)
    if project is not None:
        data["project"] = _project(project)
    for name in ("color", "colour", "level", "reason", "deadline", "due_date", "status", "kind", "title", "number"):
        if hasattr(obj, name):
            value = getattr(obj, name)
            data[name] = value if isinstance(value, str | int | float | type(None)) else str(value)
    return data


TRANSITIONS = [
    Transition("projects.LibraryEntry", "status", "admitted", "project.admitted", _entry_payload),
    Transition("projects.Node", "status", "done", "node.done", _node_payload),
    Transition("reporting.MonthlyReport", "status", "confirmed", "report.confirmed", _report_payload),
]


def _on_created(model: str, event: str, payload: Callable) -> Callable:
    def receiver(sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            from .events import publish

            publish(event, payload(instance))

    receiver.__name__ = f"opendata_{event.replace('.', '_')}"
    return receiver


def _transition_receivers(t: Transition) -> tuple[Callable, Callable]:
    attr = f"_opendata_previous_{t.field}"

    def before(sender, instance, raw=False, **kwargs):
        if raw:
            return
        previous = None
        if instance.pk is not None:
            previous = sender._default_manager.filter(pk=instance.pk).values_list(t.field, flat=True).first()
        setattr(instance, attr, previous)

    def after(sender, instance, created, raw=False, **kwargs):
        if raw:
            return
        now = getattr(instance, t.field, None)
        if now == t.value and getattr(instance, attr, None) != t.value:
            from .events import publish

            publish(t.event, t.payload(instance))

    return before, after


_receivers: list[Callable] = []  # kept alive: signals hold weak references by default


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _project_payload(project) -> dict:
    return {"project": _project(project)}


def _stage_payload(change) -> dict:
    return {"project": _project(change.project), "from": change.from_stage, "to": change.to_stage,
            "override": change.is_override}


#: Events sent when a row is created: (model label, event, payload).
CREATED = [
    ("projects.Project", "project.created", _project_payload),
    ("projects.StageChange", "project.stage_changed", _stage_payload),
    ("consultation.Problem", "problem.raised", _generic_payload),
]


def _light_payload(light) -> dict:
    return {"light": {"id": light.pk, "rule": light.rule, "colour": light.colour, "reason": light.reason,
                      "first_seen": light.first_seen}, "project": _project(light.project)}


def _scan_finished(sender, instance, created, raw=False, **kwargs):
    """A supervision scan writes its lights in bulk (no signals): after each scan, announce
    every red light it switched on — a new red light, or one that turned red — once."""
    if raw:
        return
    from .events import publish
    from .models import EventCursor

    light_model = _model("supervision.Light")
    cursor, _created = EventCursor.objects.select_for_update().get_or_create(key="supervision.Light.red")
    lights = list(
        light_model.objects.filter(pk__gt=cursor.last_id, colour="red", first_seen=instance.day, cleared_on__isnull=True)
        .select_related("project", "project__town")
        .order_by("pk")
    )
    for light in lights:
        publish("light.red", _light_payload(light))
    last = light_model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if last != cursor.last_id:
        cursor.last_id = last
        cursor.save(update_fields=["last_id"])


def connect() -> None:
    scan = _model("supervision.ScanRun")
    if scan is not None and _model("supervision.Light") is not None:
        _receivers.append(_scan_finished)
        post_save.connect(_scan_finished, sender=scan, dispatch_uid="opendata-scan-lights")
    for label, event, payload in CREATED:
        model = _model(label)
        if model is None:
            continue
        receiver = _on_created(label, event, payload)
        _receivers.append(receiver)
        post_save.connect(receiver, sender=model, dispatch_uid=f"opendata-{event}")
    for transition in TRANSITIONS + landed_transitions():
        model = _model(transition.model)
        if model is None or transition.field not in {f.name for f in model._meta.get_fields()}:
            continue
        before, after = _transition_receivers(transition)
        _receivers.extend([before, after])
        pre_save.connect(before, sender=model, dispatch_uid=f"opendata-pre-{transition.event}-{transition.model}")
        post_save.connect(after, sender=model, dispatch_uid=f"opendata-post-{transition.event}-{transition.model}")


def landed_transitions() -> list[Transition]:
    """Events of apps built alongside this one, connected only when their models exist.
    A row created in the state counts as a change into it (a new red light, a new order)."""
    return [
        Transition("supervision.Light", "colour", "red", "light.red", _light_payload),
        Transition("supervision.Order", "status", "issued", "order.issued", _generic_payload),
        Transition("race.Snapshot", "status", "published", "ranking.published", _generic_payload),
    ]
