"""Translation helpers."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext


def phrasebook() -> Callable[[str], str]:
    """``gettext`` for code that translates the same few messages thousands of times in one
    computation: each message is looked up once, in the language active when first asked.
    (A race over 2,000 towns asked Django's gettext 90,000 times, half a second of its time.)
    Bind it as ``_`` at the top of the function, so that makemessages still finds the calls."""
    said: dict[str, str] = {}

    def translate(message: str) -> str:
        try:
            return said[message]
        except KeyError:
            said[message] = text = gettext(message)
            return text

    return translate
