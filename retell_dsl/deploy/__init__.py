"""Deploying stacks like infrastructure as code: plan, apply, publish, destroy, drift."""

from __future__ import annotations

from retell_dsl.deploy.app import load_stack
from retell_dsl.deploy.apply import ApplyFailed, ApplyResult, StalePlan, apply_plan
from retell_dsl.deploy.diff import FieldChange, diff_fields
from retell_dsl.deploy.gateway import ApiRefused, Gateway
from retell_dsl.deploy.lost import RemoteDuplicates
from retell_dsl.deploy.plan import Plan, Step, make_plan
from retell_dsl.deploy.project import Project
from retell_dsl.deploy.records import StateCorrupted
from retell_dsl.deploy.secrets import Secrets
from retell_dsl.deploy.state import JournalLost, Owned, StateFile

__all__ = [
    "ApiRefused",
    "ApplyFailed",
    "ApplyResult",
    "FieldChange",
    "Gateway",
    "JournalLost",
    "Owned",
    "Plan",
    "Project",
    "RemoteDuplicates",
    "Secrets",
    "StalePlan",
    "StateCorrupted",
    "StateFile",
    "Step",
    "apply_plan",
    "diff_fields",
    "load_stack",
    "make_plan",
]
