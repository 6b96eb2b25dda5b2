"""The glossary's entries and their collection: lookup and ranked search, stdlib only.

This is the part of the knowledge base that reading needs. :mod:`dlterms.kb.readcopy`
fills a :class:`Glossary` from the compact read copy the build writes, and
:mod:`dlterms.kb.glossary` fills one from the YAML after checking every rule; both
give the same entries. Nothing here imports yaml, jsonschema or an implementation.
"""

from __future__ import annotations

import bisect
import importlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Disambiguation",
    "Entry",
    "Example",
    "Glossary",
    "QuizItem",
    "Sense",
    "glossary_dir",
    "normalize_name",
    "package_glossary_dir",
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SCHEMA_FILE = "schema.json"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the dlterms package


def package_glossary_dir() -> Path:
    """Return the package's own glossary: the checkout's ``glossary/``, else the installed copy."""
    checkout = _PACKAGE_DIR.parent / "glossary"
    if (checkout / SCHEMA_FILE).is_file():
        return checkout
    return _PACKAGE_DIR / "_glossary"


def glossary_dir() -> Path:
    """Return the glossary folder.

    ``$DLTERMS_GLOSSARY`` if set, else the checkout's ``glossary/``, else the
    copy installed inside the package.
    """
    if os.environ.get("DLTERMS_GLOSSARY"):
        return Path(os.environ["DLTERMS_GLOSSARY"]).resolve()
    return package_glossary_dir()


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib  # only when a name is not found

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Example:
    """A worked example: the hand calculation and the doctest that checks it."""

    text: str
    code: str = ""


@dataclass(frozen=True)
class QuizItem:
    """A question with its answer, or a cloze sentence (``question`` holds the cloze).

    `id` is the item's stable key within its entry; the flashcard's identity comes
    from it, never from the text.
    """

    id: str
    question: str
    answer: str = ""
    cloze: bool = False


@dataclass(frozen=True)
class Sense:
    """Another meaning of an overloaded word, and the entry that explains it."""

    see: str
    sense: str


@dataclass(frozen=True)
class Disambiguation:
    """An overloaded word (e.g. "bias") and its other meanings."""

    word: str
    senses: tuple[Sense, ...]


@dataclass(frozen=True, repr=False)
class Entry:
    """One glossary entry, as validated from ``glossary/<id>.yaml``.

    In a notebook an entry shows itself as Markdown (term, definition, formula,
    worked example, pitfalls, reference functions); its plain ``repr`` stays short.

    Examples
    --------
    >>> import dlterms
    >>> dlterms.lookup("softmax")
    Entry('softmax', term='Softmax')
    """

    id: str
    term: str
    definition: str
    tags: tuple[str, ...]
    sources: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    explanation: str = ""
    formula: str = ""
    example: Example | None = None
    pitfalls: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    implementation: tuple[str, ...] = ()
    quiz: tuple[QuizItem, ...] = ()
    frameworks: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    disambiguation: Disambiguation | None = None
    references: tuple[str, ...] = ()
    predict_cards: tuple[str, ...] | None = None
    path: Path | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        return f"Entry({self.id!r}, term={self.term!r})"

    def _repr_markdown_(self) -> str:
        """What Jupyter shows: the entry as Markdown, math typeset by the notebook."""
        from dlterms.kb.present import entry_markdown

        return entry_markdown(self)

    @property
    def names(self) -> tuple[str, ...]:
        """The term followed by its aliases."""
        return (self.term, *self.aliases)

    @property
    def topic(self) -> str:
        """The main topic: the first tag."""
        return self.tags[0]

    @property
    def functions(self) -> tuple[Callable[..., Any], ...]:
        """The reference functions named by ``implementation``, imported."""
        return tuple(_resolve(path) for path in self.implementation)

    @classmethod
    def from_mapping(cls, entry_id: str, data: dict[str, Any], path: Path | None = None) -> Entry:
        example = data.get("example")
        quiz = tuple(
            QuizItem(item["id"], item["cloze"], cloze=True)
            if "cloze" in item
            else QuizItem(item["id"], item["question"], item["answer"])
            for item in data.get("quiz", ())
        )
        return cls(
            id=entry_id,
            term=data["term"],
            definition=data["definition"].strip(),
            tags=tuple(data["tags"]),
            sources=tuple(data.get("sources", ())),
            aliases=tuple(data.get("aliases", ())),
            explanation=data.get("explanation", "").strip(),
            formula=data.get("formula", "").strip(),
            example=Example(example["text"].strip(), example.get("code", "").strip())
            if example
            else None,
            pitfalls=tuple(p.strip() for p in data.get("pitfalls", ())),
            see_also=tuple(data.get("see_also", ())),
            prerequisites=tuple(data.get("prerequisites", ())),
            implementation=tuple(data.get("implementation", ())),
            quiz=quiz,
            frameworks={
                lib: (names,) if isinstance(names, str) else tuple(names)
                for lib, names in data.get("frameworks", {}).items()
            },
            disambiguation=Disambiguation(
                data["disambiguation"]["word"],
                tuple(Sense(**item) for item in data["disambiguation"]["senses"]),
            )
            if "disambiguation" in data
            else None,
            references=tuple(data.get("references", ())),
            predict_cards=tuple(data["predict_cards"]) if "predict_cards" in data else None,
            path=path,
        )

    def to_mapping(self) -> dict[str, Any]:
        """The entry as the fields of its YAML file; :meth:`from_mapping` inverts it."""
        optional: dict[str, Any] = {
            "aliases": list(self.aliases),
            "explanation": self.explanation,
            "formula": self.formula,
            "example": {"text": self.example.text, "code": self.example.code}
            if self.example
            else None,
            "pitfalls": list(self.pitfalls),
            "see_also": list(self.see_also),
            "prerequisites": list(self.prerequisites),
            "implementation": list(self.implementation),
            "quiz": [
                {"id": q.id, "cloze": q.question}
                if q.cloze
                else {"id": q.id, "question": q.question, "answer": q.answer}
                for q in self.quiz
            ],
            "frameworks": {lib: list(names) for lib, names in self.frameworks.items()},
            "sources": list(self.sources),
            "references": list(self.references),
            "disambiguation": {
                "word": self.disambiguation.word,
                "senses": [{"see": s.see, "sense": s.sense} for s in self.disambiguation.senses],
            }
            if self.disambiguation
            else None,
        }
        out = {
            "term": self.term,
            "definition": self.definition,
            "tags": list(self.tags),
            **{k: v for k, v in optional.items() if v},
        }
        if self.predict_cards is not None:  # an empty list is a choice: no predict cards
            out["predict_cards"] = list(self.predict_cards)
        return out


def _resolve(dotted: str) -> Callable[..., Any]:
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def normalize_name(name: str) -> str:
    """Fold a name for matching: Unicode-compatible forms (NFKC), case, punctuation and spacing.

    Letters of every script count, so ``"σ"`` stays ``"σ"`` and full-width ``"ＭＳＥ"``
    matches ``"MSE"``; a name with no letter or digit folds to ``""`` and matches nothing.

    Examples
    --------
    >>> normalize_name("  Mean-Squared   Error ")
    'mean squared error'
    >>> normalize_name("ＭＳＥ"), normalize_name("σ"), normalize_name("😀")
    ('mse', 'σ', '')
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_WORD.findall(folded))


_WORD = re.compile(r"[^\W_]+")
#: Distinct query words a search reads; more add nothing a reader could use.
MAX_QUERY_WORDS = 32


def _check_text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str; got {type(value).__name__}.")
    return value


class _FieldIndex:
    """One text field of one entry: its sorted tokens, for prefix counts by bisection."""

    __slots__ = ("cumulative", "tokens")

    def __init__(self, text: str) -> None:
        counts: dict[str, int] = {}
        for t in text.split():
            counts[t] = counts.get(t, 0) + 1
        self.tokens = sorted(counts)
        self.cumulative = [0]
        for t in self.tokens:
            self.cumulative.append(self.cumulative[-1] + counts[t])

    def prefix_count(self, word: str) -> int:
        """How many tokens start with `word`, in O(log n)."""
        lo = bisect.bisect_left(self.tokens, word)
        hi = bisect.bisect_left(self.tokens, word + "\U0010ffff")
        return self.cumulative[hi] - self.cumulative[lo]


# --------------------------------------------------------------------------- the collection


class Glossary:
    """All entries, by id, with name lookup and ranked search."""

    def __init__(self, entries: Iterable[Entry], root: Path | None = None) -> None:
        self.root = root
        self.entries: dict[str, Entry] = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
        self._by_name: dict[str, Entry] = {}
        for e in self.entries.values():
            for name in (e.id, *e.names):
                key = normalize_name(name)
                if key:  # a name without letters or digits matches nothing
                    self._by_name.setdefault(key, e)
        self._index: list[tuple[Entry, list[str], list[tuple[float, _FieldIndex]]]] | None = None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def lookup(self, name: str) -> Entry:
        """Return the entry whose id, term or alias matches `name` (case-insensitive)."""
        key = normalize_name(_check_text(name, "name"))
        if key in self._by_name:
            return self._by_name[key]
        senses = self.senses(name)
        if senses:
            terms = ", ".join(repr(e.term) for e in senses)
            raise KeyError(f"{name!r} has several meanings; look up one of {terms}")
        hint = _did_you_mean(key, self._by_name)
        raise KeyError(f"no glossary entry is called {name!r}" + (f"; {hint}" if hint else ""))

    def senses(self, word: str) -> list[Entry]:
        """The entries for each meaning of an overloaded word such as "bias"."""
        key = normalize_name(word)
        ids: dict[str, None] = {}
        for e in self.entries.values():
            d = e.disambiguation
            if d and normalize_name(d.word) == key:
                ids.update(dict.fromkeys([e.id, *(s.see for s in d.senses)]))
        return [self.entries[i] for i in ids if i in self.entries]

    def search(self, query: str, *, limit: int = 10) -> list[Entry]:
        """Rank entries by how well they match the words of `query`.

        Time grows with the number of distinct words (at most :data:`MAX_QUERY_WORDS`),
        not with the length of the query, and each word costs a bisection per field.
        """
        _check_text(query, "query")
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError(f"limit must be an int; got {type(limit).__name__}.")
        if limit < 1:
            raise ValueError(f"limit must be a positive int; got {limit}.")
        words = list(dict.fromkeys(normalize_name(query).split()))[:MAX_QUERY_WORDS]
        if not words:
            return []
        phrase = " ".join(words)
        scored = []
        for e, names, fields in self._search_index():
            score = 100.0 if phrase in names else 0.0
            score += sum(20.0 for n in names if n.startswith(phrase))
            for weight, field_index in fields:
                score += weight * sum(field_index.prefix_count(w) for w in words)
            if score:
                scored.append((-score, e.id, e))
        return [e for _, _, e in sorted(scored)[:limit]]

    def _search_index(self) -> list[tuple[Entry, list[str], list[tuple[float, _FieldIndex]]]]:
        if self._index is None:
            self._index = []
            for e in self.entries.values():
                names = [normalize_name(n) for n in e.names]
                fields = [
                    (8.0, _FieldIndex(" ".join(names))),
                    (3.0, _FieldIndex(normalize_name(e.definition))),
                    (
                        1.0,
                        _FieldIndex(
                            normalize_name(" ".join([e.explanation, *e.pitfalls, *e.tags]))
                        ),
                    ),
                ]
                self._index.append((e, names, fields))
        return self._index

    def referenced_by(self, entry_id: str) -> list[Entry]:
        """Entries whose see_also or prerequisites name `entry_id`."""
        return [e for e in self if entry_id in e.see_also or entry_id in e.prerequisites]
