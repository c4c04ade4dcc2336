"""Splitting a knowledge-base source into chunks, with the knowledge base's ``max_chunk_size`` / ``min_chunk_size``.

Retell's sizes count characters (``knowledge_base_create_params.py``): ``max_chunk_size``
defaults to 2000 and ``min_chunk_size`` to 400, and "chunks smaller than this will be merged with
adjacent chunks". Retell does not document where it cuts, so this is the engine's rule:

1. the text is cut into paragraphs (blank lines); a paragraph longer than ``max_chunk_size`` into
   sentences; a sentence still longer into words; a word still longer into slices;
2. the pieces are packed greedily, in order, into chunks of at most ``max_chunk_size``
   characters (paragraphs joined by a blank line, sentences and words by a space);
3. a chunk shorter than ``min_chunk_size`` is merged into its previous (else next) neighbour
   when the result fits ``max_chunk_size``; when it does not, the two are cut again at the
   whitespace nearest their middle, so both are about half of the pair.

``max_chunk_size`` is never exceeded, and every word of the text is kept, in order. With
``min_chunk_size`` at most half of ``max_chunk_size`` (Retell's defaults), every chunk reaches
``min_chunk_size`` unless the whole text is shorter (or words too long to move decide it).

>>> chunk_text("First paragraph.\\n\\nSecond paragraph.", max_chunk_size=20, min_chunk_size=5)
['First paragraph.', 'Second paragraph.']
>>> chunk_text("Short.\\n\\nAlso short.", max_chunk_size=600, min_chunk_size=200)
['Short.\\n\\nAlso short.']
"""

from __future__ import annotations

import re

from retell_dsl.errors import InvalidArgument

__all__ = ["DEFAULT_MAX_CHUNK_SIZE", "DEFAULT_MIN_CHUNK_SIZE", "chunk_text"]

DEFAULT_MAX_CHUNK_SIZE = 2000
DEFAULT_MIN_CHUNK_SIZE = 400

_PARAGRAPHS = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_SPACE = re.compile(r"\s+")


def _pieces(text: str, max_size: int) -> list[tuple[str, str]]:
    """``(separator before, piece)`` pairs, every piece at most ``max_size`` characters."""
    out: list[tuple[str, str]] = []
    for paragraph in _PARAGRAPHS.split(text.strip()):
        paragraph = "\n".join(line.strip() for line in paragraph.splitlines()).strip()
        if not paragraph:
            continue
        sep = "\n\n"
        if len(paragraph) <= max_size:
            out.append((sep, paragraph))
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            if len(sentence) <= max_size:
                out.append((sep, sentence))
                sep = " "
                continue
            for word in _SPACE.split(sentence):
                for start in range(0, len(word), max_size):
                    out.append((sep, word[start : start + max_size]))
                    sep = " "
            sep = " "
    return out


def _pack(pieces: list[tuple[str, str]], max_size: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for sep, piece in pieces:
        if current and len(current) + len(sep) + len(piece) <= max_size:
            current += sep + piece
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _halve(text: str, max_size: int) -> tuple[str, str] | None:
    """``text`` cut at the whitespace nearest its middle, or ``None`` if a half would pass ``max_size``."""
    middle = len(text) / 2
    cuts = [m.start() for m in _SPACE.finditer(text)]
    if not cuts:
        return None
    cut = min(cuts, key=lambda i: (abs(i - middle), i))
    left, right = text[:cut].rstrip(), text[cut:].lstrip()
    if not left or not right or len(left) > max_size or len(right) > max_size:
        return None
    return left, right


def _merge_small(chunks: list[str], min_size: int, max_size: int) -> list[str]:
    i = 0
    while i < len(chunks) and len(chunks) > 1:
        if len(chunks[i]) >= min_size:
            i += 1
            continue
        other = i - 1 if i > 0 else i + 1
        first, second = sorted((i, other))
        joined = chunks[first] + "\n\n" + chunks[second]
        if len(joined) <= max_size:
            chunks[first : second + 1] = [joined]
            i = max(first - 1, 0)  # the merged chunk may still be short: look at it again
            continue
        halves = _halve(joined, max_size)
        if halves is not None and min(len(h) for h in halves) > len(chunks[i]):
            chunks[first : second + 1] = list(halves)
        i += 1
    return chunks


def chunk_text(
    text: str, *, max_chunk_size: int = DEFAULT_MAX_CHUNK_SIZE, min_chunk_size: int = DEFAULT_MIN_CHUNK_SIZE
) -> list[str]:
    """Cut ``text`` into chunks as described in the module docstring (``[]`` for blank text).

    >>> [len(c) for c in chunk_text("word " * 300, max_chunk_size=600, min_chunk_size=200)]
    [599, 599, 299]
    """
    if max_chunk_size < 1 or min_chunk_size < 0 or min_chunk_size >= max_chunk_size:
        raise InvalidArgument(
            f"chunk sizes need 0 <= min_chunk_size < max_chunk_size, got min {min_chunk_size} and max {max_chunk_size}"
        )
    return _merge_small(_pack(_pieces(text, max_chunk_size), max_chunk_size), min_chunk_size, max_chunk_size)
