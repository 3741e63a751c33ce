"""三员分立: the system, security and audit administrators — none can do another's work, and
none sees project data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tuijin.orgs import policy
from tuijin.orgs.choices import Role
from tuijin.orgs.models import Unit, User
from tuijin.orgs.security import SecurityEvent, SecurityEventKind

NEW_PASSWORD = "Xiangmu-2026-tuijin"


class Admins:
    def __init__(self, cast):
        unit = cast.units["发改局"]
        self.cast = cast
        self.sysadmin = User.objects.create_user(username="sysadmin", password=PASSWORD, role=Role.SYSADMIN, unit=unit)
        self.secadmin = User.objects.create_user(username="secadmin", password=PASSWORD, role=Role.SECADMIN, unit=unit)
        self.auditor = User.objects.create_user(username="auditor", password=PASSWORD, role=Role.AUDITOR, unit=unit)

    def client(self, who: str) -> Client:
        user = getattr(self, who, None) or self.cast.members[who]
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def admins(cast):
    return Admins(cast)


ALL = ["sysadmin", "secadmin", "auditor", "office", "town", "other_town", "department", "owner", "leader", "anonymous"]

# url name (with a placeholder pk) → who may open it with GET
PAGES = {
    "orgs:users": {"sysadmin", "secadmin"},
    "orgs:user_create": {"sysadmin"},
    "orgs:user_assign": {"secadmin"},
    "orgs:units": {"sysadmin"},
    "orgs:unit_create": {"sysadmin"},
    "orgs:unit_edit": {"sysadmin"},
    "orgs:security_log": {"auditor"},
    "orgs:security_log_export": {"auditor"},
    "orgs:history": {"auditor"},
    "orgs:history_export": {"auditor"},
}


def _url(name, cast):
    if name == "orgs:user_assign":
        return reverse(name, args=[cast.town_officer.pk])
    if name == "orgs:unit_edit":
        return reverse(name, args=[cast.town.pk])
    return reverse(name)


@pytest.mark.parametrize("who", ALL)
def test_each_administrator_page_opens_only_for_its_own_administrator(admins, who):
    client = admins.client(who)
    for name, allowed in PAGES.items():
        response = client.get(_url(name, admins.cast))
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], name
        elif who in allowed:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 403, (name, who)


@pytest.mark.parametrize("who", ["secadmin", "auditor", "office", "town"])
def test_only_the_system_administrator_creates_accounts_even_by_a_direct_post(admins, who):
    response = admins.client(who).post(
        reverse("orgs:user_create"), {"username": "newcomer", "full_name": "新人", "password": NEW_PASSWORD}
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="newcomer").exists()


def test_the_system_administrator_creates_an_account_without_role_which_must_change_its_password(admins, settings):
    response = admins.client("sysadmin").post(
        reverse("orgs:user_create"),
        {"username": "newcomer", "full_name": "新人", "phone": "13800001111", "password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    account = User.objects.get(username="newcomer")
    assert account.role == "" and account.unit is None
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.USER_CREATED, username="newcomer").exists()
    settings.TUIJIN_PASSWORD_MAX_AGE_DAYS = 90
    client = Client()
    client.post(reverse("login"), {"username": "newcomer", "password": NEW_PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_a_weak_or_duplicate_account_is_refused_with_field_errors(admins):
    response = admins.client("sysadmin").post(
        reverse("orgs:user_create"), {"username": "kuangyan", "full_name": "重复", "password": "12345678"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "username" in form.errors and "password" in form.errors


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "office"])
def test_only_the_security_administrator_assigns_roles_even_by_a_direct_post(admins, who):
    target = admins.cast.town_officer
    response = admins.client(who).post(reverse("orgs:user_assign", args=[target.pk]), {"role": Role.OFFICE, "unit": ""})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.TOWN


def test_the_security_administrator_assigns_a_role_and_the_change_is_logged(admins):
    target = admins.cast.town_officer
    response = admins.client("secadmin").post(
        reverse("orgs:user_assign", args=[target.pk]), {"role": Role.DEPARTMENT, "unit": admins.cast.department.pk}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.unit) == (Role.DEPARTMENT, admins.cast.department)
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_CHANGED, username="kuangyan").latest("pk")
    assert event.detail["changes"]["role"] == ["town", "department"]


def test_no_administrator_changes_their_own_role(admins):
    me = admins.secadmin
    response = admins.client("secadmin").post(reverse("orgs:user_assign", args=[me.pk]), {"role": Role.OFFICE, "unit": ""})
    assert response.status_code == 403
    me.refresh_from_db()
    assert me.role == Role.SECADMIN


def test_a_town_account_needs_its_unit(admins):
    response = admins.client("secadmin").post(
        reverse("orgs:user_assign", args=[admins.cast.owner.pk]), {"role": Role.TOWN, "unit": ""}
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


@pytest.mark.parametrize("who", ["secadmin", "auditor", "office"])
def test_only_the_system_administrator_deactivates_accounts(admins, who):
    target = admins.cast.owner
    response = admins.client(who).post(reverse("orgs:user_set_active", args=[target.pk]), {"active": "0"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_the_system_administrator_deactivates_an_account_and_its_holder_cannot_sign_in(admins):
    target = admins.cast.owner
    admins.client("sysadmin").post(reverse("orgs:user_set_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_CHANGED, username="owner").exists()
    client = Client()
    client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_system_administrator_cannot_deactivate_themselves(admins):
    admins.client("sysadmin").post(reverse("orgs:user_set_active", args=[admins.sysadmin.pk]), {"active": "0"})
    admins.sysadmin.refresh_from_db()
    assert admins.sysadmin.is_active


@pytest.mark.parametrize("who", ["secadmin", "auditor", "office"])
def test_only_the_system_administrator_creates_and_deactivates_units(admins, who):
    client = admins.client(who)
    assert client.post(reverse("orgs:unit_create"), {"name": "新设街道", "kind": "street", "order": 1}).status_code == 403
    assert not Unit.objects.filter(name="新设街道").exists()
    town = admins.cast.town
    assert client.post(reverse("orgs:unit_set_active", args=[town.pk]), {"active": "0"}).status_code == 403
    town.refresh_from_db()
    assert town.is_active


def test_the_system_administrator_creates_and_deactivates_a_unit(admins):
    client = admins.client("sysadmin")
    response = client.post(reverse("orgs:unit_create"), {"name": "新设街道", "short_name": "新设", "kind": "street", "order": 1})
    assert response.status_code == 302
    unit = Unit.objects.get(name="新设街道")
    client.post(reverse("orgs:unit_set_active", args=[unit.pk]), {"active": "0"})
    unit.refresh_from_db()
    assert not unit.is_active
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.UNIT_CHANGED).count() == 2


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "office"])
def test_only_the_security_administrator_unlocks(admins, who):
    before = SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCKED).count()
    response = admins.client(who).post(reverse("orgs:user_unlock", args=[admins.cast.owner.pk]))
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.UNLOCKED).count() == before


def test_the_security_administrator_sees_a_locked_account_and_unlocks_it(admins, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="owner", ip_address="10.0.0.9", user_agent="test", failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="", post_data="",
    )
    client = admins.client("secadmin")
    page = client.get(reverse("orgs:users")).content.decode()
    assert "已锁定" in page
    response = client.post(reverse("orgs:user_unlock", args=[admins.cast.owner.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="owner").exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert event.username == "secadmin" and event.detail["account"] == "owner"


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_account_keepers_cannot_read_the_logs(admins, who):
    client = admins.client(who)
    for name in ("orgs:security_log", "orgs:security_log_export", "orgs:history", "orgs:history_export"):
        assert client.get(reverse(name)).status_code == 403


def test_the_auditor_changes_nothing(admins):
    client = admins.client("auditor")
    target = admins.cast.owner
    assert client.post(reverse("orgs:user_assign", args=[target.pk]), {"role": Role.OFFICE}).status_code == 403
    assert client.post(reverse("orgs:user_set_active", args=[target.pk]), {"active": "0"}).status_code == 403
    assert client.post(reverse("orgs:user_unlock", args=[target.pk])).status_code == 403
    assert client.post(reverse("orgs:unit_create"), {"name": "x", "kind": "street"}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.OWNER and target.is_active


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_the_administrators_see_no_project_data(admins, make_project, who):
    project = make_project()
    user = getattr(admins, who)
    assert policy.role_of(user) is None
    assert not policy.can_view_project(user, project)
    assert not policy.can_edit_project(user, project)
    assert not policy.can_create_project(user)
    assert not policy.can_review(user)
    assert not policy.can_export(user)
    assert not policy.can_manage_settings(user)
    assert not policy.can_see_full_phone(user, project)
    client = admins.client(who)
    assert client.get(project.get_absolute_url()).status_code in (403, 404)
    listing = client.get(reverse("projects:list"))
    assert project.name not in listing.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # the settings site sends them away


@pytest.mark.parametrize(
    ("who", "landing", "menu", "not_in_menu"),
    [
        ("sysadmin", "orgs:users", ["账号管理", "单位管理"], ["安全日志", "项目库"]),
        ("secadmin", "orgs:users", ["账号管理"], ["单位管理", "安全日志", "项目库"]),
        ("auditor", "orgs:security_log", ["安全日志", "变更记录"], ["账号管理", "项目库"]),
    ],
)
def test_each_administrator_lands_on_their_own_work_with_their_own_menu(admins, who, landing, menu, not_in_menu):
    client = admins.client(who)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(landing)
    page = response.content.decode()
    nav = page[page.index('class="sidebar"') : page.index("</nav>")]
    for label in menu:
        assert label in nav
    for label in not_in_menu:
        assert label not in nav


def test_the_accounts_page_keeps_a_constant_number_of_queries(admins, django_assert_max_num_queries):
    for n in range(30):
        User.objects.create_user(username=f"u{n}", password=PASSWORD, role=Role.TOWN, unit=admins.cast.town)
    client = admins.client("secadmin")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("orgs:users")).status_code == 200
