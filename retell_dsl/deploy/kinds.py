"""How each resource kind is read, compared, created, updated, deleted and found again after a crash.

Remote objects are compared in *payload space*: :meth:`Kind.comparable` projects what Retell
returns onto the keys a compiled payload uses, so ``subset_equal(payload, comparable(remote))``
means "nothing to do". Keys listed in ``create_only`` cannot change after creation; changing them
means replacing the object.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from retell_dsl.deploy.diff import subset_equal
from retell_dsl.deploy.gateway import Gateway

__all__ = ["KINDS", "AgentKind", "ComponentKind", "Kind"]

JSON = dict[str, Any]

_SERVER_FIELDS = frozenset(
    {"version", "is_published", "base_version", "last_modification_timestamp", "assigned_tags",
     "user_modified_timestamp", "status", "last_refreshed_timestamp"}
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """Generic JSON CRUD for kinds with ``/create-X``, ``/get-X/{id}``, ``/update-X/{id}``, ``/delete-X/{id}``."""

    kind: str
    noun: str
    id_field: str
    list_path: str | None = None
    protected: bool = False
    create_only: frozenset[str] = frozenset()
    readable: bool = True
    #: Fields describing one version (agents' title/description): sent at creation and with each
    #: publish, never diffed — a new draft starts without them.
    version_fields: frozenset[str] = frozenset()

    def label(self, address: str) -> str:
        return address

    # -------------------------------------------------------------- reading

    def read(self, gw: Gateway, remote_id: str, address: str) -> JSON | None:
        result: JSON | None = gw.request("GET", f"/get-{self.noun}/{remote_id}", what=address, missing_ok=True)
        return result

    def comparable(self, remote: JSON, last_applied: JSON | None) -> JSON:
        return {k: v for k, v in remote.items() if k not in _SERVER_FIELDS and k != self.id_field}

    def list_all(self, gw: Gateway, address: str) -> Iterator[JSON]:
        if self.list_path is None:
            return
        key: str | None = None
        while True:
            query: dict[str, Any] = {"limit": 1000}
            if key:
                query["pagination_key"] = key
            page = gw.request("GET", self.list_path, what=address, query=query)
            yield from page["items"]
            if not page.get("has_more"):
                return
            key = page.get("pagination_key")

    # -------------------------------------------------------------- writing

    def create(self, gw: Gateway, address: str, payload: JSON, files: tuple[str, ...]) -> tuple[str, JSON]:
        created = gw.request("POST", f"/create-{self.noun}", what=address, body=payload, is_create=True)
        return str(created[self.id_field]), created

    def update(
        self, gw: Gateway, address: str, remote_id: str, body: JSON, *, remote: JSON, last_applied: JSON | None
    ) -> JSON:
        result: JSON = gw.request("PATCH", f"/update-{self.noun}/{remote_id}", what=address, body=body)
        return result

    def delete(self, gw: Gateway, address: str, remote_id: str) -> None:
        gw.request("DELETE", f"/delete-{self.noun}/{remote_id}", what=address, missing_ok=True)

    def find_created(self, gw: Gateway, address: str, payload: JSON, *, since_ms: int, owned: set[str]) -> str | None:
        """After an interrupted create: the object it made, if any (same content, made since the intent)."""
        for item in self.list_all(gw, address):
            ident = str(item.get(self.id_field))
            if ident in owned or int(item.get("last_modification_timestamp", since_ms)) < since_ms - 5_000:
                continue
            if subset_equal(payload, self.comparable(item, None)):
                return ident
        return None


class AgentKind(Kind):
    """Agents (voice and chat): updates go to a draft; a published latest version first gets a new draft.

    Voice and chat agents share the version endpoints (``create-agent-version``,
    ``publish-agent-version``); reads and updates go to ``get-<noun>`` and ``update-<noun>``.
    """

    def update(
        self, gw: Gateway, address: str, remote_id: str, body: JSON, *, remote: JSON, last_applied: JSON | None
    ) -> JSON:
        version = int(remote.get("version", 0))
        if remote.get("is_published"):
            version = self.open_draft(gw, address, remote_id, version)
        return self.update_draft(gw, address, remote_id, body, version)

    def update_draft(self, gw: Gateway, address: str, remote_id: str, body: JSON, version: int) -> JSON:
        """Write ``body`` into draft ``version``."""
        result: JSON = gw.request(
            "PATCH", f"/update-{self.noun}/{remote_id}", what=address, body=body, query={"version": version}
        )
        return result

    def open_draft(self, gw: Gateway, address: str, remote_id: str, base_version: int) -> int:
        """Branch a new draft from ``base_version`` (this also opens drafts of the agent's engine)."""
        draft = gw.request(
            "POST", f"/create-agent-version/{remote_id}", what=address, body={"base_version": base_version}
        )
        return int(draft["version"])

    def publish(self, gw: Gateway, address: str, remote_id: str, version: int, details: JSON | None = None) -> None:
        """Publish one version, with its title and description when the code gives them."""
        body = {"version": version, **(details or {})}
        gw.request("POST", f"/publish-agent-version/{remote_id}", what=address, body=body)

    def find_created(self, gw: Gateway, address: str, payload: JSON, *, since_ms: int, owned: set[str]) -> str | None:
        key: str | None = None
        while True:
            query: dict[str, Any] = {"limit": 1000, **({"pagination_key": key} if key else {})}
            page = gw.request("POST", "/v2/list-agents", what=address, body={}, query=query)
            for item in page["items"]:
                ident = str(item["agent_id"])
                if ident in owned or item.get("agent_name", "") != payload.get("agent_name", ""):
                    continue
                if int(item.get("user_modified_timestamp", since_ms)) < since_ms - 5_000:
                    continue
                full = self.read(gw, ident, address)
                if full is not None and subset_equal(payload, self.comparable(full, None)):
                    return ident
            if not page.get("has_more"):
                return None
            key = page.get("pagination_key")


class KnowledgeBaseKind(Kind):
    """Knowledge bases: multipart create; sources change through add/delete-source; the rest is fixed."""

    def comparable(self, remote: JSON, last_applied: JSON | None) -> JSON:
        out: JSON = {k: remote[k] for k in ("knowledge_base_name", "enable_auto_refresh") if k in remote}
        for key in ("max_chunk_size", "min_chunk_size"):
            if key in remote:
                out[key] = remote[key]
        known = {t["title"]: t.get("text") for t in (last_applied or {}).get("knowledge_base_texts", [])}
        sources = remote.get("knowledge_base_sources") or []
        texts = [{"title": s["title"], "text": known.get(s["title"])} for s in sources if s["type"] == "text"]
        urls = [s["url"] for s in sources if s["type"] == "url"]
        if texts or (last_applied or {}).get("knowledge_base_texts"):
            out["knowledge_base_texts"] = texts
        if urls or (last_applied or {}).get("knowledge_base_urls"):
            out["knowledge_base_urls"] = urls
        return out

    def list_all(self, gw: Gateway, address: str) -> Iterator[JSON]:
        yield from gw.request("GET", "/list-knowledge-bases", what=address)

    def create(self, gw: Gateway, address: str, payload: JSON, files: tuple[str, ...]) -> tuple[str, JSON]:
        uploads = [(Path(f).name, Path(f).read_bytes()) for f in files]
        kwargs = dict(payload)
        if uploads:
            kwargs["knowledge_base_files"] = uploads
        created = gw.request(
            "POST", "/create-knowledge-base", what=address, is_create=True,
            # The raw response skips building the SDK's response model (slow on first use).
            send=lambda: gw.client.knowledge_base.with_raw_response.create(**kwargs).http_response.json(),  # noqa: PLW0108 - must stay lazy
        )  # fmt: skip
        return str(created["knowledge_base_id"]), created

    def update(
        self, gw: Gateway, address: str, remote_id: str, body: JSON, *, remote: JSON, last_applied: JSON | None
    ) -> JSON:
        sources = remote.get("knowledge_base_sources") or []
        want_texts = {(t["title"], t["text"]) for t in body.get("knowledge_base_texts") or []}
        want_urls = set(body.get("knowledge_base_urls") or [])
        have = self.comparable(remote, last_applied)
        have_texts = {(t["title"], t["text"]) for t in have.get("knowledge_base_texts", [])}
        for src in sources:
            stale_text = src["type"] == "text" and (src["title"], _text_of(have, src["title"])) not in want_texts
            stale_url = src["type"] == "url" and src["url"] not in want_urls
            if stale_text or stale_url:
                path = f"/delete-knowledge-base-source/{remote_id}/source/{src['source_id']}"
                gw.request("DELETE", path, what=address, missing_ok=True)
        new_texts = [{"title": t, "text": x} for t, x in sorted(want_texts - have_texts)]
        new_urls = sorted(want_urls - set(have.get("knowledge_base_urls", [])))
        if new_texts or new_urls:
            kwargs: JSON = {}
            if new_texts:
                kwargs["knowledge_base_texts"] = new_texts
            if new_urls:
                kwargs["knowledge_base_urls"] = new_urls
            gw.request(
                "POST", f"/add-knowledge-base-sources/{remote_id}", what=address,
                send=lambda: gw.client.knowledge_base.add_sources(remote_id, **kwargs),
            )  # fmt: skip
        result: JSON = gw.request("GET", f"/get-knowledge-base/{remote_id}", what=address)
        return result

    def delete(self, gw: Gateway, address: str, remote_id: str) -> None:
        gw.request("DELETE", f"/delete-knowledge-base/{remote_id}", what=address, missing_ok=True)

    def find_created(self, gw: Gateway, address: str, payload: JSON, *, since_ms: int, owned: set[str]) -> str | None:
        for item in self.list_all(gw, address):
            if item["knowledge_base_id"] not in owned and item["knowledge_base_name"] == payload["knowledge_base_name"]:
                return str(item["knowledge_base_id"])
        return None


def _text_of(comparable: JSON, title: str) -> str | None:
    for t in comparable.get("knowledge_base_texts", []):
        if t["title"] == title:
            return t.get("text")  # type: ignore[no-any-return]
    return None


class PhoneNumberKind(Kind):
    """Phone numbers: bought or imported once; bindings, nickname and trunk settings update in place."""

    _IMPORT_RENAMES: ClassVar[dict[str, str]] = {
        "sip_trunk_auth_username": "auth_username",
        "sip_trunk_auth_password": "auth_password",
    }

    def comparable(self, remote: JSON, last_applied: JSON | None) -> JSON:
        out = {k: v for k, v in remote.items() if k not in _SERVER_FIELDS and k not in self.create_only}
        out.pop("phone_number_pretty", None)
        out.pop("phone_number_type", None)
        trunk = out.pop("sip_outbound_trunk_config", None) or {}
        for key, remote_key in (("termination_uri", "termination_uri"), ("sip_trunk_auth_username", "auth_username"),
                                ("transport", "transport"), ("codecs", "codecs")):  # fmt: skip
            if remote_key in trunk:
                out[key] = trunk[remote_key]
        if last_applied and "sip_trunk_auth_password" in last_applied:  # write-only: trust what was applied
            out["sip_trunk_auth_password"] = last_applied["sip_trunk_auth_password"]
        return out

    def create(self, gw: Gateway, address: str, payload: JSON, files: tuple[str, ...]) -> tuple[str, JSON]:
        path = "/import-phone-number" if "termination_uri" in payload else "/create-phone-number"
        created = gw.request("POST", path, what=address, body=payload, is_create=True)
        return str(created["phone_number"]), created

    def update(
        self, gw: Gateway, address: str, remote_id: str, body: JSON, *, remote: JSON, last_applied: JSON | None
    ) -> JSON:
        patch = {self._IMPORT_RENAMES.get(k, k): v for k, v in body.items() if k not in self.create_only}
        patch.pop("ignore_e164_validation", None)
        result: JSON = gw.request("PATCH", f"/update-phone-number/{remote_id}", what=address, body=patch)
        return result

    def find_created(self, gw: Gateway, address: str, payload: JSON, *, since_ms: int, owned: set[str]) -> str | None:
        for item in self.list_all(gw, address):
            number = str(item["phone_number"])
            if number in owned or int(item.get("last_modification_timestamp", since_ms)) < since_ms - 5_000:
                continue
            if payload.get("phone_number") and payload["phone_number"] != number:
                continue
            if payload.get("area_code") and item.get("area_code") not in (payload["area_code"], None):
                continue
            if subset_equal(self.comparable(_strip_create_only(payload, self), None), self.comparable(item, None)):
                return number
        return None


def _strip_create_only(payload: JSON, kind: Kind) -> JSON:
    out = {k: v for k, v in payload.items() if k not in kind.create_only}
    out.pop("sip_trunk_auth_password", None)
    return out


class ComponentKind(Kind):
    """Shared conversation-flow components: plain CRUD; the flows linked to one are Retell's bookkeeping."""

    def comparable(self, remote: JSON, last_applied: JSON | None) -> JSON:
        out = Kind.comparable(self, remote, last_applied)
        out.pop("linked_conversation_flow_ids", None)
        return out


class BatchCallKind(Kind):
    """Campaigns: created once (that places calls); Retell has no read, update or delete for them."""

    def read(self, gw: Gateway, remote_id: str, address: str) -> JSON | None:
        return None

    def create(self, gw: Gateway, address: str, payload: JSON, files: tuple[str, ...]) -> tuple[str, JSON]:
        created = gw.request("POST", "/create-batch-call", what=address, body=payload, is_create=True)
        return str(created["batch_call_id"]), created

    def delete(self, gw: Gateway, address: str, remote_id: str) -> None:
        return  # nothing to delete remotely: destroy only forgets it

    def find_created(self, gw: Gateway, address: str, payload: JSON, *, since_ms: int, owned: set[str]) -> str | None:
        return None


KINDS: dict[str, Kind] = {
    "knowledge_base": KnowledgeBaseKind(
        "knowledge_base", "knowledge-base", "knowledge_base_id", protected=True,
        create_only=frozenset({"knowledge_base_name", "enable_auto_refresh", "max_chunk_size", "min_chunk_size"}),
    ),
    "llm": Kind("llm", "retell-llm", "llm_id", list_path="/v2/list-retell-llms"),
    "component": ComponentKind(
        "component", "conversation-flow-component", "conversation_flow_component_id",
        list_path="/v2/list-conversation-flow-components",
    ),
    "conversation_flow": Kind(
        "conversation_flow", "conversation-flow", "conversation_flow_id", list_path="/v2/list-conversation-flows"
    ),
    "agent": AgentKind(
        "agent", "agent", "agent_id", version_fields=frozenset({"version_title", "version_description"})
    ),
    "chat_agent": AgentKind("chat_agent", "chat-agent", "agent_id", version_fields=frozenset({"version_title"})),
    "phone_number": PhoneNumberKind(
        "phone_number", "phone-number", "phone_number", list_path="/v2/list-phone-numbers", protected=True,
        create_only=frozenset({"area_code", "country_code", "toll_free", "number_provider", "phone_number"}),
    ),
    "batch_call": BatchCallKind("batch_call", "batch-call", "batch_call_id", readable=False),
}  # fmt: skip
