"""The projects panel of the overview page (declared in ProjectsConfig.home_panels)."""

from __future__ import annotations

from django.template.loader import render_to_string

from tuijin.orgs import policy

from .. import selectors


def panel(request) -> str:
    data = selectors.overview(request.user)
    largest_stage = max((s["count"] for s in data.stages), default=0)
    return render_to_string(
        "projects/home_panel.html",
        {
            "o": data,
            "largest_stage": largest_stage,
            "mine_param": data.mine_filter[0] if data.mine_filter else "",
            "mine_value": data.mine_filter[1] if data.mine_filter else "",
            "can_create": policy.can_create_project(request.user),
            "can_review": policy.can_review(request.user),
        },
        request=request,
    )
