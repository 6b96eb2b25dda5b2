"""Figures for dlterms.tokenization: the merge table learned from a tiny corpus, and the
corpus cut into the tokens it defines.

Every id, token and count shown comes from dlterms.tokenization; numpy only counts the
pairs in the ids it returns. Build-only: imports matplotlib through dlterms.kb.figures.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import ORANGE, figure
from dlterms.kb.gallery._draw import EDGE, INK, MUTED, PALE, diagram, tint

__all__: list[str] = []

CORPUS = "low lower lowest newer wider"
SPACE = "␣"  # a visible space


def _shown(ids, merges) -> str:
    """The text of the tokens `ids`, spaces made visible."""
    return bytes(dlterms.bpe_decode(ids, merges)).decode().replace(" ", SPACE)


def _pair_count(ids, pair) -> int:
    """How often `pair` occurs as adjacent ids (overlapping runs counted, as bpe_learn does)."""
    ids = np.asarray(ids)
    return int(np.sum((ids[:-1] == pair[0]) & (ids[1:] == pair[1])))


@figure(
    "byte-pair-encoding",
    alt="A table of the 4 merges learned from the 28-byte text 'low lower lowest newer "
    "wider', one row per merge in the order learned. Merge 1 joins e and r (bytes 101 and "
    "114, adjacent 3 times) into token 256, 'er'. Merge 2 joins l and o (3 times) into 257, "
    "'lo'. Merge 3 joins 257 'lo' and w (3 times) into 258, 'low'. Merge 4 joins a space "
    "and 258 'low' (twice) into 259, ' low' with its leading space. No pair then occurs "
    "twice, so learning stops. Below, the text encoded with these merges: 17 tokens instead "
    "of 28 bytes: low, ' low', er, ' low', e, s, t, space, n, e, w, er, space, w, i, d, er.",
    caption="Merges are learned greedily, most frequent adjacent pair first, each making a "
    "new token from two older ones (ids from 256 up; below 256 are single bytes). Encoding "
    "replays the merges in order: 28 bytes become 17 tokens, the merged ones shaded.",
    size=(6.4, 3.2),
)
def _merge_table(fig):
    merges = dlterms.bpe_learn(CORPUS, 10)
    ids = dlterms.bpe_encode(CORPUS, merges)
    ax = diagram(fig, (0, 17.2), (-0.8, 6.9))
    columns = (0.9, 4.6, 8.4, 11.0, 14.2)  # centres: merge, pair, pair ids, new id, token
    headers = ("merge", "joins (count)", "ids", "new id", "new token")
    top = 6.4
    for x, header in zip(columns, headers, strict=True):
        ax.text(x, top, header, ha="center", va="center", fontsize=9.5, color=MUTED)
    ax.plot([0, 17.2], [top - 0.45] * 2, color=EDGE, lw=0.8)
    for k, pair in enumerate(merges.tolist()):
        y = top - 1.0 - 0.85 * k
        before = (
            dlterms.bpe_encode(CORPUS, merges[:k])
            if k
            else np.frombuffer(CORPUS.encode(), dtype=np.uint8)
        )
        left, right = (_shown([i], merges) for i in pair)
        count = _pair_count(before, pair)
        row = (
            f"{k + 1}",
            f"{left} + {right}  (×{count})",
            f"{pair[0]}, {pair[1]}",
            f"{256 + k}",
            _shown([256 + k], merges),
        )
        for x, text in zip(columns, row, strict=True):
            bold = x == columns[-1]
            ax.text(
                x,
                y,
                text,
                ha="center",
                va="center",
                fontsize=10,
                color=INK,
                fontweight="bold" if bold else "normal",
                family="monospace" if x != columns[0] else None,
            )
    ax.plot([0, 17.2], [top - 1.0 - 0.85 * len(merges) + 0.4] * 2, color=EDGE, lw=0.8)
    strip = 0.0
    ax.text(
        0,
        strip + 0.95,
        f"the text as {len(ids)} tokens instead of {len(CORPUS.encode())} characters",
        ha="left",
        va="center",
        fontsize=9.5,
        color=MUTED,
    )
    widths = np.array([len(_shown([i], merges)) for i in ids], dtype=float) * 0.38 + 0.22
    lefts = np.concatenate([[0.0], np.cumsum(widths)[:-1]]) * 17.2 / widths.sum()
    widths *= 17.2 / widths.sum()
    for x, w, token in zip(lefts, widths, ids.tolist(), strict=True):
        merged = token >= 256
        ax.bar(
            x,
            0.9,
            width=w,
            bottom=strip - 0.45,
            align="edge",
            color=tint(ORANGE, 0.3) if merged else PALE,
            edgecolor=EDGE,
            linewidth=0.8,
        )
        ax.text(
            x + w / 2,
            strip,
            _shown([token], merges),
            ha="center",
            va="center",
            fontsize=9,
            family="monospace",
            color=INK,
            fontweight="bold" if merged else "normal",
        )
