"""Environment-driven configuration with a registry of every variable read.

Settings read the environment only through :func:`env`, so the administrator's
configuration reference can be generated from :data:`REGISTRY` and can never miss
a variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None
    help: str
    kind: str


REGISTRY: dict[str, Variable] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str | None = None, *, help: str, kind: str = "str", shown_default: str | None = None):  # noqa: A002
    """Read one environment variable, register it, and convert it to ``kind``.

    Wrong values stop start-up with a message naming the variable and the expected form.
    ``shown_default`` is what the reference prints when the default depends on the machine.
    """
    REGISTRY[name] = Variable(name, default if shown_default is None else shown_default, help, kind)
    raw = os.environ.get(name)
    value = default if raw is None else raw
    if kind == "bool":
        text = (value or "").strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name}={raw!r}: expected one of true/false/1/0/yes/no.")
    if kind == "int":
        try:
            return int(value) if value not in (None, "") else None
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number.") from None
    if kind == "list":
        return [part.strip() for part in (value or "").split(",") if part.strip()]
    return value
