"""`tuijin manual-screenshots`: the user manual's screenshots, taken from the running demo.

Loads the demo data set into a data directory of its own, serves it on a free port, and drives
Debian's Chromium (Playwright) through each role's monthly work exactly as the manual
(docs/manual/) describes it: signing in as the demo user, clicking the real menus and buttons.
Each step saves one PNG into docs/manual/img/ (docs/admin/img/ for the settings pages), so the
manual is regenerated whenever pages change. A step that fails stops the run with its name.

    tuijin manual-screenshots                       # everything, in a fresh temporary data dir
    tuijin manual-screenshots --base-url http://127.0.0.1:8111   # against a demo already running
    tuijin manual-screenshots --only owner --only town

Walks run in order (owner → town → department → office → leader → admins → settings): each
continues the story of the one before (the owner's report is verified by the town, whose
problem the department answers), so run them together on fresh demo data.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

DEMO_PASSWORD = "tuijin-demo-2026"  # noqa: S105  (the demo's published password)
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}
#: The owner's report and the town's problem happen in this town: its officer (kuangyan) verifies.
STORY_TOWN = "匡堰"
STORY_OWNER = "owner2"


class StepFailed(Exception):
    pass


@dataclass
class Step:
    """One screenshot: open ``url`` (a URL name; None = stay on the page), do ``act``, wait, shoot."""

    slug: str
    title: str
    url: str | None = None
    args: Callable[[dict], tuple] = lambda ctx: ()
    query: Callable[[dict], str] = lambda ctx: ""
    act: Callable | None = None
    wait: str = "main"
    full_page: bool = False
    shoot: bool = True


@dataclass
class Walk:
    """A role's walkthrough: one demo login, one chapter of the manual, one image prefix."""

    chapter: str
    user: str
    steps: list[Step]
    phone: bool = False
    folder: str = "manual"
    login_shot: bool = False
    name: str = ""  # for --only, when a chapter has several walks


# ---------------------------------------------------------------- the actions of each step


def _card(page, heading: str):
    """The card whose heading starts with ``heading`` (cards are titled in Chinese)."""
    return page.locator(".card", has=page.locator("h2", has_text=heading)).first


def owner_pick_report(page, ctx):
    card = _card(page, "待填报")
    row = card.locator("tr", has=page.locator("td", has_text=STORY_TOWN)).first
    row.wait_for(timeout=10_000)
    ctx["project"] = row.locator("td a").first.inner_text().strip()
    row.locator("a.btn", has_text="填报").click()
    page.wait_for_selector("input[name=amount]")


def owner_fill(page, ctx):
    page.fill("input[name=amount]", "560")
    page.fill("textarea[name=progress]", "主体工程施工中：完成高标准农田灌排渠道 3.2 公里、机耕路 1.5 公里。")
    page.check("input[name=is_registered]")
    page.set_input_files("input[name=photos]", str(ctx["photo"]))


def owner_submit(page, ctx):
    page.click("button[name=action][value=submit]")
    page.wait_for_selector(".msg")
    ctx["report_url"] = page.url


def town_open_report(page, ctx):
    _card(page, "待审核").get_by_role("link", name=ctx["project"]).first.click()
    page.wait_for_selector("button[name=action][value=verify]")


def town_verify(page, ctx):
    page.click("button[name=action][value=verify]")
    page.wait_for_selector(".msg")


def town_search_project(page, ctx):
    page.fill("input[name=q]", ctx["project"])
    page.locator("form.filters button[type=submit]").first.click()
    page.wait_for_load_state()


def town_open_project(page, ctx):
    page.locator("main table").get_by_role("link", name=ctx["project"]).first.click()
    page.wait_for_selector(".tabs")


def town_raise(page, ctx):
    page.locator(".tabs a", has_text="问题").first.click()
    page.get_by_role("link", name="提出问题").first.click()
    page.wait_for_selector("input[name=title]")
    page.fill("input[name=title]", "北部片区 95 亩用地报批材料待补正，影响二期开工")
    page.select_option("select[name=category]", label="土地")
    page.select_option("select[name=urgency]", label="紧急")
    page.select_option("select[name=level]", label="职能部门")
    page.select_option("select[name=department]", label="慈溪市自然资源和规划局")
    page.fill(
        "textarea[name=description]",
        "项目北部片区 95 亩农用地转用报批材料被退回补正，镇里已两次对接，需自然资源和规划局明确补正要求并加快审查。",
    )


def town_submit_problem(page, ctx):
    page.get_by_role("button", name="提交问题").click()
    page.wait_for_selector(".stepper")
    ctx["problem_url"] = page.url


def department_open_problem(page, ctx):
    page.get_by_role("link", name="北部片区 95 亩用地报批材料待补正").first.click()
    page.wait_for_selector("#reply")


def department_fill_reply(page, ctx):
    page.locator("#reply textarea").first.fill(
        "已核对材料：请补充土地勘测定界报告和村民代表会议纪要；收到后 5 个工作日内完成审查并报批。"
    )


def department_send(page, ctx):
    page.locator("#reply button[type=submit]").click()
    page.wait_for_selector(".msg")


def town_close(page, ctx):
    if "problem_url" in ctx:
        page.goto(ctx["problem_url"])
    else:  # run on its own (--only town-close): find the problem by its title
        page.goto(ctx["base"] + reverse("consultation:problems"))
        page.get_by_role("link", name="北部片区 95 亩用地报批材料待补正").first.click()
    page.wait_for_selector("#confirm")
    area = page.locator("#confirm textarea").first
    if area.count():
        area.fill("已收到补正要求，材料已于当日补齐报送，问题解决。")
    page.locator("#confirm form").first.locator("button[type=submit]").click()
    page.wait_for_selector(".msg")


def office_admit(page, ctx):
    form = page.locator("form", has=page.get_by_role("button", name="终审通过，入库")).first
    form.wait_for(timeout=10_000)
    row = page.locator("tr", has=form).first
    ctx["admitted"] = row.locator("td").first.inner_text().split("\n")[0].strip()
    form.get_by_role("button", name="终审通过，入库").click()
    page.wait_for_selector(".msg")


def office_open_report(page, ctx):
    _card(page, "待确认").get_by_role("link", name=ctx["project"]).first.click()
    page.wait_for_selector("button[name=action][value=confirm]")


def office_confirm(page, ctx):
    page.click("button[name=action][value=confirm]")
    page.wait_for_selector(".msg")


def office_compute_race(page, ctx):
    page.fill("form[action$='/compute/'] input[name=period]", ctx["period"])
    page.get_by_role("button", name="计算").click()
    page.wait_for_selector(".msg")


def office_publish_race(page, ctx):
    page.locator("form[action*='/publish/'] button").first.click()
    page.wait_for_selector(".badge-green")


def office_make_bulletin(page, ctx):
    page.fill("input[name=period]", ctx["period"])
    page.get_by_role("button", name="生成通报").click()
    page.wait_for_selector(".msg")


def leader_open_town(page, ctx):
    box = page.locator("div", has=page.locator("h4", has_text="序时进度滞后镇街")).last
    link = box.locator("ol a").first
    ctx["town"] = link.inner_text().strip()
    link.click()
    page.wait_for_selector("main table")


def leader_open_reports(page, ctx):
    link = page.locator("main table tbody td a").first
    ctx["leader_project"] = link.inner_text().strip()
    link.click()
    page.wait_for_selector(".breadcrumbs a")


def leader_open_project(page, ctx):
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_selector(".tabs")


def admin_open_first(page, ctx):
    page.locator("#result_list tbody th a, #result_list tbody td a").first.click()
    page.wait_for_selector("#content-main form, main form")


def _story_period(ctx):
    return ctx["period"]


# ------------------------------------------------------------------------------ the walks

WALKS: list[Walk] = [
    Walk("owner", STORY_OWNER, phone=True, login_shot=True, steps=[
        Step("home", "总览（手机）", url="home"),
        Step("inbox", "月度填报 → 待填报", url="reporting:inbox", wait=".card"),
        Step("form", "填报本月：金额、形象进度、入统、现场照片", act=lambda p, c: (owner_pick_report(p, c), owner_fill(p, c)),
             full_page=True),
        Step("filed", "报送后：状态“已报送”，照片读取拍摄时间", act=owner_submit, full_page=True),
    ]),
    Walk("town", "kuangyan", steps=[
        Step("inbox", "月度填报 → 待审核", url="reporting:inbox", wait=".card", full_page=True),
        Step("report", "打开报表：核对金额、照片", act=town_open_report, full_page=True),
        Step("verified", "审核通过", act=town_verify),
        Step("search", "项目库：按名称查找项目", url="projects:list", act=town_search_project),
        Step("project", "项目页：四张清单", act=town_open_project),
        Step("raise", "问题 → 提出问题", act=town_raise, full_page=True),
        Step("problem", "问题已提交，进入职能部门层级", act=town_submit_problem, full_page=True),
    ]),
    Walk("department", "zrzy", steps=[
        Step("problems", "问题清单", url="consultation:problems", wait="main table"),
        Step("problem", "打开问题，填写答复", act=lambda p, c: (department_open_problem(p, c), department_fill_reply(p, c)),
             full_page=True),
        Step("replied", "答复提出单位后：待确认销号", act=department_send, full_page=True),
        Step("nodes", "开工与审批：本部门经办的审批节点", url="breakthroughs:approvals", wait="main"),
    ]),
    Walk("town", "kuangyan", name="town-close", steps=[
        Step("closed", "部门答复后：确认销号", act=town_close, full_page=True),
    ]),
    Walk("office", "office", steps=[
        Step("home", "总览", url="home", full_page=True),
        Step("review", "审核队列", url="projects:review_queue", wait="main table"),
        Step("admitted", "终审通过，入库", act=office_admit),
        Step("reporting", "月度填报：填报期与待确认", url="reporting:inbox", wait=".card", full_page=True),
        Step("confirm", "确认报表", act=lambda p, c: (office_open_report(p, c), office_confirm(p, c))),
        Step("overview", "投资总览", url="reporting:overview", wait="main table"),
        Step("race-draft", "赛马比拼 → 镇街道赛马 → 计算", url="race:scheme_board", args=lambda c: ("towns",),
             act=office_compute_race, full_page=True),
        Step("race-published", "发布", act=office_publish_race),
        Step("lights", "红黄灯预警", url="supervision:board", wait="main"),
        Step("bulletin", "督查通报 → 生成通报", url="supervision:bulletins", act=office_make_bulletin),
    ]),
    Walk("leader", "leader", steps=[
        Step("cockpit", "驾驶舱", url="cockpit:index", wait=".kpi", full_page=True),
        Step("town", "点击序时进度滞后的镇街", act=leader_open_town, full_page=True),
        Step("reports", "点击项目：逐月填报情况", act=leader_open_reports, full_page=True),
        Step("project", "点击项目名称：项目页与四张清单", act=leader_open_project),
    ]),
    Walk("admins", "sysadmin", login_shot=False, steps=[
        Step("users", "系统管理员：账号管理", url="orgs:users", wait="main"),
        Step("units", "系统管理员：单位管理", url="orgs:units", wait="main"),
    ]),
    Walk("admins", "auditor", steps=[
        Step("security-log", "审计管理员：安全日志", url="orgs:security_log", wait="main"),
        Step("history", "审计管理员：变更记录", url="orgs:history", wait="main"),
    ]),
    Walk("settings", "office", folder="admin", steps=[
        Step("admin", "系统设置首页", url="admin:index", wait="#content", full_page=True),
        Step("units", "单位", url="admin:orgs_unit_changelist", wait="#result_list"),
        Step("node-templates", "节点模板", url="admin:projects_nodetemplate_changelist", wait="#result_list"),
        Step("node-template", "节点模板：节点顺序与时限", act=admin_open_first, full_page=True),
        Step("gate-criteria", "准入条件", url="admin:projects_gatecriterion_changelist", wait="#result_list"),
        Step("race-versions", "赛马方案版本", url="admin:race_schemeversion_changelist", wait="#result_list"),
        Step("race-version", "方案版本：指标、权重与计分方法", act=admin_open_first, full_page=True),
        Step("light-rules", "预警规则", url="admin:supervision_lightrule_changelist", wait="#result_list"),
        Step("deadlines", "分级办理时限", url="consultation:deadlines", wait="main"),
    ]),
]


def image_path(walk: Walk, step: Step, index: int) -> str:
    """Relative path (from the repository) of the PNG a step saves."""
    return f"docs/{walk.folder}/img/{walk.chapter}-{step.slug}.png"


def url_names() -> list[tuple[str, tuple]]:
    """Every URL name the steps open, with sample arguments (checked by the test suite)."""
    sample = {"period": "2026-10", "project": "x"}
    return [(s.url, s.args(sample)) for w in WALKS for s in w.steps if s.url]


# ------------------------------------------------------------------------------ machinery


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: int, proc: subprocess.Popen | None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise CommandError(f"The demo server stopped (exit {proc.returncode}); see its output above.")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310  (our own local server)
                return
        except OSError:
            time.sleep(2)
    raise CommandError(f"The demo server did not answer at {url} within {seconds} s.")


def _make_photo(folder: Path) -> Path:
    """A site photo with capture time and GPS position in its EXIF, as a phone writes it."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1280, 960), (124, 160, 92))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 1280, 380), fill=(150, 190, 230))
    for i in range(9):
        draw.rectangle((60 + i * 135, 520 - (i % 3) * 40, 150 + i * 135, 960), fill=(170, 150, 120))
    draw.rectangle((0, 700, 1280, 760), fill=(90, 90, 90))
    exif = Image.Exif()
    exif[0x0132] = "2026:10:28 10:15:00"  # DateTime
    exif.get_ifd(0x8769)[0x9003] = "2026:10:28 10:15:00"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 10.0, 4.44)
    gps[3], gps[4] = "E", (121.0, 8.0, 55.32)
    path = folder / "site-photo.jpg"
    img.save(path, "JPEG", quality=80, exif=exif)
    return path


class Command(BaseCommand):
    help = "Take the user manual's screenshots from the demo (docs/manual/img/, docs/admin/img/)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="Use a demo already served there (fresh demo data!).")
        parser.add_argument("--data-dir", default="", help="Data directory for the demo; default: a temporary one.")
        parser.add_argument("--only", action="append", default=[], help="Only these chapters (repeatable).")
        parser.add_argument("--out", default=str(settings.REPO_DIR), help="Repository root to write the images under.")
        parser.add_argument("--text", default="", help="Also write each page's visible text to this directory.")
        parser.add_argument("--chromium", default="/usr/bin/chromium")

    def handle(self, *args, base_url, data_dir, only, out, text, chromium, **options):
        if not Path(chromium).exists():
            raise CommandError(f"{chromium} not found: install Debian's chromium and fonts-noto-cjk.")
        proc = None
        tmp = tempfile.TemporaryDirectory(prefix="tuijin-manual-")
        try:
            if not base_url:
                port = _free_port()
                env = os.environ | {"TUIJIN_DATA_DIR": data_dir or tmp.name}
                env.pop("DATABASE_URL", None)
                self.stdout.write(f"Loading the demo into {env['TUIJIN_DATA_DIR']} and serving it on port {port} …")
                proc = subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "tuijin", "demo", "--port", str(port)], env=env, stdout=sys.stdout,
                    stderr=sys.stderr,
                )
                base_url = f"http://127.0.0.1:{port}"
                _wait_for(base_url + reverse("login"), 1200, proc)
            self._run(base_url.rstrip("/"), Path(out), only, Path(text) if text else None, Path(tmp.name), chromium)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=30)
            tmp.cleanup()

    def _run(self, base, out: Path, only, text_dir, tmp: Path, chromium):
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        ctx: dict = {"photo": _make_photo(tmp), "base": base}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            try:
                for walk in WALKS:
                    if only and walk.chapter not in only and walk.name not in only:
                        continue
                    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2} if walk.phone \
                        else {"viewport": DESKTOP}
                    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
                    context.set_default_timeout(30_000)
                    page = context.new_page()
                    try:
                        self._login(page, base, walk, out)
                        ctx.setdefault("period", self._open_period(page, base))
                        for index, step in enumerate(walk.steps, 1):
                            self._step(page, base, walk, step, index, ctx, out, text_dir)
                    except (PlaywrightError, StepFailed) as exc:
                        raise CommandError(
                            f"Step failed — {walk.chapter}/{walk.user}: {getattr(exc, 'step', 'sign-in')}\n"
                            f"  page: {page.url}\n  {str(exc).splitlines()[0]}"
                        ) from None
                    finally:
                        context.close()
            finally:
                browser.close()
        self.stdout.write(self.style.SUCCESS("Screenshots written."))

    def _login(self, page, base, walk: Walk, out: Path):
        page.goto(base + reverse("login"))
        page.wait_for_selector("input[name=username]")
        page.fill("input[name=username]", walk.user)
        page.fill("input[name=password]", DEMO_PASSWORD)
        if walk.login_shot:
            self._save(page, out / f"docs/{walk.folder}/img/{walk.chapter}-login.png", False)
        page.locator("button[type=submit]").first.click()
        page.wait_for_load_state()
        if "/login/" in page.url:
            raise StepFailed(f"could not sign in as {walk.user}")

    def _open_period(self, page, base) -> str:
        """The month open for filing, as the reporting inbox states it (e.g. 2026-10)."""
        import re

        page.goto(base + reverse("reporting:inbox"))
        found = re.search(r"(\d{4}-\d{2}) 填报期已开启", page.locator("main").inner_text())
        return found.group(1) if found else ""

    def _step(self, page, base, walk: Walk, step: Step, index: int, ctx: dict, out: Path, text_dir):
        try:
            if step.url:
                url = base + reverse(step.url, args=step.args(ctx))
                query = step.query(ctx)
                page.goto(url + (f"?{query}" if query else ""))
                page.wait_for_load_state()
            if step.act:
                step.act(page, ctx)
                page.wait_for_load_state()
            page.wait_for_selector(step.wait)
            errors = page.locator(".errorlist, .msg-error").all_inner_texts()
            if errors:
                raise StepFailed("the page shows an error: " + " / ".join(e.strip() for e in errors))
        except Exception as exc:  # name the step, whatever went wrong
            exc.step = f"{index}. {step.slug} ({step.title})"
            raise
        path = out / image_path(walk, step, index)
        self._save(page, path, step.full_page)
        if text_dir:
            text_dir.mkdir(parents=True, exist_ok=True)
            (text_dir / f"{walk.chapter}-{step.slug}.txt").write_text(page.url + "\n" + page.locator("body").inner_text())
        self.stdout.write(f"  {walk.chapter}/{walk.user} {index}. {step.title} → {path.relative_to(out)}")

    def _save(self, page, path: Path, full_page: bool):
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=full_page)
