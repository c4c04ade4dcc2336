"""Hypothesis strategies for agent tests: callers, dynamic variables, phone numbers, dates and DTMF digits.

Text: :func:`utterances` fills ``{slot}`` templates; :func:`paraphrases` rewrites a sentence the
way people vary it (fillers, politeness, contractions); :func:`asr_noise` garbles it the way a
speech recogniser does (lower case without punctuation, "uh"s, stutters, homophones, numbers
spoken as words). Every rewrite shrinks away, so a failing example shrinks to the plain text.

Callers: :func:`callers` draws a :class:`CallerScript` (say and press steps). It is the emulator's
caller JSON (``retell_web_call(deployed, "agent", caller=script)``) and plays in a chat with
:meth:`CallerScript.play`. Values (from :mod:`pytest_retell.values`): :func:`dtmf` draws
:class:`DtmfDigits`, :func:`phone_numbers` draws :class:`E164` numbers (fictional ranges by
default: a generated number is never a real person), :func:`dates` draws dates written as callers
say them; :func:`dynamic_variables` draws values for the variables an agent declares (see
:mod:`pytest_retell.variables`).

``st.from_type`` finds :class:`CallerScript`, :class:`E164` and :class:`DtmfDigits` once the
``hypothesis`` entry point of retell-dsl has run (``pytest_retell._hypothesis``: Hypothesis does
so when it is imported, in an environment where retell-dsl is installed), or once this module is
imported (:func:`register_types`).

>>> from hypothesis import given
>>> @given(callers(turns=["My order is {order}", dtmf(max_size=1)], slots={"order": ["A17", "B2"]}))
... def check(caller):
...     assert [s["say"] for s in caller["steps"] if "say" in s] == list(caller.utterances)
>>> check()

PYTEST_DONT_REWRITE (no assertion here is a test's: pytest need not rewrite it at start-up).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from pytest_retell.values import E164, DtmfDigits, dates, dtmf, phone_numbers
from pytest_retell.variables import dynamic_variables
from retell_dsl.errors import InvalidArgument

if TYPE_CHECKING:
    from retell_dsl.conversations import CallResult

__all__ = [
    "E164",
    "CallerScript",
    "CallerStep",
    "DtmfDigits",
    "asr_noise",
    "callers",
    "dates",
    "dtmf",
    "dynamic_variables",
    "paraphrases",
    "phone_numbers",
    "utterances",
]

Strategy = st.SearchStrategy


# ----------------------------------------------------------------------------------------- callers


@dataclass(frozen=True, slots=True)
class CallerStep:
    """One step of a :class:`CallerScript`: say ``text`` or press ``digits`` (exactly one)."""

    say: str | None = None
    press: DtmfDigits | None = None

    def __post_init__(self) -> None:
        if (self.say is None) == (self.press is None):
            raise InvalidArgument("a caller step says text or presses digits (exactly one of say=, press=)")

    def __repr__(self) -> str:
        return f"say({self.say!r})" if self.say is not None else f"press({str(self.press)!r})"

    def to_json(self) -> dict[str, str]:
        return {"say": self.say} if self.say is not None else {"press": str(self.press)}


@dataclass(frozen=True, eq=False)
class CallerScript(Mapping[str, Any]):
    """A generated caller: steps played in order, then the caller hangs up.

    It reads as the emulator's caller JSON (``{"type": "script", "steps": [...]}``), so it is a
    ``caller=`` for ``retell_web_call``; :meth:`play` sends its words in a chat or playground.

    >>> script = CallerScript((CallerStep(say="Hi"), CallerStep(press=DtmfDigits("1"))))
    >>> script, dict(script)
    (CallerScript(say('Hi'), press('1')), {'type': 'script', 'steps': [{'say': 'Hi'}, {'press': '1'}]})
    """

    steps: tuple[CallerStep, ...]

    def __post_init__(self) -> None:
        if not self.steps or not all(isinstance(s, CallerStep) for s in self.steps):
            raise InvalidArgument(f"a CallerScript needs one or more CallerStep s, got {self.steps!r}")

    def __repr__(self) -> str:
        return f"CallerScript({', '.join(map(repr, self.steps))})"

    def to_json(self) -> dict[str, Any]:
        """The emulator's caller JSON."""
        return {"type": "script", "steps": [s.to_json() for s in self.steps]}

    def __getitem__(self, key: str) -> Any:
        return self.to_json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("type", "steps"))

    def __len__(self) -> int:
        return 2

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CallerScript) and self.steps == other.steps

    def __hash__(self) -> int:
        return hash(self.steps)

    @property
    def utterances(self) -> tuple[str, ...]:
        """What the caller says, in order."""
        return tuple(s.say for s in self.steps if s.say is not None)

    def play(self, conversation: Any) -> CallResult:
        """Say each line in ``conversation`` (a chat or playground) until the agent ends it; its result.

        A chat has no keypad: a script with press steps raises (draw chat callers without ``dtmf``).
        """
        __tracebackhide__ = True
        if any(s.press is not None for s in self.steps):
            raise InvalidArgument(f"{self!r} presses digits, and a chat has no keypad: play it in a web call")
        for line in self.utterances:
            if conversation.send(line).ended:
                break
        end = getattr(conversation, "end", None)
        result: CallResult = end() if callable(end) else conversation.result()
        return result


# ----------------------------------------------------------------------------------------- text

_FILLERS = ("uh", "um", "er", "hmm", "like", "you know")
_PREFIXES = ("Hi, ", "Hello, ", "Hey, ", "Um, ", "So ", "Yeah, ", "Okay, ", "Well, ")
_SUFFIXES = (" please", ", thanks", ", thank you", " if that's okay", ".", "!")
_SWAPS = (
    ("I would like", "I'd like"), ("I would", "I'd"), ("I am", "I'm"), ("do not", "don't"), ("cannot", "can't"),
    ("it is", "it's"), ("I want to", "I'd like to"), ("I'd like to", "I want to"), ("Can you", "Could you"),
    ("could you", "can you"), ("yes", "yeah"), ("no", "nope"),
)  # fmt: skip
_HOMOPHONES = {"to": "two", "two": "to", "for": "four", "four": "for", "there": "their", "their": "there",
               "right": "write", "know": "no", "hear": "here", "here": "hear", "by": "buy", "one": "won"}  # fmt: skip
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _options(value: Any, what: str) -> Strategy[Any]:
    """A strategy for a slot or turn: a strategy as it is, a string as itself, a sequence sampled."""
    if isinstance(value, st.SearchStrategy):
        return value
    if isinstance(value, str):
        return st.just(value)
    if isinstance(value, Sequence) and value:
        return st.sampled_from(list(value))
    raise InvalidArgument(f"{what} takes a strategy, a string or a non-empty list of values, got {value!r}")


def utterances(
    template: str | Sequence[str],
    slots: Mapping[str, Any] | None = None,
    *,
    paraphrase: bool = False,
    noise: bool = False,
) -> Strategy[str]:
    """Sentences from ``template`` (or one of several), each ``{slot}`` filled from ``slots``.

    A slot's values are a strategy, a list (sampled) or one string. ``paraphrase`` / ``noise``
    rewrite the sentence with :func:`paraphrases` / :func:`asr_noise`.

    >>> from hypothesis import find
    >>> find(utterances("My order is {order}", {"order": ["A17", "B2"]}, noise=True), lambda s: "B2" in s)
    'My order is B2'
    """
    templates = [template] if isinstance(template, str) else list(template)
    if not templates or not all(isinstance(t, str) for t in templates):
        raise InvalidArgument(f"utterances takes a template string or a list of them, got {template!r}")
    given = dict(slots or {})
    for t in templates:
        missing = sorted({f for _, f, _, _ in string.Formatter().parse(t) if f} - set(given))
        if missing:
            raise InvalidArgument(f"template {t!r} has slot(s) {missing} with no values: pass slots={{...}}")
    filled = {name: _options(values, f"slot {name!r}").map(str) for name, values in given.items()}

    @st.composite
    def fill(draw: st.DrawFn) -> str:
        text = draw(st.sampled_from(templates))
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        return text.format(**{name: draw(filled[name]) for name in sorted(names)})

    out: Strategy[str] = fill()
    if paraphrase:
        out = out.flatmap(paraphrases)
    if noise:
        out = out.flatmap(asr_noise)
    return out


def paraphrases(text: str) -> Strategy[str]:
    """``text`` as people vary it: a filler or greeting first, politeness after, contractions (shrinks to ``text``)."""

    @st.composite
    def vary(draw: st.DrawFn) -> str:
        out = text
        swaps = [(a, b) for a, b in _SWAPS if re.search(rf"\b{re.escape(a)}\b", out)]
        for a, b in draw(st.lists(st.sampled_from(swaps), max_size=2, unique=True)) if swaps else []:
            out = re.sub(rf"\b{re.escape(a)}\b", b, out, count=1)
        if draw(st.booleans()):
            prefix = draw(st.sampled_from(_PREFIXES))
            out = prefix + (out[:1].lower() + out[1:] if out[:2] != "I " and out[:2] != "I'" else out)
        if draw(st.booleans()):
            out = out.rstrip(".!?") + draw(st.sampled_from(_SUFFIXES))
        return out

    return vary()


def _asr_edit(words: list[str], kind: str, at: int, pick: int) -> list[str]:
    i = at % len(words)
    word = words[i]
    if kind == "filler":
        return [*words[:i], _FILLERS[pick % len(_FILLERS)], *words[i:]]
    if kind == "stutter":
        return [*words[:i], word, *words[i:]]
    if kind == "homophone" and word.lower() in _HOMOPHONES:
        return [*words[:i], _HOMOPHONES[word.lower()], *words[i + 1 :]]
    if kind == "spell" and any(c.isdigit() for c in word):
        spelled = " ".join(_NUMBER_WORDS[int(c)] if c.isdigit() else c.lower() for c in word)
        return [*words[:i], spelled, *words[i + 1 :]]
    if kind == "drop" and len(words) > 1 and word.lower() in ("a", "an", "the", "um", "so", "just"):
        return [*words[:i], *words[i + 1 :]]
    return words


def asr_noise(text: str, *, max_edits: int = 3) -> Strategy[str]:
    """``text`` as a speech recogniser may hear it: lower case without punctuation, fillers, stutters,
    homophones, digits spoken as words, dropped little words (shrinks to ``text``)."""
    kinds = ("filler", "stutter", "homophone", "spell", "drop")

    @st.composite
    def garble(draw: st.DrawFn) -> str:
        words = text.split()
        if not words:
            return text
        plain = draw(st.booleans())
        if plain:
            words = [w.strip(",.!?;:").lower() or w for w in words]
        edit = st.tuples(st.sampled_from(kinds), st.integers(0, 50), st.integers(0, 50))
        for kind, at, pick in draw(st.lists(edit, max_size=max_edits)):
            words = _asr_edit(words, kind, at, pick)
        return " ".join(words)

    return garble()


# ----------------------------------------------------------------------------------------- callers

_DEFAULT_TURNS = (
    "Hi, I have a question.", "I'd like to book an appointment.", "Can you check my order?",
    "I want to speak to someone.", "What are your opening hours?", "Yes.", "No, thanks.", "That's all, bye.",
)  # fmt: skip


def callers(
    turns: Sequence[str | Strategy[str]] | None = None,
    *,
    slots: Mapping[str, Any] | None = None,
    paraphrase: bool = True,
    noise: bool = False,
) -> Strategy[CallerScript]:
    """Scripted callers: one step per turn, in order.

    A turn is a template (``"My order is {order}"``, filled from ``slots``), or a strategy of
    text (say it) or of :class:`DtmfDigits` (press them, e.g. ``dtmf()``). Without ``turns``, one to
    three everyday requests. ``paraphrase`` / ``noise`` vary each said line (see :func:`paraphrases`,
    :func:`asr_noise`); every variation shrinks away.
    """
    steps: list[Strategy[CallerStep]] = []

    def said(text: str) -> CallerStep:
        return CallerStep(press=text) if isinstance(text, DtmfDigits) else CallerStep(say=text)

    def vary(s: Strategy[str]) -> Strategy[str]:
        def each(text: str) -> Strategy[str]:
            if isinstance(text, DtmfDigits):
                return st.just(text)
            out = paraphrases(text) if paraphrase else st.just(text)
            return out.flatmap(asr_noise) if noise else out

        return s.flatmap(each)

    if turns is None:
        lines = st.lists(vary(st.sampled_from(_DEFAULT_TURNS)), min_size=1, max_size=3)
        return lines.map(lambda ts: CallerScript(tuple(CallerStep(say=t) for t in ts)))
    if isinstance(turns, str) or not turns:
        raise InvalidArgument(f"callers(turns=...) takes a non-empty list of turns, got {turns!r}")
    for i, turn in enumerate(turns):
        if isinstance(turn, str):
            steps.append(vary(utterances(turn, slots)).map(said))
        elif isinstance(turn, st.SearchStrategy):
            steps.append(vary(turn).map(said))
        else:
            raise InvalidArgument(f"callers: turn {i} is {turn!r}; a turn is a template string or a strategy")
    return st.tuples(*steps).map(CallerScript)


# ----------------------------------------------------------------------------------------- st.from_type


def register_types() -> None:
    """Register the strategies for ``st.from_type`` (the ``hypothesis`` entry point runs this too).

    Each is built when ``st.from_type`` first asks for it: the entry point runs in every pytest
    session of an environment with Hypothesis, and building them up front took ~0.1 s there.
    """
    st.register_type_strategy(CallerScript, lambda _: callers())
    st.register_type_strategy(E164, lambda _: phone_numbers())
    st.register_type_strategy(DtmfDigits, lambda _: dtmf())


register_types()  # also when Hypothesis was imported first and its entry point ran before this module
