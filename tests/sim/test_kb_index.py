"""Knowledge-base retrieval: the right chunk, top_k, filter_score, scoping, FTS5 syntax in queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retell_dsl.errors import ConfigurationError, InvalidArgument
from retell_dsl.sim.kb import (
    DEFAULT_FILTER_SCORE,
    DEFAULT_TOP_K,
    KnowledgeBaseIndex,
    Source,
    prompt_section,
    query_words,
    retrieved_contents,
)

FAQ = [
    Source(
        "hours", "Opening hours: Monday to Friday 8am to 6pm, Saturday 9am to 1pm. Closed on Sundays.", title="Hours"
    ),
    Source("parking", "Free parking is available behind the clinic, entrance on Elm Street.", title="Parking"),
    Source(
        "insurance",
        "We accept Aetna, Cigna and Blue Cross insurance plans. Bring your insurance card.",
        title="Insurance",
    ),
    Source(
        "cancel", "To cancel an appointment, call at least 24 hours ahead or a $50 fee applies.", title="Cancellations"
    ),
    Source("cafe", "The café on the ground floor sells coffee and sandwiches.", title="Café"),
]


@pytest.fixture
def index() -> Iterator[KnowledgeBaseIndex]:
    kb = KnowledgeBaseIndex()
    kb.add("kb_clinic", FAQ)
    try:
        yield kb
    finally:
        kb.close()


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("Hi, um, are you open on Saturday?", "hours"),
        ("Where can I park my car?", "parking"),
        ("Do you take Cigna?", "insurance"),
        ("I need to cancel my appointment tomorrow", "cancel"),
        ("is there a cafe", "cafe"),  # diacritics folded
        ("what insurances do you accept", "insurance"),  # stemming: insurances → insurance
    ],
)
def test_the_right_chunk_is_retrieved(index: KnowledgeBaseIndex, question: str, source: str) -> None:
    results = index.search(question)
    assert results
    assert results[0].chunk.source_id == source
    assert results[0].chunk.knowledge_base_id == "kb_clinic"


def test_a_chunk_holding_every_informative_word_scores_one(index: KnowledgeBaseIndex) -> None:
    [hit] = index.search("Saturday opening hours")
    assert (hit.chunk.source_id, hit.chunk.title, hit.score) == ("hours", "Hours", 1.0)
    assert hit.bm25 < 0  # FTS5's raw bm25: lower is better


def test_unrelated_questions_retrieve_nothing(index: KnowledgeBaseIndex) -> None:
    assert index.search("What is the capital of Peru?") == []
    assert index.search("um, okay, thanks") == []
    assert index.search("") == []


def test_filter_score_drops_partial_matches() -> None:
    kb = KnowledgeBaseIndex()
    kb.add(
        "kb",
        [
            Source("a", "Refunds for damaged parcels are paid within five days."),
            Source("b", "Parcels are shipped by courier."),
            Source("c", "Gift cards never expire."),
            Source("d", "Opening hours are nine to five."),
        ],
    )
    question = "refunds for damaged parcels"
    everything = kb.search(question, top_k=10, filter_score=0.0)
    assert [r.chunk.source_id for r in everything] == ["a", "b"]
    assert everything[0].score == 1.0
    partial = everything[1].score
    assert 0 < partial < 0.6
    assert [r.chunk.source_id for r in kb.search(question, top_k=10, filter_score=partial)] == ["a", "b"]
    assert [r.chunk.source_id for r in kb.search(question, top_k=10)] == ["a"]  # the default 0.6
    assert kb.search(question, top_k=10, filter_score=1.0)[0].chunk.source_id == "a"


def test_top_k_keeps_the_best(index: KnowledgeBaseIndex) -> None:
    question = "insurance card hours parking coffee cancel"
    every = index.search(question, top_k=10, filter_score=0.0)
    assert len(every) == 5
    assert [r.bm25 for r in every] == sorted(r.bm25 for r in every)
    assert index.search(question, top_k=2, filter_score=0.0) == every[:2]
    assert index.search(question, top_k=0, filter_score=0.0) == []


def test_ties_keep_the_order_sources_were_added() -> None:
    kb = KnowledgeBaseIndex()
    kb.add("kb", [Source(f"s{i}", "Same text about pricing.") for i in range(4)])
    first = [r.chunk.source_id for r in kb.search("pricing", top_k=4)]
    assert first == ["s0", "s1", "s2", "s3"]
    assert [r.chunk.source_id for r in kb.search("pricing", top_k=4)] == first


def test_a_one_chunk_knowledge_base_still_scores() -> None:
    # FTS5 floors the IDF of a word in every chunk to ~0; the score must not follow it down.
    kb = KnowledgeBaseIndex()
    kb.add("kb", [Source("only", "Delivery takes three days.")])
    [hit] = kb.search("how long does delivery take")
    assert hit.score == 1.0


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced quote',
        "hours*",
        "*",
        "NEAR(hours parking)",
        "NEAR",
        "-parking",
        "parking - hours",
        "(hours",
        "hours)",
        "hours AND OR NOT parking",
        "title:Hours",
        "^hours",
        "hours + parking",
        "{title body}: hours",
        "'; DROP TABLE chunks; --",
        "\x00 hours \u200b",
        "hours" * 500,
        " ".join(["parking"] * 5000),
    ],
)
def test_fts5_syntax_in_queries_never_raises(index: KnowledgeBaseIndex, query: str) -> None:
    results = index.search(query, top_k=5, filter_score=0.0)
    assert all(r.score >= 0 for r in results)
    if "park" in query.lower():
        assert results[0].chunk.source_id == "parking"
    assert len(index) == 5  # nothing dropped


@settings(max_examples=150, deadline=None)
@given(query=st.text(max_size=200))
def test_any_text_is_a_valid_query(query: str) -> None:
    kb = KnowledgeBaseIndex()
    kb.add("kb", FAQ[:2])
    for result in kb.search(query, top_k=5, filter_score=0.0):
        assert 0 < result.score <= 1
    kb.close()


def test_query_words() -> None:
    assert query_words("Um, what ARE your Opening-Hours on Saturday? Saturday!") == ["opening", "hours", "saturday"]
    assert query_words('"*" NEAR() -') == ["near"]
    assert query_words("snake_case") == ["snake", "case"]


def test_chunk_sizes_are_honoured() -> None:
    text = "\n\n".join(f"Section {i}. " + "The clinic offers many services to patients. " * 8 for i in range(20))
    kb = KnowledgeBaseIndex()
    added = kb.add("kb", [Source("long", text, title="Services")], max_chunk_size=600, min_chunk_size=200)
    hits = kb.search("section services clinic patients", top_k=100, filter_score=0.0)
    assert added == len(kb) == len(hits)
    assert added > 10
    assert all(200 <= len(h.chunk.text) <= 600 for h in hits)
    assert sorted(h.chunk.position for h in hits) == list(range(added))
    default = KnowledgeBaseIndex()
    assert default.add("kb", [Source("long", text)]) < added  # 2000/400 by default: fewer, larger chunks


def test_scoping_to_knowledge_base_ids() -> None:
    kb = KnowledgeBaseIndex()
    kb.add("kb_a", [Source("a1", "Pizza is baked in a wood oven.")])
    kb.add("kb_b", [Source("b1", "Pizza delivery is free over 20 dollars.")])
    assert {r.chunk.source_id for r in kb.search("pizza", top_k=5)} == {"a1", "b1"}
    assert [r.chunk.source_id for r in kb.search("pizza", knowledge_base_ids=["kb_b"])] == ["b1"]
    assert kb.search("pizza", knowledge_base_ids=[]) == []
    assert kb.search("pizza", knowledge_base_ids=["kb_missing"]) == []


def test_add_knowledge_base_from_wire_json() -> None:
    knowledge_base = {
        "knowledge_base_id": "kb_1",
        "knowledge_base_name": "Clinic",
        "status": "complete",
        "max_chunk_size": 600,
        "min_chunk_size": 200,
        "knowledge_base_sources": [
            {"type": "text", "source_id": "t1", "title": "Hours", "content_url": "https://x.test/t1"},
            {
                "type": "document",
                "source_id": "d1",
                "filename": "prices.txt",
                "file_url": "https://x.test/d1",
                "file_size": 10,
            },
            {"type": "url", "source_id": "u1", "url": "https://clinic.test/faq"},
            {"type": "url", "source_id": "u2", "url": "https://clinic.test/unfetched"},
        ],
    }
    texts = {"t1": "Open on Saturday.", "d1": "A checkup costs 80 dollars.", "u1": "Parking is free."}
    kb = KnowledgeBaseIndex()
    assert kb.add_knowledge_base(knowledge_base, texts) == 3
    assert [(r.chunk.source_id, r.chunk.title) for r in kb.search("checkup cost")] == [("d1", "prices.txt")]
    assert kb.search("parking")[0].chunk.title == "https://clinic.test/faq"


def test_search_config_reads_kb_config(index: KnowledgeBaseIndex) -> None:
    question = "insurance card hours parking coffee cancel"
    assert len(index.search_config(question, {"top_k": 4, "filter_score": 0.0})) == 4
    assert len(index.search_config(question, {"top_k": None, "filter_score": 0})) == DEFAULT_TOP_K
    assert index.search_config(question, None) == index.search(question)
    assert (DEFAULT_TOP_K, DEFAULT_FILTER_SCORE) == (3, 0.6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top_k": -1}, "top_k must be a whole number >= 0"),
        ({"top_k": True}, "top_k must be a whole number >= 0"),
        ({"filter_score": 1.5}, "filter_score must be between 0 and 1"),
        ({"filter_score": -0.1}, "filter_score must be between 0 and 1"),
    ],
)
def test_invalid_settings(index: KnowledgeBaseIndex, kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        index.search("hours", **kwargs)  # type: ignore[arg-type]


def test_retrieved_text_for_the_prompt_and_the_run(index: KnowledgeBaseIndex) -> None:
    results = index.search("parking behind the clinic", top_k=1)
    assert retrieved_contents(results) == [FAQ[1].text]
    assert prompt_section(results) == f"## Related knowledge base contents\n[Parking]\n{FAQ[1].text}"
    assert prompt_section([]) == ""


class _NoFTS5:
    """A connection of a SQLite built without FTS5."""

    closed = False

    def execute(self, sql: str, *args: object) -> None:
        raise sqlite3.OperationalError("no such module: fts5")

    def close(self) -> None:
        self.closed = True


def test_a_sqlite_without_fts5_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    connection = _NoFTS5()
    monkeypatch.setattr("retell_dsl.sim.kb.index.sqlite3.connect", lambda *a, **k: connection)
    with pytest.raises(ConfigurationError, match=r"needs SQLite's FTS5 .*no such module: fts5"):
        KnowledgeBaseIndex()
    assert connection.closed
