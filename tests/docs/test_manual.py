"""The user manual and the administrator's guide point only at things that exist: images,
addresses, and the URL names the screenshot command drives."""

import importlib
import re
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve, reverse

REPO = Path(__file__).resolve().parents[2]
GUIDES = sorted((REPO / "docs" / "manual").glob("*.md")) + sorted((REPO / "docs" / "admin").glob("*.md"))
_screens = importlib.import_module("tuijin.core.management.commands.manual-screenshots")


def _images():
    for doc in GUIDES:
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", doc.read_text(encoding="utf-8")):
            yield doc, target


def test_every_role_has_a_chapter_with_screenshots():
    for chapter in ("owner", "town", "department", "office", "leader", "admins"):
        text = (REPO / "docs" / "manual" / f"{chapter}.md").read_text(encoding="utf-8")
        assert text.count("](img/") >= 2, chapter


@pytest.mark.parametrize(("doc", "target"), list(_images()), ids=lambda v: getattr(v, "name", v))
def test_every_image_the_guides_show_exists(doc, target):
    assert (doc.parent / target).is_file(), f"{doc.name} shows {target}: run `tuijin manual-screenshots`"


def test_every_image_the_guides_show_is_one_the_screenshot_command_takes():
    taken = {f"docs/{w.folder}/img/{w.chapter}-{s.slug}.png" for w in _screens.WALKS for s in w.steps}
    taken |= {f"docs/{w.folder}/img/{w.chapter}-login.png" for w in _screens.WALKS if w.login_shot}
    shown = {str((doc.parent / target).resolve().relative_to(REPO)) for doc, target in _images()}
    assert shown - taken == set(), "images no script regenerates would go stale"


def test_every_address_the_guides_name_resolves():
    addresses = set()
    for doc in GUIDES:
        addresses |= set(re.findall(r"`(/[a-z0-9_\-/]*)`", doc.read_text(encoding="utf-8")))
    # /static/ and /media/ are served by nginx; /var/…, /etc/… are paths on the server.
    pages = {a for a in addresses if a not in {"/static/", "/media/"} and a.split("/")[1] not in {"var", "etc", "opt", "usr", "tmp"}}
    assert "/reporting/" in pages
    for address in sorted(pages):
        try:
            resolve(address)
        except Resolver404:
            pytest.fail(f"{address} is named in the guides but no page answers there")


@pytest.mark.parametrize(("name", "args"), _screens.url_names())
def test_every_page_the_screenshot_command_opens_exists(name, args):
    assert reverse(name, args=args)


def test_the_screenshot_steps_have_unique_images():
    paths = [_screens.image_path(w, s, 0) for w in _screens.WALKS for s in w.steps]
    assert len(paths) == len(set(paths))
