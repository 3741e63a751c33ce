"""Security headers and a content security policy with no inline script.

Two checks: every template of every app (fast, complete), and the pages of the demo as the
project office sees them, crawled from the overview (slower, catches what views add).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
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


@pytest.mark.django_db
def test_the_demo_pages_of_the_project_office_have_no_inline_script(settings):
    """Crawl the demo from the overview as the project office (up to 400 pages)."""
    call_command("demo", "--no-serve", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from tuijin.orgs.models import User

    client = Client()
    client.force_login(User.objects.get(username="office"))
    seen, queue, offenders, pages = set(), [reverse("home")], {}, 0
    per_pattern: dict[str, int] = {}
    while queue and pages < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        # a few pages of each shape are enough (/projects/12/ and /projects/13/ are one template)
        shape = re.sub(r"\d+", "N", urlparse(url).path)
        if per_pattern.get(shape, 0) >= 2:
            continue
        per_pattern[shape] = per_pattern.get(shape, 0) + 1
        response = client.get(url)
        pages += 1
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        assert "Content-Security-Policy" in response, url
        html = response.content.decode()
        problems = inline_script_problems(html)
        if problems:
            offenders[url] = problems[:3]
        parser = Links()
        parser.feed(html)
        for href in parser.links:
            href = urldefrag(href)[0]
            if href.startswith("/") and not href.startswith(SKIP) and not any(s in href for s in SKIP) and href not in seen:
                queue.append(href)
    assert pages > 50
    assert not offenders, offenders

