"""Password rules of the protection scheme (等保2.0 level 3): complexity here; length, common
passwords and expiry in settings and middleware."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = [
    (re.compile(r"[a-z]"), "lower-case letters"),
    (re.compile(r"[A-Z]"), "capital letters"),
    (re.compile(r"\d"), "digits"),
    (re.compile(r"[^A-Za-z0-9]"), "symbols"),
]


class ComplexityValidator:
    """At least three of: lower-case letters, capital letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for pattern, _name in CLASSES if pattern.search(password or ""))
        if present < self.min_classes:
            raise ValidationError(
                _("The password must mix at least %(n)d of: lower-case letters, capital letters, digits, symbols.")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Mix at least %(n)d of: lower-case letters, capital letters, digits, symbols.") % {"n": self.min_classes}
