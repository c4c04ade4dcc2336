"""Knowledge bases: texts, URLs and files that engines retrieve from.

Files are paths; compile leaves them out of the JSON payload (they travel as multipart parts)
and lists them on the compiled resource for the deploy layer to upload.

>>> kb = (
...     KnowledgeBase(name="clinic-faq")
...     .text("Hours", "Mon-Fri 8am-6pm")
...     .url("https://clinic.example.com/faq")
...     .chunking(max_size=1200, min_size=300)
... )
>>> kb.texts[0].title, kb.urls, kb.max_chunk_size
('Hours', ('https://clinic.example.com/faq',), 1200)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from retell_dsl.builders.base import UNSET, FrozenMap, Spec, Unset, require_mapping, require_str, require_tuple_of

__all__ = ["KBText", "KnowledgeBase"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class KBText(Spec):
    """An inline text source.

    >>> KBText(title="Parking", text="Free parking behind the building.")
    KBText(title='Parking', text='Free parking behind the building.')
    """

    title: str
    text: str

    def _check(self) -> None:
        require_str(self.title, "KBText title")
        require_str(self.text, f"KBText {self.title!r} text", allow_empty=True)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class KnowledgeBase(Spec):
    """A knowledge base. ``name`` is sent as ``knowledge_base_name`` (under 40 characters)."""

    name: str
    texts: tuple[KBText, ...] = ()
    urls: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    enable_auto_refresh: bool | Unset = UNSET
    max_chunk_size: int | Unset = UNSET
    min_chunk_size: int | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "KnowledgeBase name")
        require_tuple_of(self.texts, KBText, f"KnowledgeBase {self.name!r} texts")
        require_tuple_of(self.urls, str, f"KnowledgeBase {self.name!r} urls")
        if isinstance(self.files, tuple):
            files: tuple[object, ...] = self.files
            object.__setattr__(self, "files", tuple(str(f) if isinstance(f, Path) else f for f in files))
        require_tuple_of(self.files, str, f"KnowledgeBase {self.name!r} files")
        require_mapping(self.extra, f"KnowledgeBase {self.name!r} extra=")

    def text(self, title: str, text: str) -> Self:
        """Add a text source."""
        return self._replace(texts=(*self.texts, KBText(title=title, text=text)))

    def url(self, *urls: str) -> Self:
        """Add URL sources."""
        return self._replace(urls=(*self.urls, *urls))

    def file(self, *paths: str | Path) -> Self:
        """Add document files (uploaded at deploy time)."""
        return self._replace(files=(*self.files, *(str(p) for p in paths)))

    def chunking(self, *, max_size: int | Unset = UNSET, min_size: int | Unset = UNSET) -> Self:
        """Set chunk sizes (max 600-6000, min 200-2000, min < max; immutable after creation)."""
        return self._replace(max_chunk_size=max_size, min_chunk_size=min_size)

    def auto_refresh(self, enabled: bool = True) -> Self:
        """Re-fetch URL sources daily."""
        return self._replace(enable_auto_refresh=enabled)
