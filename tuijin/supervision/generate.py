"""Lights for `tuijin generate`: the nightly scan itself, run over the synthetic province as of
its day — every rule on every project, in set-based SQL — so the lights are the ones the rules
would raise, with their reasons, rather than invented ones."""

from __future__ import annotations

from .models import Light
from .services.scan import scan_run


def generate(ctx) -> None:
    run = scan_run(today=ctx.today)
    ctx.counts["lights"] = Light.objects.filter(cleared_on__isnull=True).count()
    ctx.counts["scan_seconds"] = int(run.seconds)
