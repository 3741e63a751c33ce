"""Finding the county's units by the names ledgers use for them."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import TextField
from django.db.models.functions import Cast

from tuijin.lib.money import normalise_text
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit

#: A cell naming the county itself: a county-level project with no single town.
COUNTY = object()
COUNTY_WORDS = {"全市", "市本级", "市级", "全县", "县本级", "跨镇街", "多镇街", "各镇街道"}
_SPLIT = re.compile(r"[、,，;；/]|\s{1,}")
_SUFFIXES = ("街道办事处", "街道", "镇人民政府", "镇政府", "镇", "开发区")


def _key(text: str) -> str:
    # normalise_text(text) without the call, then without line breaks (run for every name of
    # every unit of the county when an import starts)
    return (
        unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "").replace("，", "").replace("\n", "")
    )


@dataclass
class UnitRef:
    pk: int
    name: str
    kind: str


class UnitIndex:
    """Every unit by full name, short name, aliases and (for towns) the name without 镇/街道."""

    def __init__(self) -> None:
        self.by_name: dict[str, UnitRef] = {}
        self.county_names = set(COUNTY_WORDS)
        self._found: dict[str, object] = {}  # text → what find() answered (a file repeats its units)
        # Aliases as stored text, decoded only where there are some: most of a county's
        # thousands of units (its enterprises) have none.
        rows = Unit.objects.annotate(alias_text=Cast("aliases", TextField())).values_list(
            "pk", "name", "short_name", "kind", "alias_text"
        )
        for pk, name, short, kind, alias_text in rows:
            ref = UnitRef(pk, name, kind)
            aliases = json.loads(alias_text) if alias_text and alias_text not in ("[]", "null") else None
            names = [name, short, *(aliases or [])]
            if kind == UnitKind.COUNTY:
                self.county_names.update(_key(n) for n in names if n)
                continue
            for text in names:
                if text:
                    self.by_name.setdefault(_key(text), ref)
            if kind in (UnitKind.TOWN, UnitKind.STREET, UnitKind.AREA):
                for suffix in _SUFFIXES:
                    if name.endswith(suffix) and len(name) > len(suffix) + 1:
                        self.by_name.setdefault(_key(name[: -len(suffix)]), ref)
        for name in list(self.county_names):
            if name.endswith("市") or name.endswith("县"):
                self.county_names.add(name[:-1])

    def find(self, text: str):
        """A UnitRef, COUNTY, or None when the county has no such unit."""
        try:
            return self._found[text]
        except KeyError:
            found = self._found[text] = self._find(text)
            return found

    def _find(self, text: str):
        key = _key(text)
        if not key:
            return None
        if key in self.county_names:
            return COUNTY
        found = self.by_name.get(key)
        if found:
            return found
        for county in self.county_names:  # "慈溪市自然资源和规划局" written as "市自然资源和规划局"
            if len(county) > 1 and key.startswith(county) and key[len(county):] in self.by_name:
                return self.by_name[key[len(county):]]
        if key.startswith(("市", "县")) and key[1:] in self.by_name:  # "市经信局" for 经信局
            return self.by_name[key[1:]]
        return None

    def add(self, ref: UnitRef) -> None:
        self.by_name[_key(ref.name)] = ref
        self._found.clear()


@functools.lru_cache(maxsize=4096)
def _split_units(text: str) -> tuple[str, ...]:
    return tuple(part for part in (p.strip() for p in _SPLIT.split(normalise_text(text))) if part)


def split_units(text: str) -> list[str]:
    """"匡堰镇、市经信局" → ["匡堰镇", "市经信局"] (a file repeats the same few cells)."""
    return list(_split_units(text))
