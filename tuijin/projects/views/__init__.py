"""The project pages. Views are thin: policy, form, service, template."""

from .detail import project_detail
from .edit import (
    document_download,
    document_remove,
    document_upload,
    node_edit,
    project_create,
    project_edit,
    stage_change,
    task_force_add,
    task_force_remove,
)
from .libraries import (
    boards,
    entry_submit,
    plan_compare,
    plan_entry_edit,
    plan_freeze,
    plan_version,
    withdrawal_request,
)
from .lists import project_list
from .review import review_action, review_queue

__all__ = [
    "boards",
    "document_download",
    "document_remove",
    "document_upload",
    "entry_submit",
    "node_edit",
    "plan_compare",
    "plan_entry_edit",
    "plan_freeze",
    "plan_version",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "review_action",
    "review_queue",
    "stage_change",
    "task_force_add",
    "task_force_remove",
    "withdrawal_request",
]
