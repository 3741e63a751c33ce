"""The real units of Cixi (慈溪市, 330282): NBS 2023 codes of its streets, towns and
functional areas, and the departments that handle approvals and element guarantees."""

from __future__ import annotations

from django.db import transaction

from .choices import UnitKind
from .models import Unit

COUNTY = ("慈溪市", "慈溪", "330282")

TERRITORIES = [
    ("宗汉街道", "宗汉", "330282002", UnitKind.STREET),
    ("坎墩街道", "坎墩", "330282003", UnitKind.STREET),
    ("浒山街道", "浒山", "330282004", UnitKind.STREET),
    ("白沙路街道", "白沙路", "330282005", UnitKind.STREET),
    ("古塘街道", "古塘", "330282006", UnitKind.STREET),
    ("掌起镇", "掌起", "330282104", UnitKind.TOWN),
    ("观海卫镇", "观海卫", "330282107", UnitKind.TOWN),
    ("附海镇", "附海", "330282108", UnitKind.TOWN),
    ("桥头镇", "桥头", "330282109", UnitKind.TOWN),
    ("匡堰镇", "匡堰", "330282110", UnitKind.TOWN),
    ("逍林镇", "逍林", "330282111", UnitKind.TOWN),
    ("新浦镇", "新浦", "330282112", UnitKind.TOWN),
    ("胜山镇", "胜山", "330282113", UnitKind.TOWN),
    ("横河镇", "横河", "330282114", UnitKind.TOWN),
    ("崇寿镇", "崇寿", "330282116", UnitKind.TOWN),
    ("庵东镇", "庵东", "330282118", UnitKind.TOWN),
    ("长河镇", "长河", "330282120", UnitKind.TOWN),
    ("周巷镇", "周巷", "330282121", UnitKind.TOWN),
    ("龙山镇", "龙山", "330282123", UnitKind.TOWN),
    ("滨海经济开发区", "滨海开发区", "330282402", UnitKind.AREA),
    ("高新技术产业园区", "高新区", "330282403", UnitKind.AREA),
    ("环杭州湾创新中心", "环创中心", "330282404", UnitKind.AREA),
    ("现代农业开发区", "农业开发区", "330282405", UnitKind.AREA),
    ("长三角商贸园区", "商贸园区", "330282406", UnitKind.AREA),
]

DEPARTMENTS = [
    ("慈溪市发展和改革局", "发改局"),
    ("慈溪市自然资源和规划局", "自然资源和规划局"),
    ("宁波市生态环境局慈溪分局", "生态环境局"),
    ("慈溪市住房和城乡建设局", "住建局"),
    ("慈溪市财政局", "财政局"),
    ("慈溪市经济和信息化局", "经信局"),
    ("慈溪市商务局", "商务局"),
    ("慈溪市农业农村局", "农业农村局"),
    ("慈溪市交通运输局", "交通运输局"),
    ("慈溪市水利局", "水利局"),
    ("慈溪市教育局", "教育局"),
    ("慈溪市卫生健康局", "卫健局"),
    ("慈溪市统计局", "统计局"),
]

SOES = [
    ("慈溪工贸集团有限公司", "工贸集团"),
    ("慈溪市城市发展集团有限公司", "城发集团"),
    ("慈溪市交通集团有限公司", "交通集团"),
    ("慈溪市水务集团有限公司", "水务集团"),
    ("慈溪市文旅集团有限公司", "文旅集团"),
]


@transaction.atomic
def load_units(*, demo: bool = False) -> dict[str, Unit]:
    """Create or update Cixi's units; returns them by short name. Safe to run again."""
    units: dict[str, Unit] = {}

    def put(name, short, code, kind, order):
        unit, _ = Unit.objects.update_or_create(
            name=name, defaults={"short_name": short, "code": code, "kind": kind, "order": order}
        )
        units[short] = unit

    put(COUNTY[0], COUNTY[1], COUNTY[2], UnitKind.COUNTY, 0)
    for i, (name, short, code, kind) in enumerate(TERRITORIES):
        put(name, short, code, kind, i)
    for i, (name, short) in enumerate(DEPARTMENTS):
        put(name, short, "", UnitKind.DEPARTMENT, i)
    for i, (name, short) in enumerate(SOES):
        put(name, short, "", UnitKind.SOE, i)
    return units
