"""Load and check the glossary: the one checker of ``glossary/*.yaml``.

The site generator, the deck exporter, ``dlterms check`` and ``dlterms build`` read
entries through :func:`load_glossary`, which checks each file against the JSON
Schema that ships beside the entries, then the rules that span entries, and
reports every problem at once::

    glossary/softmax.yaml:12: see_also: 'sofmax' is not an entry (did you mean 'softmax'?)

Every problem is a rule of :data:`dlterms.kb.rules.RULES`. Reading alone
(:func:`dlterms.lookup`) goes through :mod:`dlterms.kb.readcopy` instead, which
skips the checks. The entry classes live in :mod:`dlterms.kb.model` and are
re-exported here.
"""

from __future__ import annotations

import doctest
import functools
import importlib
import inspect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from dlterms.kb import contentcheck, doccheck, mathcheck
from dlterms.kb.model import (
    ID_PATTERN,
    SCHEMA_FILE,
    Disambiguation,
    Entry,
    Example,
    Glossary,
    QuizItem,
    Sense,
    _did_you_mean,
    glossary_dir,
    normalize_name,
)
from dlterms.kb.rules import RULES, Problem, Rule, problem
from dlterms.kb.yamlread import Locations, field_name, kind_name, read_entry

__all__ = [
    "MAX_DEFINITION_WORDS",
    "MAX_QUESTIONS_PER_ITEM",
    "RULES",
    "Disambiguation",
    "Entry",
    "Example",
    "Glossary",
    "GlossaryError",
    "Limits",
    "Problem",
    "QuizItem",
    "Rule",
    "Sense",
    "check_glossary",
    "default_glossary",
    "glossary_dir",
    "load_glossary",
    "normalize_name",
    "study_order",
    "tag_vocabulary",
]

MAX_DEFINITION_WORDS: int | None = 35
"""Longest definition, in whitespace-separated words (rule DLT040); None turns the rule off.

A card's answer a learner can grade honestly: one idea in about 30 words.
"""

MAX_QUESTIONS_PER_ITEM: int | None = 1
"""Most question marks in one quiz question (rule DLT041); None turns the rule off."""


@dataclass(frozen=True)
class Limits:
    """The review standard's limits; each None turns its rule off."""

    max_definition_words: int | None = field(default_factory=lambda: MAX_DEFINITION_WORDS)
    max_questions_per_item: int | None = field(default_factory=lambda: MAX_QUESTIONS_PER_ITEM)


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


@functools.cache
def default_glossary() -> Glossary:
    """The package's own glossary, checked, loaded once per process."""
    return load_glossary()


def load_glossary(root: Path | str | None = None, *, limits: Limits | None = None) -> Glossary:
    """Load and check every ``*.yaml`` under `root`.

    Raises
    ------
    GlossaryError
        Listing every problem in every file.
    """
    glossary, problems = _load(Path(root) if root else glossary_dir(), limits or Limits())
    if problems:
        raise GlossaryError(problems)
    return glossary


def check_glossary(
    root: Path | str | None = None, *, limits: Limits | None = None
) -> list[Problem]:
    """Return every problem in the glossary under `root` (empty when it is clean)."""
    return sorted(_load(Path(root) if root else glossary_dir(), limits or Limits())[1])


# --------------------------------------------------------------------------- reading one file


@functools.cache
def _schema(schema_path: Path) -> dict[str, Any]:
    return json.loads(schema_path.read_text(encoding="utf-8"))


def tag_vocabulary(root: Path | None = None) -> dict[str, str]:
    """The fixed tag vocabulary, ``{tag: description}``, kept in the schema."""
    schema = _schema((root or glossary_dir()) / SCHEMA_FILE)
    return {t["const"]: t["description"] for t in schema["$defs"]["tag"]["oneOf"]}


# ReadProblem keys of kb/yamlread.py -> rule codes
_READ_CODES = {
    "encoding": "DLT001",
    "syntax": "DLT002",
    "empty": "DLT003",
    "not-mapping": "DLT004",
    "not-a-file": "DLT050",
    "too-large": "DLT051",
    "nul-byte": "DLT052",
    "alias": "DLT053",
    "too-deep": "DLT054",
    "bad-key": "DLT055",
    "duplicate-key": "DLT056",
}


def _read(path: Path, rel: str) -> tuple[dict[str, Any] | None, Locations, list[Problem]]:
    """Parse one file safely; return its mapping (or None), its line map and its problems."""
    data, located, found = read_entry(path)
    problems = []
    for p in found:
        details = dict(p.details)
        if p.key == "not-a-file":
            details = {"what": p.message, "fix": p.fix}
        problems.append(problem(_READ_CODES[p.key], rel, p.line, p.field, **details))
    return data, located, problems


_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
}


def _schema_problems(
    data: dict[str, Any],
    rel: str,
    located: Locations,
    schema: dict[str, Any],
    vocab: dict[str, str],
) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in validator.iter_errors(data):
        out.extend(_explain(err, rel, located, schema, vocab))
    return out


def _explain(err, rel, located, schema, vocab) -> list[Problem]:
    """Turn one jsonschema error into problems that say what to do."""
    path = list(err.absolute_path)
    where = field_name(path)
    line = located.line(path)
    props = schema["properties"]
    kw = err.validator
    if kw == "additionalProperties":
        allowed = err.schema.get("properties", {})
        return [
            problem(
                "DLT010",
                rel,
                located.line([*path, extra]),
                field_name([*path, extra]),
                hint=_did_you_mean(extra, allowed),
                allowed=", ".join(sorted(allowed)),
            )
            for extra in sorted(set(err.instance) - set(allowed))
        ]
    if kw == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        name = missing[0] if missing else "?"
        desc = (props.get(name) or err.schema.get("properties", {}).get(name, {})).get(
            "description", "see glossary/schema.json"
        )
        return [problem("DLT011", rel, line, field_name([*path, name]), description=desc)]
    if path and path[0] == "tags" and len(path) == 2:
        hint = _did_you_mean(str(err.instance), vocab)
        return [
            problem("DLT014", rel, line, where, hint, value=err.instance, choices=", ".join(vocab))
        ]
    if path and path[0] == "sources" and len(path) == 2:
        seeds = ", ".join(s["const"] for s in schema["$defs"]["seed"]["oneOf"])
        return [problem("DLT015", rel, line, where, value=err.instance, choices=seeds)]
    if path and path[0] in ("see_also", "prerequisites") and len(path) == 2 and kw == "pattern":
        return [problem("DLT016", rel, line, where, value=err.instance)]
    if kw == "type":
        want = err.validator_value
        want = _TYPE_WORDS.get(want, want) if isinstance(want, str) else want
        example = "a YAML list, e.g. [a, b]" if want == "a list" else want
        got = kind_name(err.instance)
        return [problem("DLT013", rel, line, where, want=want, got=got, example=example)]
    if kw == "oneOf" and path and path[0] == "quiz":
        item = err.instance
        if isinstance(item, dict) and "id" not in item:
            return [problem("DLT012", rel, line, f"{where}.id")]
        if _cloze_without_deletion(item):
            what = "has no cloze deletion {{c1::...}}"
            cloze = [*path, "cloze"]
            return [problem("DLT068", rel, located.line(cloze), field_name(cloze), what=what)]
        return [problem("DLT017", rel, line, where)]
    desc = _subschema(schema, path).get("description", "see glossary/schema.json")
    return [problem("DLT018", rel, line, where, detail=err.message, description=desc)]


def _cloze_without_deletion(item: Any) -> bool:
    """A cloze item, right in every way but its missing ``{{cN::`` (the schema's pattern)."""
    return (
        isinstance(item, dict)
        and set(item) == {"id", "cloze"}
        and isinstance(item["id"], str)
        and bool(ID_PATTERN.match(item["id"]))
        and isinstance(item["cloze"], str)
        and not re.search(r"\{\{c[0-9]+::", item["cloze"])
    )


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


def _implementation_problem(dotted: str) -> tuple[str, str, dict[str, str]] | None:
    """Why `dotted` is not a usable reference function, as (code, hint, details), or None."""
    module_name, _, attr = dotted.rpartition(".")
    details = {"dotted": dotted, "module": module_name, "attr": attr}
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return "DLT030", "", {**details, "error": str(exc)}
    if not hasattr(module, attr):
        hint = _did_you_mean(attr, [n for n in dir(module) if not n.startswith("_")])
        return "DLT031", hint, details
    obj = getattr(module, attr)
    import dlterms  # the schema's pattern already rules out private names

    if getattr(dlterms, attr, None) is not obj or attr not in dlterms.__all__:
        return "DLT032", "", details
    if not callable(obj):
        return "DLT033", "", details
    doc = inspect.getdoc(obj) or ""
    section = re.search(r"^Examples\n-{3,}\n(.*)", doc, re.S | re.M)
    if not section or not doctest.DocTestParser().get_examples(section.group(1)):
        return "DLT034", "", details
    failed = _docstring_failure(obj)
    if failed:
        failure, filename, line = failed
        where = f"{_display_path(filename)}:{line}"
        return "DLT066", "", {**details, "where": where, **_failure_details(failure)}
    return None


@functools.lru_cache(maxsize=1024)
def _docstring_failure(func: Any) -> tuple[doccheck.Failure, str, int] | None:
    """Run once per function object and process: many entries link the same function."""
    return doccheck.docstring_failure(func)


def _display_path(filename: str) -> str:
    """A source file relative to the project, as a reader would open it."""
    path = Path(filename)
    root = Path(__file__).resolve().parents[2]
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else filename


def _failure_details(failure: doccheck.Failure) -> dict[str, str]:
    source = failure.source.splitlines()[0] if failure.source else ""
    return {
        "source": doccheck.shorten(">>> " + source if source else "", 50),
        "want": doccheck.shorten(failure.want) or "nothing",
        "got": doccheck.shorten(failure.got) or "nothing",
    }


@dataclass
class _File:
    """One parsed file: where it is, its node tree, its data, and its entry if it is valid."""

    rel: str
    located: Locations
    data: dict[str, Any]
    entry: Entry | None
    path: Path | None = None

    @functools.cached_property
    def lines(self) -> list[str]:
        """The file's lines, read again only when a problem needs its exact line."""
        try:
            return self.path.read_text(encoding="utf-8").splitlines() if self.path else []
        except (OSError, UnicodeDecodeError):
            return []

    def line(self, path: Iterable[Any], text: str = "", offset: int | None = None) -> int:
        """The line of a field, or of position `offset` of its `text` when that is known."""
        path = tuple(path)
        line = self.located.line(path)
        if offset is None:
            return line
        item = bool(path) and isinstance(path[-1], int)
        return contentcheck.line_of(self.lines, line, text, offset, item=item)


def _load(root: Path, limits: Limits) -> tuple[Glossary, list[Problem]]:
    schema = _schema(root / SCHEMA_FILE)
    vocab = tag_vocabulary(root)
    base = root.parent
    problems: list[Problem] = []
    parsed: dict[str, _File] = {}
    files = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml"))
    for path in files:
        rel = path.relative_to(base).as_posix()
        data, located, found = _read(path, rel)
        problems += found
        if data is None:
            continue
        entry_id = path.stem
        if path.suffix != ".yaml":
            problems.append(problem("DLT005", rel, 1, "(file)", id=entry_id))
        if not ID_PATTERN.match(entry_id):
            fixed = "-".join(re.findall(r"[a-z0-9]+", entry_id.lower()))
            problems.append(problem("DLT006", rel, 1, "(file)", id=entry_id, fixed=fixed))
        if isinstance(data.get("id"), str) and data["id"] != entry_id:
            problems.append(
                problem("DLT007", rel, located.line(["id"]), "id", id=data["id"], name=path.name)
            )
        schema_found = _schema_problems(data, rel, located, schema, vocab)
        problems += schema_found
        entry = None if schema_found else Entry.from_mapping(entry_id, data, path)
        parsed[entry_id] = _File(rel, located, data, entry, path)

    # every file names an id, even one with errors: links to it must not cascade
    problems += _cross_problems(parsed, {p.stem for p in files}, limits)
    entries = [f.entry for f in parsed.values() if f.entry is not None]
    return Glossary(entries, root), problems


def _names(entry_id: str, data: dict[str, Any]) -> list[tuple[list[Any], str]]:
    """(field path, name) of the id, term and aliases, from any file's data, even an invalid one."""
    out: list[tuple[list[Any], str]] = [([], entry_id)]
    if isinstance(data.get("term"), str):
        out.append((["term"], data["term"]))
    aliases = data.get("aliases")
    if isinstance(aliases, list):
        out += [(["aliases", i], a) for i, a in enumerate(aliases) if isinstance(a, str)]
    return out


def _cross_problems(parsed: dict[str, _File], ids: set[str], limits: Limits) -> list[Problem]:
    """The rules that span entries, over every file; a schema error in one file hides nothing else.

    Names are taken from every file that parses, so a clash with an entry that has
    an unrelated schema error is still found; the other rules read fields of valid
    entries only.
    """
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for entry_id, f in parsed.items():
        for field_path, name in _names(entry_id, f.data):
            key = normalize_name(name)
            if not key:
                continue  # a name with no letter or digit is its own problem (DLT061)
            if key in owner and owner[key] != entry_id:
                problems.append(
                    problem(
                        "DLT020",
                        f.rel,
                        f.located.line(field_path),
                        field_name(field_path) if field_path else "id",
                        name=name,
                        owner=owner[key],
                    )
                )
            else:
                owner.setdefault(key, entry_id)
    valid = {i: f for i, f in parsed.items() if f.entry is not None}
    for f in valid.values():
        problems += _entry_problems(f, ids, limits)
        problems += _content_problems(f)
    problems += _math_problems(valid)
    problems += _cycle_problems(valid)
    return problems


def _entry_problems(f: _File, ids: set[str], limits: Limits) -> list[Problem]:
    """The rules about one valid entry's links, quiz, implementations and length."""
    e, rel, located = f.entry, f.rel, f.located
    problems: list[Problem] = []

    def at(code: str, path: list[Any], hint: str = "", **details: Any) -> None:
        problems.append(problem(code, rel, located.line(path), field_name(path), hint, **details))

    refs = [
        ([fname, i], ref)
        for fname in ("see_also", "prerequisites")
        for i, ref in enumerate(getattr(e, fname))
    ]
    if e.disambiguation:
        refs += [
            (["disambiguation", "senses", i, "see"], s.see)
            for i, s in enumerate(e.disambiguation.senses)
        ]
    for path, ref in refs:
        if ref == e.id:
            at("DLT021", path)
        elif ref not in ids:
            at("DLT022", path, _did_you_mean(ref, ids), ref=ref)
    seen_quiz: set[str] = set()
    for i, item in enumerate(e.quiz):
        if item.id in seen_quiz:
            at("DLT023", ["quiz", i, "id"], id=item.id)
        seen_quiz.add(item.id)
        count = item.question.count("?")
        if not item.cloze and limits.max_questions_per_item is not None:
            if count > limits.max_questions_per_item:
                at("DLT041", ["quiz", i, "question"], count=count)
    for i, dotted in enumerate(e.implementation):
        why = _implementation_problem(dotted)
        if why:
            code, hint, details = why
            at(code, ["implementation", i], hint, **details)
    words = len(e.definition.split())
    if limits.max_definition_words is not None and words > limits.max_definition_words:
        at("DLT040", ["definition"], words=words, limit=limits.max_definition_words)
    return problems


def _content_problems(f: _File) -> list[Problem]:
    """The rules about what one valid entry's text fields hold, and its example's doctest."""
    problems = []
    for text_field in contentcheck.text_fields(f.data):
        for found in contentcheck.text_findings(text_field):
            line = f.line(found.path, text_field.text, found.offset)
            problems.append(
                problem(found.code, f.rel, line, field_name(found.path), **found.details)
            )
    code = (f.data.get("example") or {}).get("code")
    if isinstance(code, str) and not contentcheck.is_blank(code):
        failure = doccheck.doctest_failure(code, f"{f.rel}:example.code")
        if failure is not None:
            at = sum(len(x) for x in code.splitlines(keepends=True)[: failure.lineno])
            line = f.line(["example", "code"], code, at)
            details = _failure_details(failure)
            problems.append(problem("DLT065", f.rel, line, "example.code", **details))
    return problems


def _math_problems(valid: dict[str, _File]) -> list[Problem]:
    """Every formula and piece of math of every valid entry, parsed by KaTeX in one run."""
    jobs = [
        (f, text_field, at, snippet)
        for f in valid.values()
        for text_field in contentcheck.text_fields(f.data)
        if not contentcheck.is_blank(text_field.text)
        for at, snippet in contentcheck.math_of(text_field)
    ]
    errors = mathcheck.katex_errors([snippet for *_, snippet in jobs])
    if errors is None:  # no node: said once on stderr, and nothing claimed
        return []
    problems = []
    for (f, text_field, at, snippet), error in zip(jobs, errors, strict=True):
        if error is not None:
            line = f.line(text_field.path, text_field.text, at)
            tex = doccheck.shorten(snippet.tex, 50)
            error = doccheck.shorten(error, 120)
            problems.append(
                problem("DLT067", f.rel, line, field_name(text_field.path), tex=tex, error=error)
            )
    return problems


def _cycle_problems(valid: dict[str, _File]) -> list[Problem]:
    """Prerequisites must form a DAG, or there is no study order."""
    graph = {i: [p for p in f.entry.prerequisites if p in valid] for i, f in valid.items()}
    state: dict[str, int] = {}
    problems = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt] if nxt in stack else [node, nxt]
                f = valid[node]
                i = f.entry.prerequisites.index(nxt)
                path = ["prerequisites", i]
                problems.append(
                    problem(
                        "DLT024",
                        f.rel,
                        f.located.line(path),
                        field_name(path),
                        cycle=" -> ".join(cycle),
                    )
                )
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
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
