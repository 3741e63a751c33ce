"""Demo units and one user per role, plus officers of several towns."""

from __future__ import annotations

from tuijin.core.demo import DemoContext, demo_password_hash

from .choices import Role, UnitKind
from .models import Unit, User
from .reference import load_units

ENTERPRISES = [
    "宁波卓越电器有限公司", "慈溪恒力轴承有限公司", "宁波杭湾汽车部件有限公司", "慈溪新材科技有限公司",
    "宁波慈星智能装备有限公司", "慈溪海创生物医药有限公司", "宁波众达新能源有限公司", "慈溪明辉家电有限公司",
    "宁波锦城精密轴承有限公司", "慈溪远航电子科技有限公司", "宁波德润厨电有限公司", "慈溪华越光电有限公司",
    "宁波前湾数智科技有限公司", "慈溪宏图机械有限公司", "宁波东钱新材料有限公司", "慈溪上林食品有限公司",
]

# username, full name, role, unit short name, title
USERS = [
    ("office", "王晓岚", Role.OFFICE, "发改局", "项目办主任"),
    ("office2", "陈立群", Role.OFFICE, "发改局", "项目办科员"),
    ("leader", "周建国", Role.LEADER, "慈溪", "副市长"),
    ("leader2", "李卫东", Role.LEADER, "慈溪", "常务副市长"),
    ("kuangyan", "孙海燕", Role.TOWN, "匡堰", "匡堰镇经发办"),
    ("longshan", "徐志刚", Role.TOWN, "龙山", "龙山镇经发办"),
    ("xinpu", "杨丽", Role.TOWN, "新浦", "新浦镇经发办"),
    ("binhai", "郑浩", Role.TOWN, "滨海开发区", "滨海开发区项目科"),
    ("zonghan", "沈佳", Role.TOWN, "宗汉", "宗汉街道经发办"),
    ("zrzy", "胡明", Role.DEPARTMENT, "自然资源和规划局", "用地科"),
    ("zhujian", "马骏", Role.DEPARTMENT, "住建局", "建管科"),
    ("sthj", "吴敏", Role.DEPARTMENT, "生态环境局", "环评科"),
    ("owner", "赵刚", Role.OWNER, "卓越电器", "项目经理"),
    ("owner2", "钱伟", Role.OWNER, "工贸集团", "工程部"),
    # The three administrators (三员分立): they keep the system and see no project data.
    ("sysadmin", "刘洋", Role.SYSADMIN, "发改局", "信息科系统管理员"),
    ("secadmin", "黄静", Role.SECADMIN, "发改局", "信息科安全管理员"),
    ("auditor", "林涛", Role.AUDITOR, "发改局", "审计管理员"),
]


def load(ctx: DemoContext) -> None:
    ctx.units.update(load_units())
    for name in ENTERPRISES:
        short = name.replace("宁波", "").replace("慈溪", "").replace("有限公司", "")[:4]
        unit, _ = Unit.objects.get_or_create(
            name=name, defaults={"short_name": short, "kind": UnitKind.ENTERPRISE, "is_demo": True}
        )
        ctx.units[unit.short_name] = unit
    ctx.data["enterprises"] = [ctx.units[u.short_name] for u in Unit.objects.filter(name__in=ENTERPRISES)]
    for username, full_name, role, unit_short, title in USERS:
        user = User.objects.create(
            username=username,
            password=demo_password_hash(),
            full_name=full_name,
            role=role,
            unit=ctx.units[unit_short],
            title=title,
            phone=f"1385742{ctx.rng.randint(1000, 9999)}",
            is_demo=True,
            is_staff=role == Role.OFFICE,
        )
        ctx.users[username] = user
    ctx.users["office"].is_superuser = True
    ctx.users["office"].save()
