"""Tuijin (推进): a county's major investment projects from idea to operation."""

from .celery import app as celery_app

__all__ = ["celery_app"]
