"""The speaking-rate model: how long words take to say, for ``transcript_object`` word timings.

The engine has no audio, so word times are modelled, deterministically:

* every word (a whitespace-separated token, punctuation kept, as Retell reports it) takes
  ``60 000 / words_per_minute`` ms (150 words per minute by default: 400 ms a word, the usual
  rate of conversational English);
* a word ending a clause (``,`` ``;`` ``:``) is followed by a 200 ms pause, a word ending a
  sentence (``.`` ``?`` ``!``) by a 400 ms pause; no pause follows the last word;
* the utterance starts at its event's ``at_ms``. When the event carries a ``duration_ms`` (the
  interpreter's own estimate), the modelled timings are scaled to fill exactly that span, so
  words never run past the utterance; otherwise the span is the modelled duration.

Times are computed in whole milliseconds and reported in seconds (three decimals), so they are
monotonic and exact.

>>> words("Hi, how can I help?", start_ms=1000)
[{'word': 'Hi,', 'start': 1.0, 'end': 1.4}, {'word': 'how', 'start': 1.6, 'end': 2.0}, \
{'word': 'can', 'start': 2.0, 'end': 2.4}, {'word': 'I', 'start': 2.4, 'end': 2.8}, \
{'word': 'help?', 'start': 2.8, 'end': 3.2}]
>>> speech_duration_ms("Hi, how can I help?")
2200
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_RATE", "SpeakingRate", "speech_duration_ms", "word_spans", "words"]

#: Closing quotes and brackets looked through to find a word's punctuation.
_CLOSERS = "\"')]\u00bb\u201d\u2019"


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeakingRate:
    """Words per minute and the pauses after punctuation (ms).

    >>> SpeakingRate(words_per_minute=120).word_ms
    500
    """

    words_per_minute: int = 150
    clause_pause_ms: int = 200
    sentence_pause_ms: int = 400

    def __post_init__(self) -> None:
        if self.words_per_minute <= 0:
            raise ValueError(f"words_per_minute must be positive, got {self.words_per_minute}")
        if self.clause_pause_ms < 0 or self.sentence_pause_ms < 0:
            raise ValueError("pauses must not be negative")

    @property
    def word_ms(self) -> int:
        """How long one word takes."""
        return round(60_000 / self.words_per_minute)

    def pause_after(self, word: str) -> int:
        """The pause after ``word`` (its trailing punctuation decides)."""
        stripped = word.rstrip(_CLOSERS)
        if stripped.endswith((".", "?", "!", "…")):
            return self.sentence_pause_ms
        if stripped.endswith((",", ";", ":")):
            return self.clause_pause_ms
        return 0


DEFAULT_RATE = SpeakingRate()


def _model(text: str, rate: SpeakingRate) -> list[tuple[str, int, int]]:
    tokens = text.split()
    spans: list[tuple[str, int, int]] = []
    clock = 0
    for i, token in enumerate(tokens):
        spans.append((token, clock, clock + rate.word_ms))
        clock += rate.word_ms
        if i < len(tokens) - 1:
            clock += rate.pause_after(token)
    return spans


def speech_duration_ms(text: str, rate: SpeakingRate = DEFAULT_RATE) -> int:
    """How long ``text`` takes to say under ``rate`` (0 for no words).

    >>> speech_duration_ms(""), speech_duration_ms("Yes.")
    (0, 400)
    """
    spans = _model(text, rate)
    return spans[-1][2] if spans else 0


def word_spans(
    text: str, *, start_ms: int, duration_ms: int = 0, rate: SpeakingRate = DEFAULT_RATE
) -> list[tuple[str, int, int]]:
    """Each word of ``text`` with its start and end in ms of conversation time.

    With ``duration_ms`` > 0 the model is scaled to end exactly at ``start_ms + duration_ms``.

    >>> word_spans("Hello there.", start_ms=0, duration_ms=400)
    [('Hello', 0, 200), ('there.', 200, 400)]
    """
    spans = _model(text, rate)
    if not spans:
        return []
    natural = spans[-1][2]
    if duration_ms > 0 and duration_ms != natural:
        return [(w, start_ms + s * duration_ms // natural, start_ms + e * duration_ms // natural) for w, s, e in spans]
    return [(w, start_ms + s, start_ms + e) for w, s, e in spans]


def words(text: str, *, start_ms: int, duration_ms: int = 0, rate: SpeakingRate = DEFAULT_RATE) -> list[dict[str, Any]]:
    """Retell's ``words`` list: ``[{word, start, end}]`` in seconds of call audio.

    >>> words("Okay.", start_ms=2500)
    [{'word': 'Okay.', 'start': 2.5, 'end': 2.9}]
    """
    return [
        {"word": w, "start": s / 1000, "end": e / 1000}
        for w, s, e in word_spans(text, start_ms=start_ms, duration_ms=duration_ms, rate=rate)
    ]
