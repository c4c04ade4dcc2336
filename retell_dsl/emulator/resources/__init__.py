"""The emulated Retell resources; :func:`build_router` assembles their routes."""

from __future__ import annotations

from retell_dsl.emulator.router import Router

__all__ = ["build_router"]


def build_router() -> Router:
    from retell_dsl.emulator.resources import agents, engines, voices

    router = Router()
    for module in (voices, engines, agents):
        module.register(router)
    for name in (
        "components",
        "knowledge_bases",
        "phone_numbers",
        "calls",
        "batch_calls",
        "chats",
        "tests_api",
    ):
        try:
            module = __import__(f"retell_dsl.emulator.resources.{name}", fromlist=["register"])
        except ModuleNotFoundError as exc:  # a resource not written yet answers 501
            if exc.name != f"retell_dsl.emulator.resources.{name}":
                raise
            continue
        module.register(router)
    return router
