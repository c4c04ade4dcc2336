"""Knowledge bases for the engine: sources chunked with the KB's sizes, retrieved by bm25 over SQLite FTS5.

The engine indexes the knowledge bases an agent uses once, then, for each turn where retrieval
applies, searches with the turn's text and the engine's ``kb_config``; the chunks' text goes
into the model's prompt (:func:`prompt_section`) and into the run's
``knowledge_base_retrieved_contents`` (:func:`retrieved_contents`).

>>> index = KnowledgeBaseIndex()
>>> index.add("kb_1", [Source("s1", "Refunds are paid within 5 business days.", title="Refunds")])
1
>>> found = index.search_config("how long do refunds take", {"top_k": 1, "filter_score": 0.5})
>>> retrieved_contents(found)
['Refunds are paid within 5 business days.']
"""

from __future__ import annotations

from collections.abc import Iterable

from retell_dsl.sim.kb.chunking import DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MIN_CHUNK_SIZE, chunk_text
from retell_dsl.sim.kb.index import (
    DEFAULT_FILTER_SCORE,
    DEFAULT_TOP_K,
    Chunk,
    KnowledgeBaseIndex,
    Retrieved,
    Source,
    query_words,
)

__all__ = [
    "DEFAULT_FILTER_SCORE",
    "DEFAULT_MAX_CHUNK_SIZE",
    "DEFAULT_MIN_CHUNK_SIZE",
    "DEFAULT_TOP_K",
    "Chunk",
    "KnowledgeBaseIndex",
    "Retrieved",
    "Source",
    "chunk_text",
    "prompt_section",
    "query_words",
    "retrieved_contents",
]


def retrieved_contents(results: Iterable[Retrieved]) -> list[str]:
    """The chunks' text, best first: the value of ``knowledge_base_retrieved_contents``.

    >>> chunk = Chunk(knowledge_base_id="kb", source_id="s", title="", position=0, text="Open 9-5.")
    >>> retrieved_contents([Retrieved(chunk=chunk, score=1.0, bm25=-1.0)])
    ['Open 9-5.']
    """
    return [r.chunk.text for r in results]


def prompt_section(results: Iterable[Retrieved]) -> str:
    """The retrieved chunks as a block of the system prompt (``""`` when nothing was retrieved).

    >>> chunk = Chunk(knowledge_base_id="kb", source_id="s", title="Hours", position=0, text="Open 9-5.")
    >>> print(prompt_section([Retrieved(chunk=chunk, score=1.0, bm25=-1.0)]))
    ## Related knowledge base contents
    [Hours]
    Open 9-5.
    """
    blocks = [f"[{r.chunk.title}]\n{r.chunk.text}" if r.chunk.title else r.chunk.text for r in results]
    return "## Related knowledge base contents\n" + "\n\n".join(blocks) if blocks else ""
