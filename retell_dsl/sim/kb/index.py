"""Retrieval over knowledge-base chunks: an in-memory SQLite FTS5 index ranked by bm25.

**Ranking.** Chunks are ranked by FTS5's ``bm25()`` over the chunk's title and text (Porter
stemming, case and diacritics folded) for the query's words OR-ed together; ties keep the
order chunks were added in (knowledge base, source, position), so results are deterministic.

**Score.** bm25 values are unbounded and depend on the corpus (FTS5 even floors the IDF of a
word in more than half the chunks to ~0), so they cannot be compared with ``filter_score``.
Each result's ``score`` is instead the query's *IDF-weighted coverage* of the chunk, in 0..1:

    score = Σ idf(w) over query words w in the chunk  /  Σ idf(w) over query words in the KB

with ``idf(w) = ln(1 + (N - n(w) + 0.5) / (n(w) + 0.5))`` (always positive; N chunks searched,
n(w) of them contain w). Words that appear in no chunk searched, and common stop words and
fillers ("what", "um", "please"…), say nothing about which chunk is meant and are left out of
both sums. A chunk holding every informative word of the question scores 1.0; one holding only
a common word scores little. So ``filter_score`` behaves like a similarity threshold: results
below it are dropped, then the best ``top_k`` are kept.

**Defaults.** Retell's ``kb_config`` is ``{top_k, filter_score}`` on a Retell LLM, a flow or a
flow node; the SDK states no defaults, the dashboard shows 3 chunks and a 0.6 threshold, which
:data:`DEFAULT_TOP_K` and :data:`DEFAULT_FILTER_SCORE` follow.

Query text is never parsed as FTS5 syntax: its words are extracted and each is quoted, so
quotes, ``*``, ``NEAR``, ``-``, ``AND``/``OR`` and parentheses are just characters.

>>> index = KnowledgeBaseIndex()
>>> index.add("kb_1", [Source("s1", "Opening hours: Monday to Friday 9 to 5, Saturday 10 to 2.", title="Hours"),
...                    Source("s2", "Parking is free behind the building.", title="Parking")])
2
>>> [(r.chunk.source_id, r.score) for r in index.search('When are you "open" on Saturday?')]
[('s1', 1.0)]
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retell_dsl.errors import ConfigurationError, InvalidArgument
from retell_dsl.sim.kb.chunking import DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MIN_CHUNK_SIZE, chunk_text

__all__ = [
    "DEFAULT_FILTER_SCORE",
    "DEFAULT_TOP_K",
    "Chunk",
    "KnowledgeBaseIndex",
    "Retrieved",
    "Source",
    "query_words",
]

DEFAULT_TOP_K = 3
DEFAULT_FILTER_SCORE = 0.6
_MAX_QUERY_WORDS = 64
_WORD = re.compile(r"[^\W_]+")
_STOP_TEXT = """
    a about actually after again all also am an and any anything are as at be been being but by can
    could did do does doing for from get got had has have having he her hey hi hello him his how i
    if in into is it its just know let like may me might mm mmm my need no not now of oh ok okay on
    one or our please right said say she should so some something sure tell thank thanks that the
    their them then there these they this those to too uh uhm um up us very want wanna was we well
    were what when where which who why will with would yeah yes you your yours
"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True, slots=True)
class Source:
    """One knowledge-base source's text: a text source's ``title`` and text, or a URL's or file's fetched text.

    >>> Source("src_1", "Refunds take 5 days.", title="Refunds").title
    'Refunds'
    """

    source_id: str
    text: str
    title: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """A piece of a source, as indexed (``position`` counts from 0 within its source).

    >>> Chunk(knowledge_base_id="kb", source_id="s", title="", position=0, text="Hi").text
    'Hi'
    """

    knowledge_base_id: str
    source_id: str
    title: str
    position: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Retrieved:
    """A search result: the chunk, its 0..1 ``score`` (see the module docstring) and FTS5's raw ``bm25``.

    >>> index = KnowledgeBaseIndex()
    >>> index.add("kb", [Source("s", "Pets are welcome.")])
    1
    >>> index.search("are pets allowed")[0].score
    1.0
    """

    chunk: Chunk
    score: float
    bm25: float


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str) -> list[str]:
    """The informative words of ``query``, folded, in order, without repeats or stop words.

    >>> query_words('What are the "opening" hours* NEAR(you) -- on Saturday, please?')
    ['opening', 'hours', 'near', 'saturday']
    """
    seen: dict[str, None] = {}
    for match in _WORD.finditer(query):
        word = _fold(match.group())
        if word and word not in _STOP_WORDS:
            seen.setdefault(word, None)
    return list(seen)[:_MAX_QUERY_WORDS]


def _kb_setting(config: Mapping[str, Any] | None, key: str, default: float) -> float:
    value = (config or {}).get(key)
    return default if value is None else value


class KnowledgeBaseIndex:
    """Chunks of any number of knowledge bases in one in-memory FTS5 table; :meth:`search` retrieves.

    >>> index = KnowledgeBaseIndex()
    >>> index.add("kb", [Source("s1", "Refunds take 5 days."), Source("s2", "Shipping is free.")])
    2
    >>> index
    KnowledgeBaseIndex(2 chunks)
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            self._db.execute(
                "CREATE VIRTUAL TABLE chunks USING fts5("
                "title, body, kb UNINDEXED, source_id UNINDEXED, position UNINDEXED,"
                " tokenize = 'porter unicode61 remove_diacritics 2')"
            )
        except sqlite3.OperationalError as exc:  # a Python whose SQLite was built without FTS5
            self._db.close()
            raise ConfigurationError(
                f"knowledge-base retrieval needs SQLite's FTS5 (3.27 or later with FTS5 compiled in); this Python has"
                f" SQLite {sqlite3.sqlite_version}: {exc}"
            ) from None
        self._lock = threading.Lock()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"KnowledgeBaseIndex({self._count} chunks)"

    def close(self) -> None:
        """Release the SQLite connection.

        >>> KnowledgeBaseIndex().close()
        """
        self._db.close()

    def add(
        self,
        knowledge_base_id: str,
        sources: Iterable[Source],
        *,
        max_chunk_size: int | None = None,
        min_chunk_size: int | None = None,
    ) -> int:
        """Chunk and index ``sources`` under ``knowledge_base_id``; returns how many chunks were added.

        ``None`` sizes take Retell's defaults (2000 and 400 characters).

        >>> KnowledgeBaseIndex().add("kb", [Source("s", "word " * 300)], max_chunk_size=600, min_chunk_size=200)
        3
        """
        max_size = DEFAULT_MAX_CHUNK_SIZE if max_chunk_size is None else max_chunk_size
        min_size = DEFAULT_MIN_CHUNK_SIZE if min_chunk_size is None else min_chunk_size
        rows = [
            (source.title, text, knowledge_base_id, source.source_id, position)
            for source in sources
            for position, text in enumerate(chunk_text(source.text, max_chunk_size=max_size, min_chunk_size=min_size))
        ]
        with self._lock:
            self._db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?)", rows)
            self._count += len(rows)
        return len(rows)

    def add_knowledge_base(self, knowledge_base: Mapping[str, Any], texts: Mapping[str, str]) -> int:
        """Index a knowledge base in Retell's JSON shape, given each source's text by ``source_id``.

        Titles come from the source (a text's ``title``, a document's ``filename``, a URL's
        ``url``); sources without text in ``texts`` are skipped (nothing fetched, nothing to find).

        >>> kb = {"knowledge_base_id": "kb_1", "max_chunk_size": 600, "min_chunk_size": 200,
        ...       "knowledge_base_sources": [{"type": "url", "source_id": "s1", "url": "https://x.test/faq"}]}
        >>> KnowledgeBaseIndex().add_knowledge_base(kb, {"s1": "We ship worldwide."})
        1
        """
        sources = []
        for item in knowledge_base.get("knowledge_base_sources") or ():
            source_id = item.get("source_id")
            if source_id in texts:
                title = item.get("title") or item.get("filename") or item.get("url") or ""
                sources.append(Source(str(source_id), texts[source_id], title=str(title)))
        return self.add(
            str(knowledge_base["knowledge_base_id"]),
            sources,
            max_chunk_size=knowledge_base.get("max_chunk_size"),
            min_chunk_size=knowledge_base.get("min_chunk_size"),
        )

    def search_config(
        self, query: str, kb_config: Mapping[str, Any] | None, knowledge_base_ids: Sequence[str] | None = None
    ) -> list[Retrieved]:
        """:meth:`search` with a wire ``kb_config`` (``{top_k, filter_score}``, either may be missing or null).

        >>> index = KnowledgeBaseIndex()
        >>> index.add("kb", [Source("s", "Shipping is free.")])
        1
        >>> [r.chunk.source_id for r in index.search_config("free shipping?", {"top_k": 1})]
        ['s']
        """
        return self.search(
            query,
            top_k=int(_kb_setting(kb_config, "top_k", DEFAULT_TOP_K)),
            filter_score=float(_kb_setting(kb_config, "filter_score", DEFAULT_FILTER_SCORE)),
            knowledge_base_ids=knowledge_base_ids,
        )

    def search(
        self,
        query: str,
        *,
        top_k: int = DEFAULT_TOP_K,
        filter_score: float = DEFAULT_FILTER_SCORE,
        knowledge_base_ids: Sequence[str] | None = None,
    ) -> list[Retrieved]:
        """The best ``top_k`` chunks scoring at least ``filter_score``, best first (``[]`` when none).

        ``knowledge_base_ids`` restricts the search (``None``: every knowledge base indexed).

        >>> index = KnowledgeBaseIndex()
        >>> index.add("kb", [Source("s", "Shipping is free.")])
        1
        >>> index.search("shipping", knowledge_base_ids=["other_kb"])
        []
        """
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 0:
            raise InvalidArgument(f"top_k must be a whole number >= 0, got {top_k!r}")
        if not 0.0 <= filter_score <= 1.0:
            raise InvalidArgument(f"filter_score must be between 0 and 1, got {filter_score!r}")
        words = query_words(query)
        if not words or top_k == 0:
            return []
        scope, params = "", []
        if knowledge_base_ids is not None:
            scope = f" AND kb IN ({', '.join('?' * len(knowledge_base_ids))})"
            params = [str(k) for k in knowledge_base_ids]
        with self._lock:
            return self._search(words, scope, params, top_k, filter_score)

    def _search(
        self, words: list[str], scope: str, params: list[str], top_k: int, filter_score: float
    ) -> list[Retrieved]:
        (total,) = self._db.execute(f"SELECT count(*) FROM chunks WHERE 1{scope}", params).fetchone()
        holders: dict[str, set[int]] = {}
        for word in words:
            rows = self._db.execute(f"SELECT rowid FROM chunks WHERE chunks MATCH ?{scope}", [f'"{word}"', *params])
            found = {row[0] for row in rows}
            if found:
                holders[word] = found
        if not holders:
            return []
        idf = {w: math.log(1 + (total - len(r) + 0.5) / (len(r) + 0.5)) for w, r in holders.items()}
        weight = sum(idf.values())
        match = " OR ".join(f'"{w}"' for w in holders)
        ranked = self._db.execute(
            "SELECT rowid, bm25(chunks), title, body, kb, source_id, position FROM chunks"
            f" WHERE chunks MATCH ?{scope} ORDER BY bm25(chunks), rowid",
            [match, *params],
        ).fetchall()
        results: list[Retrieved] = []
        for rowid, bm25, title, body, kb, source_id, position in ranked:
            score = round(sum(idf[w] for w, r in holders.items() if rowid in r) / weight, 6)
            if score < filter_score:
                continue
            chunk = Chunk(knowledge_base_id=kb, source_id=source_id, title=title, position=int(position), text=body)
            results.append(Retrieved(chunk=chunk, score=score, bm25=float(bm25)))
            if len(results) == top_k:
                break
        return results
