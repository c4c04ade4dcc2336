"""Chunking knowledge-base sources with Retell's max/min chunk sizes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.kb import DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MIN_CHUNK_SIZE, chunk_text


def test_defaults_are_retells() -> None:
    assert (DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MIN_CHUNK_SIZE) == (2000, 400)


def test_small_text_is_one_chunk() -> None:
    assert chunk_text("  Open 9 to 5.  \n") == ["Open 9 to 5."]
    assert chunk_text(" \n\n ") == []


def test_paragraphs_are_packed_up_to_the_maximum() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 40 for i in range(10)]  # 211 characters each, stripped
    chunks = chunk_text("\n\n".join(paragraphs), max_chunk_size=600, min_chunk_size=200)
    assert [len(c) for c in chunks] == [424, 424, 424, 424, 424]
    assert chunks[0] == paragraphs[0].strip() + "\n\n" + paragraphs[1].strip()


def test_a_long_paragraph_is_cut_at_sentences() -> None:
    sentences = [f"Sentence number {i} says something useful about the clinic." for i in range(30)]
    chunks = chunk_text(" ".join(sentences), max_chunk_size=600, min_chunk_size=200)
    assert all(len(c) <= 600 for c in chunks)
    assert all(c.endswith(".") for c in chunks)  # no sentence is split
    assert " ".join(chunks) == " ".join(sentences)


def test_a_word_longer_than_the_maximum_is_sliced() -> None:
    chunks = chunk_text("x" * 1500, max_chunk_size=600, min_chunk_size=200)
    assert [len(c) for c in chunks] == [600, 600, 300]


def test_a_small_chunk_is_merged_into_its_neighbour() -> None:
    text = "A" * 500 + "\n\n" + "b" * 50 + "\n\n" + "C" * 500
    assert [len(c) for c in chunk_text(text, max_chunk_size=600, min_chunk_size=200)] == [552, 500]


def test_a_small_chunk_that_cannot_merge_is_rebalanced() -> None:
    text = ("a " * 950) + "\n\n" + ("b " * 150) + "\n\n" + ("c " * 950)
    lengths = [len(c) for c in chunk_text(text)]
    assert lengths == [1099, 1100, 1899]
    assert min(lengths) >= DEFAULT_MIN_CHUNK_SIZE


@pytest.mark.parametrize(("low", "high"), [(400, 400), (500, 400), (-1, 400), (0, 0)])
def test_invalid_sizes(low: int, high: int) -> None:
    with pytest.raises(InvalidArgument, match="0 <= min_chunk_size < max_chunk_size"):
        chunk_text("x", max_chunk_size=high, min_chunk_size=low)


_WORDS = st.text(alphabet="abcdefghij.?!", min_size=1, max_size=15)
_TEXT = st.lists(
    st.tuples(_WORDS, st.sampled_from([" ", " ", " ", "\n", "\n\n", "  \n \n"])), min_size=0, max_size=400
).map(lambda pairs: "".join(w + s for w, s in pairs))


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, high=st.integers(min_value=200, max_value=700), ratio=st.floats(min_value=0.05, max_value=0.45))
def test_properties(text: str, high: int, ratio: float) -> None:
    """Hard maximum, nothing lost; the minimum holds when words (<= 15 here) are short next to max / 2 - min."""
    low = int(high * ratio)
    chunks = chunk_text(text, max_chunk_size=high, min_chunk_size=low)
    assert all(len(c) <= high for c in chunks)  # the maximum is a hard bound
    assert " ".join(chunks).split() == text.split()  # every word kept, in order
    assert all(c == c.strip() and c for c in chunks)
    if len(chunks) > 1:  # min well under max / 2 and words short next to max: every chunk reaches the minimum
        assert all(len(c) >= low for c in chunks), [len(c) for c in chunks]
