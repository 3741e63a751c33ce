"""Security headers and a content security policy with no inline script.

Here every template of every app (fast, complete); the pages of the demo as the project office
sees them, crawled from the overview (slower, catches what views add), are checked with the
demo's other checks in tests/core/test_demo.py, which loads it once.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.test import Client
from django.urls import reverse

import tuijin

#: Templates whose inline scripts are still to move to static files, each named here so the
#: list can only shrink: the test fails if one of them is clean (remove it) or a new one appears.
NOT_YET_MOVED: set[str] = set()

INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def inline_script_problems(html: str) -> list[str]:
    problems = []
    for match in SCRIPT_TAG.finditer(html):
        attrs = match.group(1)
        if "src=" in attrs or re.search(r'type\s*=\s*["\']application/(ld\+)?json', attrs):
            continue
        problems.append(match.group(0))
    problems += [m.group(0)[:80] for m in INLINE_HANDLER.finditer(html)]
    return problems


def template_files():
    root = Path(tuijin.__file__).parent
    return sorted(p for p in root.rglob("templates/**/*.html"))


def test_no_template_has_an_inline_script_or_event_handler():
    root = Path(tuijin.__file__).parent
    offenders = {}
    for path in template_files():
        problems = inline_script_problems(path.read_text(encoding="utf-8"))
        # A script that only includes a json_script / data block is written by Django itself.
        if problems:
            offenders[str(path.relative_to(root))] = problems
    assert set(offenders) <= NOT_YET_MOVED, {k: v for k, v in offenders.items() if k not in NOT_YET_MOVED}
    assert set(offenders) >= NOT_YET_MOVED, f"clean now, remove from NOT_YET_MOVED: {NOT_YET_MOVED - set(offenders)}"


def test_no_template_passes_unescaped_data_into_a_script():
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S):
            assert "|safe" not in block, path


def test_pages_carry_the_policy_and_the_security_headers(cast):
    response = cast.client("office").get(reverse("home"))
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "img-src 'self' data: blob:"):
        assert directive in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in Client().get(reverse("login"))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


SKIP = ("/logout", "/static/", "/media/", "/i18n/", "/admin/", "/api/", "export", ".xlsx", ".docx", ".pdf", "download")
