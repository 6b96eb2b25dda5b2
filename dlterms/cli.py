"""The ``dlterms`` command: check, build, show and search the glossary."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

__all__ = ["main"]

#: Where `export` writes by default: not dist/, which every build replaces as a whole.
EXPORT_DIR = "exports"

# show and search need numpy alone; check, build and export need these as well
_BUILD_EXTRA = {"yaml", "jsonschema", "mkdocs", "genanki", "matplotlib"}


def _refresh_read_copy(root: Path, files: dict[str, list[int]], glossary) -> None:
    """After a clean check of the package's own glossary, write its read copy for lookups."""
    from dlterms.kb.model import package_glossary_dir
    from dlterms.kb.readcopy import write_read_copy

    if root.resolve() == package_glossary_dir().resolve():
        write_read_copy(glossary, files)


def _cmd_check(args: argparse.Namespace) -> int:
    from dlterms.kb.glossary import GlossaryError, glossary_dir, load_glossary
    from dlterms.kb.readcopy import stamp

    root = Path(args.glossary) if args.glossary else glossary_dir()
    if not root.is_dir():
        return _error("check", f"no glossary folder at {root}", "pass --glossary FOLDER")
    files = stamp(root)  # before reading, so an edit made meanwhile leaves the copy stale
    try:
        glossary = load_glossary(root)
    except GlossaryError as exc:
        print(exc.report())
        return 1
    _refresh_read_copy(root, files, glossary)
    print(f"OK: {len(glossary)} entries in {root}, no problems")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from dlterms.kb.build import BuildError, build
    from dlterms.kb.glossary import GlossaryError
    from dlterms.kb.readcopy import stamp

    if not (Path(args.project) / "mkdocs.yml").is_file():
        where = Path(args.project).resolve()
        return _error(
            "build", f"{where} has no mkdocs.yml", "run it in the project root or pass --project"
        )
    root = Path(args.glossary or Path(args.project) / "glossary")
    if not root.is_dir():
        return _error("build", f"no glossary folder at {root}", "pass --glossary FOLDER")
    files = stamp(root)
    try:
        glossary = build(
            args.project, site_dir=args.site_dir, dist_dir=args.dist_dir, glossary_dir=args.glossary
        )
    except GlossaryError as exc:
        print(exc.report(), file=sys.stderr)
        print("build stopped: nothing was changed in site/ or dist/", file=sys.stderr)
        return 1
    except BuildError as exc:
        print(exc, file=sys.stderr)
        print("build failed: nothing was changed in site/ or dist/", file=sys.stderr)
        return 1
    _refresh_read_copy(root, files, glossary)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from dlterms.kb.build import next_timestamp
    from dlterms.kb.deck import export
    from dlterms.kb.glossary import default_glossary, tag_vocabulary

    glossary = default_glossary()
    vocab = tag_vocabulary(glossary.root)
    unknown = [t for t in args.tag if t not in vocab]
    if unknown:
        print(
            f"{', '.join(map(repr, unknown))} not in the tag vocabulary; use one of "
            + ", ".join(vocab),
            file=sys.stderr,
        )
        return 1
    out = Path(
        args.output
        or f"{EXPORT_DIR}/dlterms{'-' + '-'.join(args.tag) if args.tag else ''}.{args.format}"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    figures = None
    if args.format == "apkg":
        from dlterms.kb.figures import render_all

        root = glossary.root.parent if glossary.root else Path.cwd()
        figures = render_all(root / ".cache" / "figures", glossary.entries)
    export(
        glossary,
        out,
        fmt=args.format,
        tags=args.tag,
        figures=figures,
        timestamp=next_timestamp(out.parent),
    )
    chosen = [e for e in glossary if not args.tag or set(args.tag) & set(e.tags)]
    print(f"{len(chosen)} entries -> {out}", file=sys.stderr)
    return 0


def _use_color(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _cmd_show(args: argparse.Namespace) -> int:
    from dlterms.kb.readcopy import reading_glossary

    try:
        entry = reading_glossary().lookup(" ".join(args.term))
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 1
    if args.format == "json":
        from dlterms.kb.present import entry_record

        print(json.dumps(entry_record(entry), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        from dlterms.kb.present import entry_markdown

        print(entry_markdown(entry), end="")
    else:
        from dlterms.kb.present import entry_text

        width = args.width or min(shutil.get_terminal_size((88, 24)).columns, 100)
        print(entry_text(entry, width=width, color=_use_color(sys.stdout)), end="")
    return 0


def _cmd_quiz(args: argparse.Namespace) -> int:
    from dlterms.kb.quiz import run_quiz

    return run_quiz(
        tags=args.tag, count=args.number, seed=args.seed, stdin=sys.stdin, stdout=sys.stdout
    )


def _cmd_search(args: argparse.Namespace) -> int:
    from dlterms.kb.readcopy import reading_glossary

    hits = reading_glossary().search(" ".join(args.words), limit=args.limit)
    if not hits:
        print("no matching entries", file=sys.stderr)
        return 1
    width = max(len(e.term) for e in hits)
    for e in hits:
        first = e.definition.split(". ")[0].rstrip(".")
        print(f"{e.term:<{width}}  {textwrap.shorten(first, 100 - width)}")
    return 0


def _error(command: str, what: str, fix: str) -> int:
    print(f"dlterms {command}: {what} ({fix})", file=sys.stderr)
    return 1


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number; got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    from dlterms import __version__

    parser = argparse.ArgumentParser(
        prog="dlterms",
        description="A deep-learning glossary whose every entry runs.",
        epilog="exit status: 0 success; 1 a problem was found or a name is unknown "
        "(the message says which); 2 the command line itself is wrong.",
    )
    parser.add_argument("--version", action="version", version=f"dlterms {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "check",
        help="validate every glossary entry and report all problems; when the project's "
        "glossary is clean, refresh the read copy that lookup, show and search use",
    )
    p.add_argument("--glossary", help="glossary folder (default: the project's glossary/)")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("build", help="build the site into site/ and the decks into dist/")
    p.add_argument("--project", default=".", help="project root holding mkdocs.yml (default: .)")
    p.add_argument("--site-dir", help="default: <project>/site")
    p.add_argument("--dist-dir", help="default: <project>/dist")
    p.add_argument("--glossary", help="default: <project>/glossary")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("export", help="export entries, or those with a tag, as apkg, csv or json")
    p.add_argument(
        "--tag",
        action="append",
        default=[],
        help="keep entries with this tag (repeatable); default: every entry",
    )
    p.add_argument("--format", choices=["apkg", "csv", "json"], default="apkg")
    p.add_argument(
        "-o",
        "--output",
        help=f"default: {EXPORT_DIR}/dlterms[-TAG].FORMAT (not dist/, which each build replaces)",
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "show",
        help="print a term's definition, formula, example, pitfalls and functions",
        description="Print one entry like a man page: math as Unicode text, wrapped to the "
        "terminal, colour only on a terminal (set NO_COLOR to turn it off).",
    )
    p.add_argument("term", nargs="+", help="a term, alias or id, e.g. MSE")
    p.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="text for people (default), markdown or json for scripts",
    )
    p.add_argument("--width", type=_positive_int, help="wrap width (default: the terminal's)")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser(
        "quiz",
        help="a short self-test from the entries' quiz items and definitions",
        description="Ask questions one at a time: press Enter to see the answer, then y or n "
        "to score it; a summary ends the round. Reads the same items as the Anki deck.",
    )
    p.add_argument("--tag", action="append", default=[], help="only entries with this tag")
    p.add_argument("-n", "--number", type=_positive_int, default=10, help="questions (default 10)")
    p.add_argument("--seed", type=int, help="the same seed asks the same questions")
    p.set_defaults(func=_cmd_quiz)

    p = sub.add_parser("search", help="rank entries by how well they match some words")
    p.add_argument("words", nargs="+")
    p.add_argument("-n", "--limit", type=_positive_int, default=10, help="default: 10")
    p.set_defaults(func=_cmd_search)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except OSError as exc:  # an unwritable or missing path: one line, no traceback
        where = f" {exc.filename}" if exc.filename else ""
        what = exc.strerror or str(exc)
        return _error(
            args.command, f"cannot use{where}: {what}", "check the path and its permissions"
        )
    except ModuleNotFoundError as exc:
        if exc.name not in _BUILD_EXTRA:
            raise
        print(
            f"dlterms {args.command} needs {exc.name}, which comes with the build extra: "
            "pip install 'dlterms[build]'",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
