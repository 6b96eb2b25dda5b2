"""Load, validate and query the glossary: the one reader of ``glossary/*.yaml``.

Everything else (the site generator, the deck exporter, :func:`dlterms.lookup`,
the command line) reads entries through :func:`load_glossary`. Loading checks
each file against the JSON Schema that ships beside the entries, then checks
the rules that span entries, and reports every problem at once as::

    glossary/softmax.yaml:12: see_also: 'sofmax' is not an entry (did you mean 'softmax'?)
"""

from __future__ import annotations

import difflib
import doctest
import functools
import importlib
import inspect
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

__all__ = [
    "Entry",
    "Glossary",
    "GlossaryError",
    "Problem",
    "check_glossary",
    "default_glossary",
    "glossary_dir",
    "load_glossary",
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SCHEMA_FILE = "schema.json"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the dlterms package


def glossary_dir() -> Path:
    """Return the glossary folder.

    ``$DLTERMS_GLOSSARY`` if set, else the checkout's ``glossary/``, else the
    copy installed inside the package.
    """
    if os.environ.get("DLTERMS_GLOSSARY"):
        return Path(os.environ["DLTERMS_GLOSSARY"]).resolve()
    checkout = _PACKAGE_DIR.parent / "glossary"
    if (checkout / SCHEMA_FILE).is_file():
        return checkout
    return _PACKAGE_DIR / "_glossary"


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, located to a line and a field."""

    path: str
    line: int
    field: str
    message: str
    fix: str = ""
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        fix = f" ({self.fix})" if self.fix else ""
        return f"{self.path}:{self.line}: {self.field}: {self.message}{fix}"


class GlossaryError(Exception):
    """Raised by :func:`load_glossary` when any file has a problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        files = len({p.path for p in self.problems})
        lines = [str(p) for p in self.problems]
        lines.append(f"Found {len(self.problems)} error(s) in {files} file(s)")
        return "\n".join(lines)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
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


@dataclass(frozen=True)
class Entry:
    """One glossary entry, as validated from ``glossary/<id>.yaml``."""

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
    predict_cards: tuple[str, ...] | None = None
    path: Path | None = field(default=None, compare=False, repr=False)

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
            sources=tuple(data["sources"]),
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
            predict_cards=tuple(data["predict_cards"]) if "predict_cards" in data else None,
            path=path,
        )


def _resolve(dotted: str) -> Callable[..., Any]:
    module_name, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def normalize_name(name: str) -> str:
    """Fold a name for matching: lower case, punctuation and spacing ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", name.lower()))


# --------------------------------------------------------------------------- the collection


class Glossary:
    """All entries, by id, with name lookup and ranked search."""

    def __init__(self, entries: Iterable[Entry], root: Path | None = None) -> None:
        self.root = root
        self.entries: dict[str, Entry] = {e.id: e for e in sorted(entries, key=lambda e: e.id)}
        self._by_name: dict[str, Entry] = {}
        for e in self.entries.values():
            for name in (e.id, *e.names):
                self._by_name.setdefault(normalize_name(name), e)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def lookup(self, name: str) -> Entry:
        """Return the entry whose id, term or alias matches `name` (case-insensitive)."""
        key = normalize_name(name)
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
        """Rank entries by how well they match the words of `query`."""
        words = normalize_name(query).split()
        if not words:
            return []
        phrase = " ".join(words)
        scored = []
        for e in self.entries.values():
            names = [normalize_name(n) for n in e.names]
            fields = [
                (8.0, " ".join(names)),
                (3.0, normalize_name(e.definition)),
                (1.0, normalize_name(" ".join([e.explanation, *e.pitfalls, *e.tags]))),
            ]
            score = 100.0 if phrase in names else 0.0
            score += sum(20.0 for n in names if n.startswith(phrase))
            for weight, text in fields:
                tokens = text.split()
                for w in words:
                    score += weight * sum(1 for t in tokens if t.startswith(w))
            if score:
                scored.append((-score, e.id, e))
        return [e for _, _, e in sorted(scored)[:limit]]

    def referenced_by(self, entry_id: str) -> list[Entry]:
        """Entries whose see_also or prerequisites name `entry_id`."""
        return [e for e in self if entry_id in e.see_also or entry_id in e.prerequisites]


@functools.cache
def default_glossary() -> Glossary:
    """The package's own glossary, loaded once per process."""
    return load_glossary()


def load_glossary(root: Path | str | None = None) -> Glossary:
    """Load and validate every ``*.yaml`` under `root`.

    Raises
    ------
    GlossaryError
        Listing every problem in every file.
    """
    glossary, problems = _load(Path(root) if root else glossary_dir())
    if problems:
        raise GlossaryError(problems)
    return glossary


def check_glossary(root: Path | str | None = None) -> list[Problem]:
    """Return every problem in the glossary under `root` (empty when it is clean)."""
    return sorted(_load(Path(root) if root else glossary_dir())[1])


# --------------------------------------------------------------------------- reading one file


@functools.cache
def _schema(schema_path: Path) -> dict[str, Any]:
    return json.loads(schema_path.read_text(encoding="utf-8"))


def tag_vocabulary(root: Path | None = None) -> dict[str, str]:
    """The fixed tag vocabulary, ``{tag: description}``, kept in the schema."""
    schema = _schema((root or glossary_dir()) / SCHEMA_FILE)
    return {t["const"]: t["description"] for t in schema["$defs"]["tag"]["oneOf"]}


class _Located:
    """A file's YAML node tree, to find the line of any field path."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.node = node

    def line(self, path: Iterable[Any]) -> int:
        """The 1-based line of the deepest part of `path` that exists (a key's own line)."""
        node, line = self.node, 1
        if node is not None:
            line = node.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == part), None)
                if match is None:
                    break
                line = match[0].start_mark.line + 1
                node = match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        return line


def _field_name(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def _read(path: Path, rel: str) -> tuple[dict[str, Any] | None, _Located, list[Problem]]:
    """Parse one file; return its mapping (or None), its node tree and its problems."""

    def fail(line: int, message: str, fix: str, code: str):
        return None, _Located(None), [Problem(rel, line, "(file)", message, fix, code)]

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = f"byte 0x{raw[exc.start]:02x}"
        return fail(line, f"is not valid UTF-8 ({bad})", "re-save the file as UTF-8", "encoding")
    loader = yaml.SafeLoader(text)
    try:  # one parse gives both the node tree (for line numbers) and the data
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, cmark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        if context and cmark and cmark.line + 1 != line:
            what += f" ({context} that starts on line {cmark.line + 1})"
        fix = "fix the YAML; quote text that contains ': ' or starts with a symbol"
        return fail(line, f"YAML syntax error: {what}", fix, "syntax")
    finally:
        loader.dispose()
    if data is None:
        fix = "write at least 'term', 'definition', 'tags' and 'sources'"
        return fail(1, "is empty", fix, "empty")
    if not isinstance(data, dict):
        fix = "write 'field: value' lines such as 'term: softmax'"
        return fail(1, f"must be a mapping of fields, got a {_kind(data)}", fix, "not-mapping")
    return data, _Located(node), []


def _kind(value: Any) -> str:
    return {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        list: "list",
        dict: "mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)


_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
}


def _schema_problems(
    data: dict[str, Any], rel: str, located: _Located, schema: dict[str, Any], vocab: dict[str, str]
) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in validator.iter_errors(data):
        out.extend(_explain(err, data, rel, located, schema, vocab))
    return out


def _explain(err, data, rel, located, schema, vocab) -> list[Problem]:
    """Turn one jsonschema error into problems that say what to do."""
    path = list(err.absolute_path)
    where = _field_name(path)
    line = located.line(path)
    props = schema["properties"]
    kw = err.validator
    if kw == "additionalProperties":
        allowed = err.schema.get("properties", {})
        out = []
        for extra in sorted(set(err.instance) - set(allowed)):
            hint = _did_you_mean(extra, allowed)
            fix = hint or "remove it; allowed fields are " + ", ".join(sorted(allowed))
            out.append(
                Problem(
                    rel,
                    located.line([*path, extra]),
                    _field_name([*path, extra]),
                    "unknown field",
                    fix,
                    "unknown-field",
                )
            )
        return out
    if kw == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        name = missing[0] if missing else "?"
        desc = (props.get(name) or err.schema.get("properties", {}).get(name, {})).get(
            "description", ""
        )
        return [
            Problem(
                rel,
                line,
                _field_name([*path, name]),
                "is required but missing",
                f"add it: {desc}" if desc else "add it",
                "missing-field",
            )
        ]
    if path and path[0] == "tags" and len(path) == 2:
        value = err.instance
        hint = _did_you_mean(str(value), vocab)
        return [
            Problem(
                rel,
                line,
                where,
                f"{value!r} is not in the tag vocabulary",
                hint or "use one of " + ", ".join(vocab),
                "unknown-tag",
            )
        ]
    if path and path[0] == "sources" and len(path) == 2:
        seeds = [s["const"] for s in schema["$defs"]["seed"]["oneOf"]]
        return [
            Problem(
                rel,
                line,
                where,
                f"{err.instance!r} is not a seed file",
                "use one of " + ", ".join(seeds),
                "unknown-source",
            )
        ]
    if path and path[0] in ("see_also", "prerequisites") and len(path) == 2 and kw == "pattern":
        return [
            Problem(
                rel,
                line,
                where,
                f"{err.instance!r} is not a valid id",
                "ids are lower-case kebab-case file names without .yaml",
                "bad-ref",
            )
        ]
    if kw == "type":
        want = err.validator_value
        want = _TYPE_WORDS.get(want, want) if isinstance(want, str) else want
        got = _kind(err.instance)
        fix = "write a YAML list, e.g. [a, b]" if want == "a list" else f"write {want}"
        return [Problem(rel, line, where, f"must be {want}, got {got}", fix, "wrong-type")]
    if kw == "oneOf" and path and path[0] == "quiz":
        if isinstance(err.instance, dict) and "id" not in err.instance:
            return [
                Problem(
                    rel,
                    line,
                    f"{where}.id",
                    "is required but missing",
                    "give the item a stable kebab-case id, unique within the entry; "
                    "its flashcard keeps its review history through that id",
                    "missing-field",
                )
            ]
        return [
            Problem(
                rel,
                line,
                where,
                "is neither a question/answer pair nor a cloze",
                "write {question: ..., answer: ...} or {cloze: '... {{c1::hidden}} ...'}",
                "bad-quiz",
            )
        ]
    desc = _subschema(schema, path).get("description", "")
    return [Problem(rel, line, where, err.message, desc, f"schema-{kw}")]


def _subschema(schema: dict[str, Any], path: list[Any]) -> dict[str, Any]:
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


# --------------------------------------------------------------------------- rules across entries


def _implementation_problem(dotted: str) -> tuple[str, str] | None:
    """Why `dotted` is not a usable reference function, or None if it is."""
    module_name, _, attr = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return (
            f"{dotted!r} does not import ({exc})",
            "name an existing module under dlterms/, e.g. dlterms.losses.mean_squared_error",
        )
    if not hasattr(module, attr):
        hint = _did_you_mean(attr, [n for n in dir(module) if not n.startswith("_")])
        return (f"{module_name} has no attribute {attr!r}", hint or "check the function name")
    obj = getattr(module, attr)
    if any(part.startswith("_") for part in dotted.split(".")):
        return (f"{dotted!r} is private", "link a public function")
    import dlterms

    if getattr(dlterms, attr, None) is not obj or attr not in dlterms.__all__:
        return (
            f"{dotted!r} is not public: dlterms.__all__ does not export it",
            f"re-export {attr} from dlterms/__init__.py and add it to __all__",
        )
    if not callable(obj):
        return (f"{dotted!r} is not a function", "link a function")
    doc = inspect.getdoc(obj) or ""
    section = re.search(r"^Examples\n-{3,}\n(.*)", doc, re.S | re.M)
    if not section or not doctest.DocTestParser().get_examples(section.group(1)):
        return (
            f"{dotted!r} has no doctested Examples section",
            "add an 'Examples' section with '>>>' lines to its docstring",
        )
    return None


def _load(root: Path) -> tuple[Glossary, list[Problem]]:
    schema = _schema(root / SCHEMA_FILE)
    vocab = tag_vocabulary(root)
    base = root.parent
    problems: list[Problem] = []
    entries: list[Entry] = []
    located_by_id: dict[str, tuple[str, _Located, dict[str, Any]]] = {}
    files = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))
    for path in files:
        rel = path.relative_to(base).as_posix()
        data, located, found = _read(path, rel)
        problems += found
        if data is None:
            continue
        entry_id = path.stem
        if path.suffix != ".yaml":
            problems.append(
                Problem(
                    rel,
                    1,
                    "(file)",
                    "has the extension .yml",
                    f"rename it to {entry_id}.yaml",
                    "extension",
                )
            )
        if not ID_PATTERN.match(entry_id):
            fixed = "-".join(re.findall(r"[a-z0-9]+", entry_id.lower()))
            problems.append(
                Problem(
                    rel,
                    1,
                    "(file)",
                    f"{entry_id!r} is not a valid id",
                    f"rename the file to {fixed}.yaml (lower-case kebab-case)",
                    "bad-id",
                )
            )
        if isinstance(data.get("id"), str) and data["id"] != entry_id:
            problems.append(
                Problem(
                    rel,
                    located.line(["id"]),
                    "id",
                    f"{data['id']!r} does not match the file name {path.name!r}",
                    f"rename the file to {data['id']}.yaml or remove the id field",
                    "id-mismatch",
                )
            )
        schema_found = _schema_problems(data, rel, located, schema, vocab)
        problems += schema_found
        if schema_found:
            continue
        entries.append(Entry.from_mapping(entry_id, data, path))
        located_by_id[entry_id] = (rel, located, data)

    # every file names an id, even one with errors: links to it must not cascade
    problems += _cross_problems(entries, located_by_id, {p.stem for p in files})
    return Glossary(entries, root), problems


def _cross_problems(entries: list[Entry], located_by_id, ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    owner: dict[str, tuple[str, str]] = {}
    for e in entries:
        for i, name in enumerate((e.id, e.term, *e.aliases)):
            key = normalize_name(name)
            if key in owner and owner[key][0] != e.id:
                rel, located, _ = located_by_id[e.id]
                field_path = ["term"] if i == 1 else ["aliases", i - 2] if i > 1 else []
                problems.append(
                    Problem(
                        rel,
                        located.line(field_path),
                        _field_name(field_path) if field_path else "id",
                        f"{name!r} is already used by glossary/{owner[key][0]}.yaml",
                        "keep each name in one entry; link the other with see_also",
                        "duplicate-name",
                    )
                )
            else:
                owner.setdefault(key, (e.id, name))
    for e in entries:
        rel, located, _ = located_by_id[e.id]
        refs = [
            (fname, [fname, i], ref)
            for fname in ("see_also", "prerequisites")
            for i, ref in enumerate(getattr(e, fname))
        ]
        if e.disambiguation:
            refs += [
                ("disambiguation", ["disambiguation", "senses", i, "see"], s.see)
                for i, s in enumerate(e.disambiguation.senses)
            ]
        for _, path, ref in refs:
            if ref == e.id:
                problems.append(
                    Problem(
                        rel,
                        located.line(path),
                        _field_name(path),
                        "links the entry to itself",
                        "remove it",
                        "self-ref",
                    )
                )
            elif ref not in ids:
                hint = _did_you_mean(ref, ids)
                problems.append(
                    Problem(
                        rel,
                        located.line(path),
                        _field_name(path),
                        f"{ref!r} is not an entry",
                        hint or "write the id of an existing glossary file",
                        "unknown-ref",
                    )
                )
        seen_quiz: set[str] = set()
        for i, item in enumerate(e.quiz):
            if item.id in seen_quiz:
                problems.append(
                    Problem(
                        rel,
                        located.line(["quiz", i, "id"]),
                        f"quiz[{i}].id",
                        f"{item.id!r} is used by an earlier quiz item",
                        "give every quiz item of an entry its own id",
                        "duplicate-quiz-id",
                    )
                )
            seen_quiz.add(item.id)
        for i, dotted in enumerate(e.implementation):
            why = _implementation_problem(dotted)
            if why:
                problems.append(
                    Problem(
                        rel,
                        located.line(["implementation", i]),
                        f"implementation[{i}]",
                        why[0],
                        why[1],
                        "implementation",
                    )
                )
    problems += _cycle_problems(entries, located_by_id)
    return problems


def _cycle_problems(entries: list[Entry], located_by_id) -> list[Problem]:
    """Prerequisites must form a DAG, or there is no study order."""
    graph = {e.id: [p for p in e.prerequisites if p in located_by_id] for e in entries}
    state: dict[str, int] = {}
    problems = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt] if nxt in stack else [node, nxt]
                rel, located, _ = located_by_id[node]
                i = graph[node].index(nxt)
                problems.append(
                    Problem(
                        rel,
                        located.line(["prerequisites", i]),
                        f"prerequisites[{i}]",
                        "prerequisite cycle: " + " -> ".join(cycle),
                        "remove one of these prerequisites",
                        "cycle",
                    )
                )
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for e in entries:
        if e.id not in state:
            visit(e.id, [e.id])
    return problems


def study_order(glossary: Glossary) -> list[Entry]:
    """All entries, prerequisites first (ties broken by topic order, then id)."""
    vocab = list(tag_vocabulary(glossary.root))
    rank = {t: i for i, t in enumerate(vocab)}
    done: set[str] = set()
    order: list[Entry] = []

    def key(e: Entry) -> tuple[int, str]:
        return (rank.get(e.topic, len(rank)), e.id)

    def visit(e: Entry) -> None:
        if e.id in done:
            return
        done.add(e.id)
        for p in sorted((glossary[p] for p in e.prerequisites if p in glossary.entries), key=key):
            visit(p)
        order.append(e)

    for e in sorted(glossary, key=key):
        visit(e)
    return order
