"""``dlterms quiz``: a short self-test in the terminal, from the same items as the deck.

Each question is a definition card ("What is …?"), a question/answer quiz item or a
cloze with its blanks shown as ``[...]``. Enter reveals the answer, ``y`` or ``n``
scores it, and a summary ends the round. Everything goes through the streams it is
given, so a test drives it by feeding standard input.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, TextIO

from dlterms.kb.texttext import markdown_to_text

__all__ = ["Card", "cards", "run_quiz"]

_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.S)


@dataclass(frozen=True)
class Card:
    """One question of the self-test, with its answer and the entry it comes from."""

    entry_id: str
    term: str
    question: str
    answer: str


def cards(entries: list[Any]) -> list[Card]:
    """Every self-test card of `entries`: a definition card and each quiz item."""
    out = []
    for e in entries:
        out.append(Card(e.id, e.term, f"What is {markdown_to_text(e.term)}?", e.definition))
        for item in e.quiz:
            if item.cloze:
                question = _CLOZE.sub(lambda m: f"[{m.group(2) or '...'}]", item.question)
                answer = _CLOZE.sub(lambda m: m.group(1), item.question)
                out.append(Card(e.id, e.term, question, answer))
            else:
                out.append(Card(e.id, e.term, item.question, item.answer))
    return [
        Card(c.entry_id, c.term, markdown_to_text(c.question), markdown_to_text(c.answer))
        for c in out
    ]


def _ask(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline()
    if not line:  # end of input: stop the round
        stdout.write("\n")
        return None
    return line.strip().lower()


def run_quiz(
    *,
    tags: list[str],
    count: int,
    seed: int | None,
    stdin: TextIO,
    stdout: TextIO,
    glossary: Any = None,
) -> int:
    """Run one round of `count` questions; return the exit status (0, or 1 for a bad tag)."""
    if glossary is None:
        from dlterms.kb.readcopy import reading_glossary

        glossary = reading_glossary()
    entries = [e for e in glossary if not tags or set(tags) & set(e.tags)]
    if not entries:
        known = sorted({t for e in glossary for t in e.tags})
        stdout.write(f"no entries with tag {', '.join(tags)}; tags are: {', '.join(known)}\n")
        return 1
    pool = cards(entries)
    chosen = random.Random(seed).sample(pool, min(count, len(pool)))
    known_ids: list[Card] = []
    missed: list[Card] = []
    for n, card in enumerate(chosen, 1):
        stdout.write(f"\n[{n}/{len(chosen)}] {card.term}\n{card.question}\n")
        if _ask("(Enter to reveal) ", stdin, stdout) is None:
            break
        stdout.write(f"{card.answer}\n")
        answer = _ask("Did you know it? [y/n] ", stdin, stdout)
        while answer is not None and answer not in ("y", "yes", "n", "no"):
            answer = _ask("Please answer y or n: ", stdin, stdout)
        if answer is None:
            break
        (known_ids if answer.startswith("y") else missed).append(card)
    asked = len(known_ids) + len(missed)
    if asked:
        share = round(100 * len(known_ids) / asked)
        stdout.write(f"\nYou knew {len(known_ids)} of {asked} ({share} %).\n")
    else:
        stdout.write("\nNo question answered.\n")
    if missed:
        terms = ", ".join(dict.fromkeys(c.term for c in missed))
        stdout.write(f"Review: {terms}\n")
    return 0
