"""The warning-rule catalogue: pluggable classes evaluating one rule over every project in
set-based SQL. See docs/development/supervision.md, "Add a warning rule"."""

from .base import REGISTRY, Finding, Rule, ScanContext, register

__all__ = ["REGISTRY", "Finding", "Rule", "ScanContext", "register"]


def load_catalogue() -> None:
    from . import catalogue  # noqa: F401  (registers the built-in rules)
