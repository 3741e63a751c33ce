"""The Chinese catalogues, read as the site reads them.

Each app keeps its own catalogue, but Django merges them into one: a phrase that two catalogues
translate differently shows, on every page, the translation of the app listed first in
INSTALLED_APPS (and a catalogue of Django or a library listed before the apps wins over all of
them). So the same English phrase must read the same in every catalogue; where it means
something else in one app, that app gives it a context (``pgettext``, ``{% translate … context
… %}``). The compiled catalogues (.mo, committed) must match their sources.
"""

from __future__ import annotations

import gettext
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

import tuijin

ROOT = Path(tuijin.__file__).parent
#: The project's own catalogue (LOCALE_PATHS: base pages, shared helpers), which wins over all,
#: then one per app.
SOURCES = sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    app: str
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    @property
    def translations(self) -> list[str]:
        return [s for s in self.msgstr.values() if s]

    @property
    def used(self) -> bool:
        """Compiled into the .mo: not the header, not fuzzy, translated."""
        return bool(self.msgid) and not self.fuzzy and bool(self.translations)

    def describe(self) -> str:
        return f"{self.msgid!r}" + (f" (context {self.msgctxt!r})" if self.msgctxt else "")


def _unquote(text: str, where: str) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: ESCAPES[m[1]], text[1:-1])


def owner(path: Path) -> str:
    """The app a catalogue belongs to; "project" for the one in LOCALE_PATHS."""
    return "project" if path.parents[3] == ROOT else path.parents[3].name


def read_po(path: Path) -> list[Entry]:
    """The entries of a gettext catalogue (obsolete ``#~`` entries left out)."""
    app = owner(path)
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    seen_msgstr = False

    def finish():
        nonlocal current, target, seen_msgstr
        if current is not None and seen_msgstr:
            entries.append(current)
        current, target, seen_msgstr = None, None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.relative_to(ROOT)}:{number}"
        if not line or line.startswith("#~"):
            finish()
            continue
        if line.startswith("#"):
            if seen_msgstr:
                finish()
            if current is None:
                current = Entry(app=app, line=number)
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                current.fuzzy = True
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{where}: a continuation line outside an entry")
            value = _unquote(line, where)
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, getattr(current, name) + value)
            continue
        match = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")", line)
        if not match:
            raise ValueError(f"{where}: cannot read {raw!r}")
        name, index, value = match[1], match[2], _unquote(match[3], where)
        if name in ("msgctxt", "msgid") and seen_msgstr:
            finish()
        if current is None:
            current = Entry(app=app, line=number)
        if name == "msgstr":
            seen_msgstr = True
            slot = int(index) if index is not None else 0
            current.msgstr[slot] = value
            target = ("msgstr", slot)
        else:
            setattr(current, name, value)
            target = (name, None)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogues() -> dict[str, list[Entry]]:
    assert SOURCES, "no catalogue found"
    return {owner(path): read_po(path) for path in SOURCES}


def test_every_app_has_a_catalogue(catalogues):
    from django.apps import apps

    ours = {c.label for c in apps.get_app_configs() if c.name.startswith("tuijin.")}
    assert ours | {"project"} <= set(catalogues)


def test_a_phrase_reads_the_same_in_every_catalogue(catalogues):
    seen: dict[tuple[str | None, str], dict[str, tuple[str, ...]]] = defaultdict(dict)
    for app, entries in catalogues.items():
        for entry in entries:
            if entry.used:
                seen[entry.key][app] = tuple(entry.msgstr[i] for i in sorted(entry.msgstr))
    clashes = []
    for (context, msgid), by_app in sorted(seen.items(), key=lambda item: (item[0][1], item[0][0] or "")):
        if len(set(by_app.values())) > 1:
            where = "; ".join(f"{app} → {' / '.join(text)}" for app, text in by_app.items())
            clashes.append(f"{msgid!r}" + (f" (context {context!r})" if context else "") + f": {where}")
    assert not clashes, (
        f"{len(clashes)} phrases are translated differently by different apps, and the first app in "
        "INSTALLED_APPS wins on every page. Make the translations agree, or give the phrase a "
        "context (pgettext) in the app where it means something else:\n  " + "\n  ".join(clashes)
    )


def _repeats(text: str) -> str | None:
    """The piece a text is made of when it is that piece written twice or more, or a sentence
    (of ten characters or more) that occurs twice in it."""
    whole = re.fullmatch(r"(.{4,}?)(?:\s*\1)+", text.strip(), re.DOTALL)
    if whole:
        return whole[1]
    sentences = [s.strip() for s in re.findall(r"[^。！？!?]+[。！？!?]", text)]
    for sentence in sentences:
        if len(sentence) >= 10 and sentences.count(sentence) > 1:
            return sentence
    return None


def test_no_translation_says_the_same_thing_twice(catalogues):
    repeated = []
    for entries in catalogues.values():
        for entry in entries:
            if not entry.used or _repeats(entry.msgid):
                continue
            for text in entry.translations:
                piece = _repeats(text)
                if piece:
                    repeated.append(f"{entry.app}:{entry.line} {entry.describe()} repeats {piece!r}")
    assert not repeated, "translations written more than once:\n  " + "\n  ".join(repeated)


def test_the_reader_spots_a_repeated_translation():
    assert _repeats("内容包括：开工率。内容包括：开工率。") == "内容包括：开工率。"
    assert _repeats("新亮灯%(n)s盏新亮灯%(n)s盏") == "新亮灯%(n)s盏"
    assert _repeats("满一个月亮黄灯，满两个月亮红灯。") is None
    assert _repeats("已报送") is None


@pytest.mark.parametrize("source", SOURCES, ids=owner)
def test_the_compiled_catalogue_matches_its_source(source):
    compiled = gettext.GNUTranslations(source.with_suffix(".mo").open("rb"))._catalog
    compiled.pop("", None)
    expected = {}
    for entry in read_po(source):
        if not entry.used:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, i): text for i, text in entry.msgstr.items()})
    stale = sorted(str(k) for k in set(expected) | set(compiled) if expected.get(k) != compiled.get(k))
    assert not stale, f"{source.with_suffix('.mo')} is out of date (run compilemessages): {stale[:10]}"


def test_the_site_shows_what_each_catalogue_says(catalogues):
    """Merged as Django merges them, with the catalogues of Django and the libraries before ours:
    every phrase of every catalogue comes out as that catalogue translates it."""
    wrong = []
    with translation.override("zh-hans"):
        for entries in catalogues.values():
            for entry in entries:
                if not entry.used:
                    continue
                if entry.msgid_plural is not None:
                    if entry.msgctxt is not None:
                        shown = translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                    else:
                        shown = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                elif entry.msgctxt is not None:
                    shown = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    shown = translation.gettext(entry.msgid)
                if shown != entry.msgstr[0]:
                    wrong.append(f"{entry.app}: {entry.describe()} is shown as {shown!r}, not {entry.msgstr[0]!r}")
    assert not wrong, "phrases shown with another catalogue's translation:\n  " + "\n  ".join(wrong)


# The pages where the clashes showed, in the Chinese the users read.


@pytest.mark.django_db
def test_a_filed_monthly_report_is_reported_not_declared(cast, make_project):
    """A monthly report is 报送 (filed); 申报 is what a project does to enter a library."""
    from tests.reporting.factories import filed, in_plan
    from tuijin.reporting.models import ReportStatus

    project = make_project()
    in_plan(project, 2026, "1200")
    report = filed(project, 2026, 10, "100", status=ReportStatus.SUBMITTED)
    page = cast.client("office").get(f"/reporting/reports/{report.pk}/").content.decode()
    assert ">已报送</span>" in page
    assert "已申报" not in page
    inbox = cast.client("town").get("/reporting/").content.decode()
    assert ">已报送</span>" in inbox and "已申报" not in inbox


@pytest.mark.django_db
def test_a_meeting_is_held_at_a_place(cast):
    page = cast.client("office").get("/consultation/meetings/new/").content.decode()
    assert "地点" in page and "位置" not in page


@pytest.mark.django_db
def test_the_cockpit_counts_delays_in_days(cast, make_project):
    import datetime as dt

    import time_machine

    from tests.breakthroughs.helpers import plan_entry, set_node

    with time_machine.travel(dt.datetime(2026, 7, 15, 10, tzinfo=dt.UTC)):
        project = make_project(leader=cast.leader)
        plan_entry(project, year=2026, month=3)
        set_node(project, "start", planned=dt.date(2026, 3, 1), done=dt.date(2026, 3, 20))
        page = cast.client("leader").get("/cockpit/").content.decode()
    assert "19.0 天<" in page
    assert "天数" not in page
    assert "平均审批用时（天）" in page and "专项债使用率" in page
