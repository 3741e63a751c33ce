"""Who may see and change what, for the fixed cast of roles."""

import pytest

from tuijin.orgs import policy
from tuijin.projects.models import Project

# role → (sees the 匡堰 project, edits it, edits the 龙山 project, reviews)
EXPECTED = {
    "office": (True, True, True, True),
    "town": (True, True, False, False),
    "other_town": (True, False, True, False),
    "department": (True, True, True, False),  # both projects are assigned to its department
    "owner": (True, True, False, False),  # owns only the 匡堰 project
    "leader": (True, False, False, False),
    "anonymous": (False, False, False, False),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_the_permission_matrix(cast, make_project, who):
    ours = make_project()
    theirs = make_project(town=cast.other_town, owner=cast.other_enterprise)
    user = cast.members[who]
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    sees, edits_ours, edits_theirs, reviews = EXPECTED[who]
    assert policy.can_view_project(user, ours) is sees
    assert policy.can_edit_project(user, ours) is edits_ours
    assert policy.can_edit_project(user, theirs) is edits_theirs
    assert policy.can_review(user) is reviews
    visible = set(policy.scope_projects(user, Project.objects.all()).values_list("pk", flat=True))
    if who == "owner":
        assert visible == {ours.pk}
    elif who == "anonymous":
        assert visible == set()
    else:
        assert visible == {ours.pk, theirs.pk}
