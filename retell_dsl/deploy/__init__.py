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
from retell_dsl.deploy.runs import RUN_ID_ENV, RUN_PREFIX, new_run_id, run_prefix, run_scoped
from retell_dsl.deploy.secrets import Secrets
from retell_dsl.deploy.state import JournalLost, Owned, StateFile
from retell_dsl.deploy.sweep import Leftover, Sweep, delete_leftovers, find_leftovers, parse_age

__all__ = [
    "RUN_ID_ENV",
    "RUN_PREFIX",
    "ApiRefused",
    "ApplyFailed",
    "ApplyResult",
    "FieldChange",
    "Gateway",
    "JournalLost",
    "Leftover",
    "Owned",
    "Plan",
    "Project",
    "RemoteDuplicates",
    "Secrets",
    "StalePlan",
    "StateCorrupted",
    "StateFile",
    "Step",
    "Sweep",
    "apply_plan",
    "delete_leftovers",
    "diff_fields",
    "find_leftovers",
    "load_stack",
    "make_plan",
    "new_run_id",
    "parse_age",
    "run_prefix",
    "run_scoped",
]
