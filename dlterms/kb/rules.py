"""Every problem the glossary checker can report, in one table.

Each rule has a stable code (``DLT001`` ...), a one-line imperative summary in
the manner of tldr-lint's table, the template of the problem it reports and
the template of the fix it suggests. A :class:`Problem` can only be made from a
code in :data:`RULES`, so the table is the complete list of what the checker
says. ``docs`` and editors can show the table; a test proves that every code has
a failing fixture under ``tests/fixtures/checker/cases/<CODE>*.yaml``.

A problem prints as ``<file>:<line>: <field>: <problem> (<fix>)``::

    glossary/softmax.yaml:12: see_also: 'sofmax' is not an entry (did you mean 'softmax'?)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RULES", "Problem", "Rule", "problem"]


@dataclass(frozen=True)
class Rule:
    """One checker rule: what to do, what a violation says and how to fix it."""

    code: str
    name: str
    summary: str
    message: str
    fix: str


# Templates are str.format templates over the details a rule is raised with;
# ``{{`` and ``}}`` are literal braces.
_TABLE = [
    # --- one file, before its fields are read
    ("DLT001", "encoding", "Save every file as UTF-8",
     "is not valid UTF-8 ({byte})", "re-save the file as UTF-8"),
    ("DLT002", "syntax", "Write valid YAML",
     "YAML syntax error: {detail}",
     "fix the YAML; quote text that contains ': ' or starts with a symbol"),
    ("DLT003", "empty", "Write at least the required fields in every file",
     "is empty", "write at least 'term', 'definition', 'tags' and 'sources'"),
    ("DLT004", "not-mapping", "Write an entry as a mapping of fields",
     "must be a mapping of fields, got a {kind}",
     "write 'field: value' lines such as 'term: softmax'"),
    ("DLT005", "extension", "Name entry files <id>.yaml",
     "has the extension .yml", "rename it to {id}.yaml"),
    ("DLT006", "bad-id", "Name entry files in lower-case kebab-case",
     "{id!r} is not a valid id", "rename the file to {fixed}.yaml (lower-case kebab-case)"),
    ("DLT007", "id-mismatch", "Keep an id field equal to the file name",
     "{id!r} does not match the file name {name!r}",
     "rename the file to {id}.yaml or remove the id field"),
    # --- one file, against glossary/schema.json
    ("DLT010", "unknown-field", "Use only the fields the schema defines",
     "unknown field", "remove it; allowed fields are {allowed}"),
    ("DLT011", "missing-field", "Write every required field",
     "is required but missing", "add it: {description}"),
    ("DLT012", "missing-quiz-id", "Give every quiz item an id",
     "is required but missing",
     "give the item a stable kebab-case id, unique within the entry; "
     "its flashcard keeps its review history through that id"),
    ("DLT013", "wrong-type", "Give every field the type the schema asks for",
     "must be {want}, got {got}", "write {example}"),
    ("DLT014", "unknown-tag", "Tag entries only from the tag vocabulary",
     "{value!r} is not in the tag vocabulary", "use one of {choices}"),
    ("DLT015", "unknown-source", "Cite only the seed files as sources",
     "{value!r} is not a seed file", "use one of {choices}"),
    ("DLT016", "bad-ref", "Link entries by their kebab-case id",
     "{value!r} is not a valid id", "ids are lower-case kebab-case file names without .yaml"),
    ("DLT017", "bad-quiz", "Write a quiz item as a question/answer pair or a cloze",
     "is neither a question/answer pair nor a cloze",
     "write {{question: ..., answer: ...}} or {{cloze: '... {{{{c1::hidden}}}} ...'}}"),
    ("DLT018", "schema", "Keep every value within the schema's limits",
     "{detail}", "{description}"),
    # --- across entries
    ("DLT020", "duplicate-name", "Give every id, term and alias to one entry only",
     "{name!r} is already used by glossary/{owner}.yaml",
     "keep each name in one entry; link the other with see_also"),
    ("DLT021", "self-ref", "Link an entry to other entries, never to itself",
     "links the entry to itself", "remove it"),
    ("DLT022", "unknown-ref", "Link only to entries that exist",
     "{ref!r} is not an entry", "write the id of an existing glossary file"),
    ("DLT023", "duplicate-quiz-id", "Give every quiz item of an entry its own id",
     "{id!r} is used by an earlier quiz item", "give every quiz item of an entry its own id"),
    ("DLT024", "cycle", "Keep prerequisites free of cycles",
     "prerequisite cycle: {cycle}", "remove one of these prerequisites"),
    # --- implementation: the reference functions an entry names
    ("DLT030", "implementation-import", "Name implementations in modules that import",
     "{dotted!r} does not import ({error})",
     "name an existing module under dlterms/, e.g. dlterms.losses.mean_squared_error"),
    ("DLT031", "implementation-missing", "Name implementations that exist",
     "{module} has no attribute {attr!r}", "check the function name"),
    ("DLT032", "implementation-unexported", "Link functions that dlterms exports",
     "{dotted!r} is not public: dlterms.__all__ does not export it",
     "add {attr} to the __all__ of {module}, which dlterms re-exports"),
    ("DLT033", "implementation-not-callable", "Link functions, not other objects",
     "{dotted!r} is not a function", "link a function"),
    ("DLT034", "implementation-no-doctest", "Link functions whose docstring has doctested Examples",
     "{dotted!r} has no doctested Examples section",
     "add an 'Examples' section with '>>>' lines to its docstring"),
    # --- hostile files: refused before they can cost time or memory (kb/yamlread.py)
    ("DLT050", "not-a-file", "Make every *.yaml in the glossary a regular file",
     "{what}", "{fix}"),
    ("DLT051", "too-large", "Keep an entry file under the size limit",
     "is {size:,} bytes; an entry may be at most {limit:,}",
     "shorten it, or split it into entries of their own"),
    ("DLT052", "nul-byte", "Write entries as plain text, without NUL bytes",
     "contains a NUL byte", "delete it; save the file as plain UTF-8 text"),
    ("DLT053", "alias", "Write text out in full, without YAML anchors or aliases",
     "uses a YAML anchor or alias (& or *)",
     "write the text out in full; entries may not use anchors or aliases"),
    ("DLT054", "too-deep", "Nest fields no deeper than the schema does",
     "nests more than {limit} levels deep",
     "an entry nests at most four levels, as in quiz[0].question"),
    ("DLT055", "bad-key", "Write field names as text",
     "has a field name that is not text: {key}",
     "write field names as plain words, e.g. 'term:'"),
    ("DLT056", "duplicate-key", "Write every field once",
     "{key!r} is written twice, on lines {first} and {second}",
     "keep one of them; YAML would silently keep only the last"),
    # --- what contributors write: text, names, markup, math and doctests (kb/contentcheck.py)
    ("DLT060", "blank-text", "Write text, not only whitespace",
     "is only whitespace", "write the text, or remove the field"),
    ("DLT061", "nameless", "Give every name a letter or digit",
     "{name!r} has no letter or digit, so no lookup can find it",
     "use letters or digits of any script; write symbols out in words"),
    ("DLT062", "raw-html", "Write Markdown, not raw HTML",
     "contains raw HTML {tag}{more}", "write Markdown; put a literal tag in `code`"),
    ("DLT063", "unsafe-link", "Link only with http, https or mailto",
     "links to {target!r}, a scheme readers' browsers may run",
     "link an http(s) or mailto address or another entry; put other text in `code`"),
    ("DLT064", "unsafe-tex", "Keep math free of link- and HTML-making TeX",
     "uses {command} in math, which could make a link or HTML",
     "remove it; write links in Markdown, outside the math"),
    ("DLT065", "example-fails", "Make example.code pass as a doctest",
     "fails at '{source}': expected {want}, got {got}",
     "make the expected output what the code prints; run it in Python to see"),
    ("DLT066", "docstring-fails", "Link functions whose docstring Examples pass",
     "{dotted!r} fails its docstring example at {where}: '{source}' expected {want}, got {got}",
     "fix the Examples section of its docstring, or the function"),
    ("DLT067", "katex", "Write math that KaTeX can typeset",
     "KaTeX cannot typeset '{tex}': {error}",
     "fix the TeX; the page would show it as red error text"),
    ("DLT068", "unclosed-cloze", "Close every cloze deletion",
     "{what}", "write each deletion as {{{{c1::hidden text}}}}"),
    ("DLT069", "cloze-math-braces", "Space out }} in a cloze's math",
     "math '{math}' contains '}}}}', which ends the cloze early in Anki",
     "write '}} }}' inside the math"),
    # --- the review standard for what a reader meets
    ("DLT040", "long-definition", "Keep a definition to one idea in about 30 words",
     "has {words} words, more than {limit}",
     "keep one idea in about 30 words; move the rest into explanation"),
    ("DLT041", "two-questions", "Ask one thing per quiz item",
     "asks {count} questions", "ask one thing per item"),
]  # fmt: skip

RULES: dict[str, Rule] = {row[0]: Rule(*row) for row in _TABLE}
"""Every rule, by code, in the order of the table."""

assert len(RULES) == len(_TABLE) == len({r.name for r in RULES.values()}), "codes must be unique"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, located to a line and a field.

    `code` must be a code in :data:`RULES`.
    """

    path: str
    line: int
    field: str
    message: str
    fix: str = ""
    code: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.code not in RULES:
            raise ValueError(
                f"problem code must be one of the rule codes in dlterms.kb.rules.RULES; "
                f"got {self.code!r}."
            )

    @property
    def rule(self) -> Rule:
        """The rule this problem breaks."""
        return RULES[self.code]

    def __str__(self) -> str:
        fix = f" ({self.fix})" if self.fix else ""
        return f"{self.path}:{self.line}: {self.field}: {self.message}{fix}"


def problem(code: str, path: str, line: int, field: str, hint: str = "", **details: Any) -> Problem:
    """Make the problem of rule `code` from its templates and `details`.

    A non-empty `hint` (such as "did you mean 'softmax'?") replaces the rule's
    general fix.
    """
    rule = RULES[code]
    fix = hint or rule.fix.format(**details)
    return Problem(path, line, field, rule.message.format(**details), fix, code)
