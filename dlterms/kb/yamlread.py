"""Read one glossary file safely: bounded time and memory, whatever the file holds.

Entries come from outside contributors, so the reader assumes nothing:

- the path must be a regular file (not a folder or a dangling link named ``*.yaml``),
  at most :data:`MAX_BYTES`, valid UTF-8 and free of NUL bytes;
- the YAML is first read as a stream of events with libyaml's C parser, and refused
  at the first anchor or alias (a 566-byte "billion laughs" would otherwise expand
  to gigabytes) or past :data:`MAX_DEPTH` levels of nesting, before any tree is built;
- every mapping key must be a string, written once (a repeated key names both lines);
- line numbers for every field path are collected in one pass over the node tree, so
  looking one up costs a dict access and a file with many keys stays linear.

Every problem is a :class:`ReadProblem` at a line, with a fix; the caller turns it into
the checker's own report line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Locations",
    "ReadProblem",
    "field_name",
    "kind_name",
    "read_entry",
]

#: The largest entry file read; real entries are about 10 KB.
MAX_BYTES = 256 * 1024
#: The deepest nesting read; real entries nest four levels (``quiz[0].question``).
MAX_DEPTH = 16

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class ReadProblem:
    """Why a file could not be read, at a line, with a key for the checker's rule table."""

    key: str
    line: int
    message: str
    fix: str
    field: str = "(file)"
    details: tuple[tuple[str, Any], ...] = ()


class Locations:
    """The line of every field path of one file, e.g. ``("quiz", 0, "answer") -> 57``."""

    def __init__(self, lines: dict[tuple[Any, ...], int] | None = None) -> None:
        self._lines = lines or {}

    def line(self, path: Iterable[Any]) -> int:
        """The line of the deepest part of `path` that exists in the file (1 if none)."""
        path = tuple(path)
        for n in range(len(path), -1, -1):
            if path[:n] in self._lines:
                return self._lines[path[:n]]
        return 1


def _fail(key: str, line: int, message: str, fix: str, field: str = "(file)"):
    return None, Locations(), [ReadProblem(key, line, message, fix, field)]


def read_entry(path: Path) -> tuple[dict[str, Any] | None, Locations, list[ReadProblem]]:
    """Parse one entry file; return its mapping (or None), its line map and its problems."""
    if path.is_symlink() and not path.exists():
        return _fail("not-a-file", 1, "is a dangling symbolic link", "remove it or link a file")
    if path.is_dir():
        return _fail(
            "not-a-file", 1, "is a folder, not a file", "rename it so it does not end in .yaml"
        )
    if not path.is_file():
        return _fail("not-a-file", 1, "is not a regular file", "replace it with a YAML file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        return (
            None,
            Locations(),
            [
                ReadProblem(
                    "too-large",
                    1,
                    f"is {size:,} bytes; an entry may be at most {MAX_BYTES:,}",
                    "shorten it, or split it into entries of their own",
                    details=(("size", size), ("limit", MAX_BYTES)),
                )
            ],
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = f"byte 0x{raw[exc.start]:02x}"
        problem = ReadProblem(
            "encoding",
            line,
            f"is not valid UTF-8 ({bad})",
            "re-save the file as UTF-8",
            details=(("byte", bad),),
        )
        return None, Locations(), [problem]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return _fail("nul-byte", line, "contains a NUL byte", "delete it; save as plain UTF-8 text")
    try:
        problem = _scan_events(text)
        if problem is not None:
            return None, Locations(), [problem]
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, message, fix = _syntax(exc)
        detail = message.removeprefix("YAML syntax error: ")
        return (
            None,
            Locations(),
            [ReadProblem("syntax", line, message, fix, details=(("detail", detail),))],
        )
    if node is None:
        fix = "write at least 'term', 'definition', 'tags' and 'sources'"
        return _fail("empty", 1, "is empty", fix)
    lines, problems = _walk(node)
    if problems:
        return None, Locations(lines), problems
    data = yaml.load(text, Loader=_Loader)  # safe now: no aliases, bounded depth
    if not isinstance(data, dict):
        fix = "write 'field: value' lines such as 'term: softmax'"
        problem = ReadProblem(
            "not-mapping",
            1,
            f"must be a mapping of fields, got a {kind_name(data)}",
            fix,
            details=(("kind", kind_name(data)),),
        )
        return None, Locations(), [problem]
    return data, Locations(lines), []


def _syntax(exc: yaml.YAMLError) -> tuple[int, str, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context, cmark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    if context and cmark and cmark.line + 1 != line:
        what += f" ({context} that starts on line {cmark.line + 1})"
    fix = "fix the YAML; quote text that contains ': ' or starts with a symbol"
    return line, f"YAML syntax error: {what}", fix


def _scan_events(text: str) -> ReadProblem | None:
    """Refuse anchors, aliases and deep nesting while streaming, before any tree exists."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return ReadProblem(
                "alias",
                line,
                "uses a YAML anchor or alias (& or *)",
                "write the text out in full; entries may not use anchors or aliases",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return ReadProblem(
                    "too-deep",
                    line,
                    f"nests more than {MAX_DEPTH} levels deep",
                    "an entry nests at most four levels, as in quiz[0].question",
                    details=(("limit", MAX_DEPTH),),
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _walk(root: yaml.Node) -> tuple[dict[tuple[Any, ...], int], list[ReadProblem]]:
    """One pass over the tree: the line of every path, and bad or repeated keys."""
    lines: dict[tuple[Any, ...], int] = {(): root.start_mark.line + 1}
    problems: list[ReadProblem] = []
    stack: list[tuple[tuple[Any, ...], yaml.Node]] = [((), root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                line = key.start_mark.line + 1
                field = field_name(path)
                if not isinstance(key, yaml.ScalarNode) or key.tag != _STR_TAG:
                    shown = key.value if isinstance(key, yaml.ScalarNode) else "a collection"
                    shown = "null" if shown in ("", "~", "null", "Null", "NULL") else shown
                    problems.append(
                        ReadProblem(
                            "bad-key",
                            line,
                            f"has a field name that is not text: {shown}",
                            "write field names as plain words, e.g. 'term:'",
                            field,
                            (("key", shown),),
                        )
                    )
                    continue
                name = key.value
                if name in seen:
                    problems.append(
                        ReadProblem(
                            "duplicate-key",
                            line,
                            f"'{name}' is written twice, on lines {seen[name]} and {line}",
                            "keep one of them; YAML would silently keep only the last",
                            field_name((*path, name)),
                            (("key", name), ("first", seen[name]), ("second", line)),
                        )
                    )
                    continue
                seen[name] = line
                lines[(*path, name)] = line
                stack.append(((*path, name), value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                stack.append(((*path, i), item))
    problems.sort(key=lambda p: p.line)
    return lines, problems


def field_name(path: Iterable[Any]) -> str:
    """A field path as the checker prints it, e.g. ``quiz[0].answer``; ``(file)`` if empty."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def kind_name(value: Any) -> str:
    """The YAML kind of a parsed value in words: 'string', 'list', 'mapping' ..."""
    return {
        str: "string",
        bool: "boolean",
        int: "integer",
        float: "number",
        list: "list",
        dict: "mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)
