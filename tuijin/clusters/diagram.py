"""The cluster diagram: the joint Party committee in the centre, member villages around it and
each project beside its host village. Drawn as inline SVG on the server (no map tiles, no
script), so it prints and works offline."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 1000, 680
CX, CY = WIDTH / 2, HEIGHT / 2
VILLAGE_R, PROJECT_R = 130, 200
STAGE_COLOURS = {
    "idea": "#94a3b8", "preparation": "#e0a800", "started": "#1565c0", "construction": "#1565c0",
    "completed": "#1a7f37", "operating": "#1a7f37", "review": "#1a7f37",
}


def _short(text: str, n: int = 9) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def cluster_svg(cluster, villages: list, links: list) -> str:
    villages = list(villages)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="cluster-diagram" '
        f'aria-label="{escape(str(cluster))}" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif">'
    ]
    angle_of = {}
    count = max(1, len(villages))
    for n, village in enumerate(villages):
        angle_of[village.pk] = -math.pi / 2 + 2 * math.pi * n / count
    # Projects: grouped by host village, fanned out around the village's angle.
    groups: dict = {}
    for link in links:
        groups.setdefault(link.village_id, []).append(link)
    project_nodes = []
    sector = 2 * math.pi / count
    for village_id, items in groups.items():
        base = angle_of.get(village_id)
        if base is None:  # no host village: along the bottom
            base = math.pi / 2 + (sector / 2 if count % 2 == 0 else 0)
        spread = min(sector * 0.85, 0.3 * len(items))
        for i, link in enumerate(items):
            a = base + (spread * (i / (len(items) - 1) - 0.5) if len(items) > 1 else 0)
            ring = PROJECT_R + 45 * (i % 3)
            project_nodes.append((link, a, CX + ring * math.cos(a), CY + ring * math.sin(a)))
    for link, _a, x, y in project_nodes:
        if link.village_id in angle_of:
            va = angle_of[link.village_id]
            vx, vy = CX + VILLAGE_R * math.cos(va), CY + VILLAGE_R * math.sin(va)
        else:
            vx, vy = CX, CY
        parts.append(f'<line x1="{vx:.1f}" y1="{vy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#cbd5e1" stroke-width="1"/>')
    for village in villages:
        a = angle_of[village.pk]
        vx, vy = CX + VILLAGE_R * math.cos(a), CY + VILLAGE_R * math.sin(a)
        parts.append(f'<line x1="{CX}" y1="{CY}" x2="{vx:.1f}" y2="{vy:.1f}" stroke="#1d4e89" stroke-width="2"/>')
    # Boxes (left, right, baseline) a label must not cover: every dot, then each label drawn.
    dots = [(x - 7, x + 7, y + 4) for _link, _a, x, y in project_nodes]
    placed: list[tuple[float, float, float]] = []
    for n, (link, a, x, y) in enumerate(project_nodes):
        colour = STAGE_COLOURS.get(link.project.stage, "#94a3b8")
        anchor = "start" if math.cos(a) >= -0.01 else "end"
        dx, dy = (10 if anchor == "start" else -10), 4
        label = _short(link.project.name)
        width = 11 * len(label)
        left = x + dx if anchor == "start" else x + dx - width
        # Nudge a label down while it would overlap one already drawn.
        for _attempt in range(4):
            obstacles = placed + dots[:n] + dots[n + 1:]
            if not any(left < right and other < left + width and abs(y + dy - base) < 13
                       for other, right, base in obstacles):
                break
            dy += 13
        placed.append((left, left + width, y + dy))
        parts.append(
            f'<g class="project-node"><title>{escape(link.project.code)} {escape(link.project.name)}</title>'
            f'<a href="/projects/{link.project_id}/"><circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>'
            f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" font-size="11" fill="#334155" text-anchor="{anchor}">'
            f'{escape(label)}</text></a></g>'
        )
    for village in villages:
        a = angle_of[village.pk]
        vx, vy = CX + VILLAGE_R * math.cos(a), CY + VILLAGE_R * math.sin(a)
        lead = village.pk == cluster.lead_village_id
        fill = "#c8102e" if lead else "#1d4e89"
        parts.append(
            f'<g class="village-node"><circle cx="{vx:.1f}" cy="{vy:.1f}" r="26" fill="{fill}"/>'
            f'<text x="{vx:.1f}" y="{vy + 4:.1f}" font-size="13" fill="#fff" text-anchor="middle" font-weight="600">'
            f'{escape(_short(village.name, 4))}</text></g>'
        )
    parts.append(
        f'<g class="committee-node"><rect x="{CX - 70}" y="{CY - 24}" width="140" height="48" rx="8" fill="#143a68"/>'
        f'<text x="{CX}" y="{CY - 4}" font-size="13" fill="#fff" text-anchor="middle" font-weight="600">'
        f'{escape(_short(cluster.name, 10))}</text>'
        f'<text x="{CX}" y="{CY + 14}" font-size="11" fill="#cfe0f5" text-anchor="middle">{escape(_("joint Party committee"))}</text></g>'
    )
    parts.append("</svg>")
    return "".join(parts)
