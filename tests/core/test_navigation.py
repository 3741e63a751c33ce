"""The menu keeps each group together, whichever apps contribute to it."""

from django.urls import reverse


def test_each_menu_group_appears_once(cast):
    response = cast.client("office").get(reverse("home"))
    groups = [str(item["group"]) for item in response.context["nav_items"] if item["group"]]
    seen = []
    for group in groups:
        if not seen or seen[-1] != group:
            seen.append(group)
    assert len(seen) == len(set(seen)), seen
