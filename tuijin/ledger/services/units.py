"""Finding the county's units by the names ledgers use for them."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Func, Q, TextField
from django.db.models.functions import Cast

from tuijin.lib.bulk import filter_in
from tuijin.lib.money import normalise_text
from tuijin.orgs.choices import UnitKind
from tuijin.orgs.models import Unit

#: A cell naming the county itself: a county-level project with no single town.
COUNTY = object()
COUNTY_WORDS = {"全市", "市本级", "市级", "全县", "县本级", "跨镇街", "多镇街", "各镇街道"}
_SPLIT = re.compile(r"[、,，;；/]|\s{1,}")
_SUFFIXES = ("街道办事处", "街道", "镇人民政府", "镇政府", "镇", "开发区")


#: The characters ``str.strip`` removes (those ``str.isspace`` calls space), and the comma:
#: what :func:`_coarse` drops.
_STRIPPED = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000,"
_DROP = str.maketrans("", "", _STRIPPED)
#: :func:`_coarse` of a column in SQL, as the indexes of migration ``orgs 0004`` hold it.
_COARSE_SQL = "translate(normalize({column}, NFKC), E'%s', '')".replace(
    "%s", "".join(f"\\u{ord(c):04x}" for c in _STRIPPED)
)
#: Kinds read whole by an index made for a file's texts: the county's (or a province's) few
#: thousand places and departments. Enterprises and state-owned companies are read by name.
_READ_WHOLE = [UnitKind.STREET, UnitKind.TOWN, UnitKind.AREA, UnitKind.DEPARTMENT]


class _Coarse(Func):
    """:func:`_coarse` of a column, in SQL."""

    template = _COARSE_SQL.replace("{column}", "%(expressions)s")
    output_field = TextField()


def _coarse(key: str) -> str:
    """``key`` without any space or comma: two texts with the same :func:`_key` have the same
    coarse key, so a query on it finds every unit a key can name (and a few more)."""
    return key.translate(_DROP)


def _keys_in_sql() -> bool:
    """Whether the database reads a name as the import does: PostgreSQL normalises text only
    in a UTF-8 database (any other reads every unit)."""
    if connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    return connection.connection.info.parameter_status("server_encoding") == "UTF8"


def _values(units):
    """(pk, name, short name, kind, aliases as stored text, and the units' order) of ``units``."""
    return units.annotate(alias_text=Cast("aliases", TextField())).values_list(
        "pk", "name", "short_name", "kind", "alias_text", *Unit._meta.ordering
    )


def _rows(values):
    """(pk, name, short name, kind, aliases) of :func:`_values` rows. Aliases are read as stored
    text and decoded only where there are some: most of a county's thousands of units (its
    enterprises) have none."""
    for pk, name, short, kind, alias_text, *_order in values:
        aliases = json.loads(alias_text) if alias_text and alias_text not in ("[]", "null") else None
        yield pk, name, short, kind, aliases or ()


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
    """Every unit by full name, short name, aliases and (for towns) the name without 镇/街道.

    Given the texts a file names units by (``texts``), the index on PostgreSQL holds only the
    units those texts can name: every unit that is not an enterprise or a state-owned company
    (a county's or a province's few thousand towns, departments and areas), every unit with
    aliases, and the enterprises whose name or short name reads as one of the texts. A
    province's tens of thousands of owners are not read for every import. It answers as the
    whole index would; a text it was not given makes it read every unit.
    """

    def __init__(self, texts: Iterable[str] | None = None) -> None:
        self._found: dict[str, object] = {}  # text → what find() answered (a file repeats its units)
        self._texts: set[str] | None = None  # the texts a partial index was made for
        self._added: list[UnitRef] = []
        if texts is None or not _keys_in_sql():
            self._load_all()
            return
        self._texts = set(texts)
        self.by_name: dict[str, UnitRef] = {}
        self._load_counties(_values(Unit.objects.filter(kind=UnitKind.COUNTY)))
        # (an empty key names no unit, and would read every unit without a short name)
        keys = sorted({_coarse(k) for text in self._texts for k in self._keys(_key(text))} - {""})
        # One query per index (a single OR read the whole table, normalising every name), in
        # the units' order: where two units go by one name, the first one is found, as in the
        # whole index.
        units = Unit.objects.exclude(kind=UnitKind.COUNTY)
        parts = [
            units.filter(kind__in=_READ_WHOLE),
            units.filter(~Q(aliases=[])),  # the partial index orgs_unit_aliased
            filter_in(units.alias(key=_Coarse("name")), "key", keys),
            filter_in(units.alias(key=_Coarse("short_name")), "key", keys),
        ]
        self._load(_values(parts[0]).union(*map(_values, parts[1:])).order_by(*Unit._meta.ordering))

    def _load_all(self) -> None:
        self._texts = None
        self.by_name = {}
        self._load_counties(_values(Unit.objects.filter(kind=UnitKind.COUNTY)))
        self._load(_values(Unit.objects.exclude(kind=UnitKind.COUNTY)))
        for ref in self._added:
            self.by_name[_key(ref.name)] = ref

    def _load_counties(self, units) -> None:
        self.county_names = set(COUNTY_WORDS)
        for _pk, name, short, _kind, aliases in _rows(units):
            self.county_names.update(_key(n) for n in (name, short, *aliases) if n)
        for name in list(self.county_names):
            if name.endswith("市") or name.endswith("县"):
                self.county_names.add(name[:-1])

    def _load(self, units) -> None:
        for pk, name, short, kind, aliases in _rows(units):
            ref = UnitRef(pk, name, kind)
            for text in (name, short, *aliases):
                if text:
                    self.by_name.setdefault(_key(text), ref)
            if kind in (UnitKind.TOWN, UnitKind.STREET, UnitKind.AREA):
                for suffix in _SUFFIXES:
                    if name.endswith(suffix) and len(name) > len(suffix) + 1:
                        self.by_name.setdefault(_key(name[: -len(suffix)]), ref)

    def _keys(self, key: str) -> list[str]:
        """The names ``find`` looks ``key`` up by, in its order."""
        keys = [key]
        for county in self.county_names:  # "慈溪市自然资源和规划局" written as "市自然资源和规划局"
            if len(county) > 1 and key.startswith(county):
                keys.append(key[len(county):])
        if key.startswith(("市", "县")):  # "市经信局" for 经信局
            keys.append(key[1:])
        return keys

    def find(self, text: str):
        """A UnitRef, COUNTY, or None when the county has no such unit."""
        try:
            return self._found[text]
        except KeyError:
            if self._texts is not None and text not in self._texts:
                self._load_all()  # a text the index was not made for: every unit
            found = self._found[text] = self._find(text)
            return found

    def _find(self, text: str):
        key = _key(text)
        if not key:
            return None
        if key in self.county_names:
            return COUNTY
        for name in self._keys(key):
            found = self.by_name.get(name)
            if found:
                return found
        return None

    def add(self, ref: UnitRef) -> None:
        self._added.append(ref)
        self.by_name[_key(ref.name)] = ref
        self._found.clear()


@functools.lru_cache(maxsize=4096)
def _split_units(text: str) -> tuple[str, ...]:
    return tuple(part for part in (p.strip() for p in _SPLIT.split(normalise_text(text))) if part)


def split_units(text: str) -> list[str]:
    """"匡堰镇、市经信局" → ["匡堰镇", "市经信局"] (a file repeats the same few cells)."""
    return list(_split_units(text))
