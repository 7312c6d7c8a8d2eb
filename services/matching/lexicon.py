"""A curated multilingual lexicon of ESN causes: words in eight languages mapped to shared concepts.

A student writes "Me encantaría ayudar a personas mayores", a section describes "Pomeriggi con
gli anziani": character n-grams see nothing in common, but both mention the concept ``elderly``.
This module finds such concepts in a text, in any of the languages it knows (en, es, it, de, fr,
pt, pl, tr) at once, without being told the language and without anything downloaded at run time.

Each concept is a language-independent id (``beach_cleanup``, ``tutoring``, ``refugees``, ...)
that belongs to one of ESN's six causes; each cause also has a generic concept (``cause_culture``,
``cause_environment``, ...) for the words that name the cause itself ("environment", "Umwelt",
"çevre"). Three uses:

- :func:`concepts_in` lists the concepts a text mentions, one per occurrence, in order;
- :func:`concept_tokens` writes them as tokens (``zzc_elderly``) that no real word collides
  with, to append to a document before text vectorisation: two texts about the same concept in
  different languages then share those tokens;
- :func:`cause_scores` turns them into the share of mentions per cause.

Data: ``lexicon_data/concepts.toml`` lists the concepts by cause, with a short gloss each, and one
file per language (``en.toml``, ``es.toml``, ...) maps every concept id to its terms. A term is
written folded, the way :func:`services.kernel.text.fold_text` folds (lower case, accents
stripped: "personnes agees", "cocuk*"), as one or more words separated by single spaces. A word
ending in ``*`` matches any word it starts ("umwelt*" matches "umweltschutzer", "cocuk*" matches
"cocuklarla"): stems for inflected languages, heads of German compounds. Texts are folded the
same way and split into words at anything that is not a letter or a digit, so "clean-up" is the
phrase "clean up" and "l'ambiente" is "l ambiente".

Matching reads a text left to right and takes, at each word, the most specific term that matches
there: the one covering more words, then a whole word over a prefix, then the longer prefix
("kunststoff*", plastic, beats "kunst*", art). The words it covers are not read again. A
language file may list ``_ignore`` terms: they match like the others and yield nothing, so that a
known false friend ("son basvuru tarihi", application deadline) does not count as a shorter term
inside it ("tarihi", history).

Precision matters more than recall: a wrong concept drags a text to the wrong cause, a missing one
only leaves the other signals to decide. Leave out words that mean something else in another of
the languages (Polish "las", forest, is Spanish "las"; Turkish "hasta", ill, is Spanish "until").

To extend it:

- add a concept: give it an id and gloss under its cause in ``concepts.toml``, then terms in every
  language file (the tests require each file to cover each concept);
- add a language: copy ``en.toml`` to ``<code>.toml``, translate every entry, and add the code to
  :data:`LANGUAGES`; the tests check the file is complete and folded, and that no term means two
  concepts.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray

from services.kernel.text import fold_text
from socialerasmus.common.v1 import common_pb2

__all__ = [
    "CONCEPT_CAUSE",
    "CONCEPT_GLOSS",
    "CONCEPT_TOKEN_PREFIX",
    "IGNORE_KEY",
    "LANGUAGES",
    "cause_scores",
    "concept_tokens",
    "concepts_in",
    "language_terms",
]

LANGUAGES: Final = ("en", "es", "it", "de", "fr", "pt", "pl", "tr")
"""Languages with a terms file, as ISO 639-1 codes."""

CONCEPT_TOKEN_PREFIX: Final = "zzc_"
"""Starts every token of :func:`concept_tokens`; no word of any covered language starts so."""

IGNORE_KEY: Final = "_ignore"
"""Key of a language file's terms that match and yield no concept."""

_DATA_PACKAGE: Final = "services.matching"
_DATA_FOLDER: Final = "lexicon_data"
_WORD = re.compile(r"\w+")
_WORD_CACHE_SIZE: Final = 1 << 16
"""Distinct chunks of text kept folded and looked up, least recently used dropped first."""
_N_CAUSE_SLOTS: Final = max(common_pb2.Cause.values()) + 1


def _read_toml(name: str) -> dict[str, object]:
    source = resources.files(_DATA_PACKAGE).joinpath(_DATA_FOLDER, name).read_text("utf-8")
    return tomllib.loads(source)


def _load_concepts() -> tuple[dict[str, common_pb2.Cause.ValueType], dict[str, str]]:
    causes: dict[str, common_pb2.Cause.ValueType] = {}
    glosses: dict[str, str] = {}
    for cause_name, concepts in _read_toml("concepts.toml").items():
        cause = common_pb2.Cause.Value(f"CAUSE_{cause_name}")
        if not isinstance(concepts, dict):
            raise ValueError(f"concepts.toml: [{cause_name}] must be a table of concept = gloss")
        for concept, gloss in concepts.items():
            if concept in causes:
                raise ValueError(f"concepts.toml: {concept} is listed under two causes")
            causes[concept] = cause
            glosses[concept] = str(gloss)
    return causes, glosses


_CAUSES, _GLOSSES = _load_concepts()

CONCEPT_CAUSE: Final[Mapping[str, common_pb2.Cause.ValueType]] = MappingProxyType(_CAUSES)
"""The cause of every concept id."""

CONCEPT_GLOSS: Final[Mapping[str, str]] = MappingProxyType(_GLOSSES)
"""What every concept id covers, in a few English words."""


@dataclass(frozen=True, slots=True)
class _Term:
    """One term of a language file: its words (each exact, or a prefix when ending in ``*``)."""

    text: str
    concept: str | None
    """``None`` for an ``_ignore`` term."""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.split(" "))


def language_terms(language: str) -> dict[str, list[str]]:
    """The terms file of a language as written: concept id (or ``_ignore``) to its terms."""
    table = _read_toml(f"{language}.toml")
    terms: dict[str, list[str]] = {}
    for key, value in table.items():
        if not isinstance(value, list) or not all(isinstance(term, str) for term in value):
            raise ValueError(f"{language}.toml: {key} must be a list of strings")
        terms[key] = [str(term) for term in value]
    return terms


def _terms() -> Iterator[_Term]:
    for language in LANGUAGES:
        for key, texts in language_terms(language).items():
            if key != IGNORE_KEY and key not in CONCEPT_CAUSE:
                raise ValueError(f"{language}.toml: {key} is not a concept of concepts.toml")
            concept = None if key == IGNORE_KEY else key
            for text in texts:
                if not all(_WORD.fullmatch(word.removesuffix("*")) for word in text.split(" ")):
                    raise ValueError(f"{language}.toml: {text!r} must be words and spaces")
                yield _Term(text, concept)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A term keyed by its first word: the words that must follow it, and what it means."""

    rest: tuple[tuple[str, bool], ...]
    """Each following word as (letters, whether a prefix)."""
    concept: str | None
    rank: tuple[int, int]
    """(words covered, letters fixed plus one per whole word): the higher rank wins a position."""


def _word_rank(word: str) -> int:
    return len(word) - 1 if word.endswith("*") else len(word) + 1


@dataclass(frozen=True, slots=True)
class _Compiled:
    exact: dict[str, tuple[_Entry, ...]]
    prefixes: dict[str, tuple[_Entry, ...]]
    prefix_lengths: tuple[int, ...]


@functools.cache
def _compiled() -> _Compiled:
    exact: dict[str, list[_Entry]] = {}
    prefixes: dict[str, list[_Entry]] = {}
    seen: set[str] = set()
    for term in _terms():
        if term.text in seen:  # the same word in two languages: one entry is enough
            continue
        seen.add(term.text)
        first, *rest = term.words
        entry = _Entry(
            rest=tuple((word.removesuffix("*"), word.endswith("*")) for word in rest),
            concept=term.concept,
            rank=(len(term.words), sum(map(_word_rank, term.words))),
        )
        if first.endswith("*"):
            prefixes.setdefault(first.removesuffix("*"), []).append(entry)
        else:
            exact.setdefault(first, []).append(entry)
    return _Compiled(
        exact={word: tuple(entries) for word, entries in exact.items()},
        prefixes={stem: tuple(entries) for stem, entries in prefixes.items()},
        prefix_lengths=tuple(sorted({len(stem) for stem in prefixes}, reverse=True)),
    )


@dataclass(frozen=True, slots=True)
class _Starts:
    """The terms that may start at a word: its best one-word term, and the longer ones."""

    single: _Entry | None
    phrases: tuple[_Entry, ...]
    """Most specific first: the first that matches the following words wins."""


def _starting_with(word: str) -> _Starts | None:
    """What may start at ``word``; ``None`` for most words of a text."""
    lexicon = _compiled()
    found = list(lexicon.exact.get(word, ()))
    for length in lexicon.prefix_lengths:
        if length <= len(word):
            found.extend(lexicon.prefixes.get(word[:length], ()))
    if not found:
        return None
    single = max((e for e in found if not e.rest), key=lambda e: e.rank, default=None)
    phrases = sorted((e for e in found if e.rest), key=lambda e: e.rank, reverse=True)
    return _Starts(single, tuple(phrases))


_Read = tuple[tuple[str, _Starts | None], ...]


@functools.lru_cache(maxsize=_WORD_CACHE_SIZE)
def _read_chunk(chunk: str) -> _Read:
    """The words of a whitespace-free chunk of text ("(l'ambiente,"), folded, each with what may
    start there. Cached: texts share most of their chunks, and folding is the costly part."""
    return tuple((word, _starting_with(word)) for word in _WORD.findall(fold_text(chunk)))


def _follows(read: list[tuple[str, _Starts | None]], start: int, entry: _Entry) -> bool:
    if start + len(entry.rest) > len(read):
        return False
    for offset, (letters, is_prefix) in enumerate(entry.rest):
        word = read[start + offset][0]
        if not (word.startswith(letters) if is_prefix else word == letters):
            return False
    return True


def concepts_in(text: str) -> list[str]:
    """Concept ids the text mentions, one per occurrence, in the order they occur."""
    read = [word for chunk in text.split() for word in _read_chunk(chunk)]
    found: list[str] = []
    next_free = 0
    for position, (_, starts) in enumerate(read):
        if starts is None or position < next_free:
            continue
        chosen = next((e for e in starts.phrases if _follows(read, position + 1, e)), starts.single)
        if chosen is None:
            continue
        if chosen.concept is not None:
            found.append(chosen.concept)
        next_free = position + 1 + len(chosen.rest)
    return found


def concept_tokens(text: str) -> str:
    """The concepts of :func:`concepts_in` as space-separated tokens (``zzc_elderly``)."""
    return " ".join(CONCEPT_TOKEN_PREFIX + concept for concept in concepts_in(text))


def cause_scores(text: str) -> NDArray[np.float64]:
    """Share of the text's concept mentions per cause, indexed by Cause value (index 0 unused).

    All zeros when the text mentions no concept.
    """
    scores = np.zeros(_N_CAUSE_SLOTS, dtype=np.float64)
    for concept in concepts_in(text):
        scores[CONCEPT_CAUSE[concept]] += 1.0
    total = scores.sum()
    return scores / total if total else scores
