"""What every handler works with: the store, the clock, id minting, settings and the engine slot."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from retell_dsl.emulator.clock import Clock, IdFactory
from retell_dsl.emulator.errors import bad_request, not_found
from retell_dsl.emulator.store import Document, Store

if TYPE_CHECKING:
    from retell_dsl.emulator.engine_port import ConversationEngine

__all__ = ["CallHolder", "EmulatorConfig", "State", "WebhookPoster", "strip_private"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


@dataclass(slots=True)
class EmulatorConfig:
    """Behaviour knobs of the emulator."""

    concurrency_limit: int = 20
    #: How long a knowledge base stays ``in_progress`` (or ``refreshing_in_progress``).
    kb_processing_ms: int = 0
    #: How long a create-phone-call idempotency key is remembered (Retell: one hour).
    idempotency_window_ms: int = 3_600_000
    seed: str = "retell-dsl"
    #: The account-level webhook URL (an agent's own ``webhook_url`` overrides it).
    webhook_url: str | None = None


#: ``post_webhook(call_id, url, body, timeout_ms)``: queue one signed delivery (the emulator's background sender).
WebhookPoster = Callable[[str, str, bytes, int], None]
#: ``hold_call(call_id, caller)``: let the engine hold an ``ongoing`` call in the background.
CallHolder = Callable[[str, "Mapping[str, Any] | None"], None]


def strip_private(doc: Document) -> Document:
    """Drop the emulator's bookkeeping keys (those starting with ``_``) from a stored document."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


class State:
    """Shared by all handlers of one emulator; all access happens inside a store transaction."""

    def __init__(
        self, store: Store, clock: Clock, config: EmulatorConfig, engine: ConversationEngine | None = None
    ) -> None:
        self.store = store
        self.clock = clock
        self.config = config
        #: The conversation engine the conversational endpoints use (None: they answer 501).
        self.engine = engine
        self.ids = IdFactory(config.seed)
        #: Where call events go as webhooks (None: nowhere); set by the Emulator.
        self.post_webhook: WebhookPoster | None = None
        #: Who holds connected calls in the background (None: calls are driven by hand); set by the Emulator.
        self.hold_call: CallHolder | None = None

    def now(self) -> int:
        return self.clock.now_ms()

    def new_id(self, kind: str) -> str:
        return self.ids.new(kind, self.store.counter(f"id:{kind}"))

    def rng(self, purpose: str) -> random.Random:
        """A deterministic random source: same seed and history, same numbers."""
        return random.Random(f"{self.config.seed}:{purpose}:{self.store.counter('rng:' + purpose)}")

    # ------------------------------------------------------------------ lookups

    def require(self, kind: str, ident: str, version: int | None = None) -> Document:
        doc = self.store.get(kind, ident, version)
        if doc is None:
            if version is not None and self.store.get(kind, ident) is not None:
                raise not_found(f"{kind}_version", f"{ident} version {version}")
            raise not_found(kind, ident)
        return doc

    # ------------------------------------------------------------------ lists

    def paginate(
        self,
        kind: str,
        items: Sequence[tuple[int, Document]],
        *,
        id_of: Callable[[Document], str],
        limit: int | None,
        pagination_key: str | None,
        sort_order: str | None,
        render: Callable[[Document], Any] = strip_private,
    ) -> dict[str, Any]:
        """Page through ``(creation seq, doc)`` pairs; the cursor is the id of the last item returned."""
        if limit is None:
            limit = DEFAULT_LIMIT
        if not 1 <= limit <= MAX_LIMIT:
            raise bad_request(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        descending = (sort_order or "descending") == "descending"
        if sort_order not in (None, "ascending", "descending"):
            raise bad_request(f"sort_order must be 'ascending' or 'descending', got {sort_order!r}")
        ordered = sorted(items, key=lambda pair: pair[0], reverse=descending)
        if pagination_key:
            cursor = self.store.seq_of(kind, pagination_key)
            if cursor is None:
                raise bad_request(f"Invalid pagination_key {pagination_key!r}")
            ordered = [p for p in ordered if (p[0] < cursor if descending else p[0] > cursor)]
        page = ordered[:limit]
        has_more = len(ordered) > limit
        out: dict[str, Any] = {"items": [render(doc) for _, doc in page], "has_more": has_more}
        if has_more:
            out["pagination_key"] = id_of(page[-1][1])
        return out
