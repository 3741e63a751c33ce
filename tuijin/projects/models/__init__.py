"""Project registry, the three libraries and the lifecycle."""

from .libraries import EntryEvent, GateCriterion, Library, LibraryEntry, PlanEntry, PlanVersion
from .lifecycle import Node, NodeTemplate, NodeType, StageChange, TemplateNode
from .registry import Category, IndustryChain, Project, ProjectDocument, TaskForceMember

__all__ = [
    "Category",
    "EntryEvent",
    "GateCriterion",
    "IndustryChain",
    "Library",
    "LibraryEntry",
    "Node",
    "NodeTemplate",
    "NodeType",
    "PlanEntry",
    "PlanVersion",
    "Project",
    "ProjectDocument",
    "StageChange",
    "TaskForceMember",
    "TemplateNode",
]
