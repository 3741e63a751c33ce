"""Errors raised by services, carrying a message a user can act on."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A business rule refused the action; the message says exactly why."""


class PermissionDenied(ServiceError):
    """The user's role does not allow the action on this object."""
