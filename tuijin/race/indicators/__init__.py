"""The indicator catalogue of the horse race: pluggable classes computing raw values per
unit in SQL. See docs/development/race.md, "Add an indicator"."""

from .base import REGISTRY, Indicator, RaceContext, register

__all__ = ["REGISTRY", "Indicator", "RaceContext", "register"]


def load_catalogue() -> None:
    from . import catalogue  # noqa: F401  (registers the built-in indicators)
