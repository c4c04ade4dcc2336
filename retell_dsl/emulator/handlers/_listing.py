"""One page of a list endpoint whose paging parameters come in the query string (the v2 lists)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from retell_dsl.emulator.body import query_int, query_str
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = ["paged"]


def paged(
    state: State,
    req: EmuRequest,
    kind: str,
    items: Sequence[tuple[int, Document]],
    *,
    id_of: Callable[[Document], str],
    render: Callable[[Document], Any] = strip_private,
    sortable: bool = True,
) -> EmuResponse:
    """``limit``, ``pagination_key`` and (when ``sortable``) ``sort_order`` from the query; 200 with the page."""
    page = state.paginate(
        kind,
        items,
        id_of=id_of,
        limit=query_int(req, "limit"),
        pagination_key=query_str(req, "pagination_key"),
        sort_order=query_str(req, "sort_order") if sortable else None,
        render=render,
    )
    return json_response(200, page)
