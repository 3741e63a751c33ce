from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils import timezone

PAGE_SIZE = 50


def deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def paginate(request, queryset, size: int = PAGE_SIZE):
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def int_param(request, name: str, default: int | None = None) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return default


def this_year() -> int:
    return timezone.localdate().year
