"""Figures for dlterms.decoding: filtering a next-token distribution, and a search tree
that keeps the best two partial sequences at every step.

Every number shown comes from dlterms.decoding (and dlterms.log_softmax, the scores
dlterms.beam_search adds up); numpy only builds the toy inputs. Build-only: imports
matplotlib through dlterms.kb.figures.
"""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, ORANGE, figure
from dlterms.kb.gallery._draw import EDGE, INK, MUTED, PALE, num, tint

__all__: list[str] = []

# --------------------------------------------------------------------------- filtering

NEXT_WORDS = ["mat", "sofa", "floor", "bed", "roof", "table", "dog", "moon"]
NEXT_PROBS = [0.35, 0.20, 0.15, 0.12, 0.08, 0.05, 0.03, 0.02]


@figure(
    "top-k-sampling",
    alt="Three horizontal bar charts of the next word after 'the cat sat on the', over "
    "eight candidates. Left, the model's distribution: mat 0.35, sofa 0.20, floor 0.15, "
    "bed 0.12, roof 0.08, table 0.05, dog 0.03, moon 0.02. Middle, keeping the 3 most "
    "likely words: mat 0.50, sofa 0.29, floor 0.21, the other five exactly 0. Right, "
    "keeping the most likely words until they hold 0.8 of the probability: mat, sofa, "
    "floor and bed survive (together 0.82) with 0.43, 0.24, 0.18 and 0.15, the other four "
    "0. Removed words are drawn as faint outlines at their original height.",
    caption="Keep the k most likely tokens (k = 3) and renormalise them to sum to 1, then "
    "sample. Beside it, a cut-off by cumulative probability (p = 0.8), which keeps four "
    "tokens here: as many as it takes to reach p.",
    size=(6.4, 3.0),
)
def _filtered_distributions(fig):
    logits = np.log(NEXT_PROBS)
    panels = (
        ("model: all 8 words", dlterms.softmax(logits)),
        ("3 most likely kept", dlterms.top_k_probs(logits, 3)),
        ("kept until 0.8 is reached", dlterms.top_p_probs(logits, 0.8)),
    )
    original = panels[0][1]
    axes = fig.subplots(1, 3, sharey=True)
    rows = np.arange(len(NEXT_WORDS))
    for ax, (title, probs) in zip(axes, panels, strict=True):
        kept = probs > 0
        ax.barh(rows[~kept], original[~kept], color="none", edgecolor=MUTED, linestyle=":")
        ax.barh(rows[kept], probs[kept], color=tint(BLUE, 0.75), edgecolor=BLUE)
        for row, p, keep in zip(rows, probs, kept, strict=True):
            label = f"{p:.2f}" if keep else "0"
            x = p if keep else original[row]
            ax.text(x + 0.02, row, label, va="center", fontsize=8, color=INK if keep else MUTED)
        ax.set(title=title, xlim=(0, 0.68), xticks=[0, 0.25, 0.5])
        ax.title.set_fontsize(10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("probability")
    axes[0].set(yticks=rows, yticklabels=NEXT_WORDS)
    axes[0].invert_yaxis()
    axes[0].set_ylabel("next word after 'the cat sat on the'")


# --------------------------------------------------------------------------- search tree

WORDS = ["a", "b", "c"]
#: The toy model: the next token's probabilities depend only on the last token.
TRANSITIONS = np.array([[0.50, 0.40, 0.10], [0.05, 0.05, 0.90], [0.10, 0.10, 0.80]])
WIDTH, DEPTH = 2, 3


def _toy_model(prefix):
    return np.log(TRANSITIONS[int(prefix[-1])])


def _search_tree():
    """Every hypothesis the search scores, level by level, and the final beams.

    A node is ``(tokens, score, parent, kept)``, `parent` indexing the level before (the
    prompt for the first). The scores add ``dlterms.log_softmax`` of the model's logits,
    as beam_search does, and the same stable sort by score picks the survivors.
    """
    beams = [((0,), 0.0, 0)]  # tokens, score, index of its node in the last level
    levels = []
    for _ in range(DEPTH):
        candidates = [
            (tokens + (t,), score + float(step), node)
            for tokens, score, node in beams
            for t, step in enumerate(dlterms.log_softmax(_toy_model(np.array(tokens))))
        ]
        order = np.argsort([-score for _, score, _ in candidates], kind="stable")[:WIDTH]
        levels.append([(*c, i in order) for i, c in enumerate(candidates)])
        beams = [(*candidates[i][:2], int(i)) for i in order]
    return levels, [beam[:2] for beam in beams]


@figure(
    "beam-search",
    alt="A search tree over the tokens a, b, c, growing left to right from the prompt 'a' "
    "for three steps and keeping the two best partial sequences at each step; each node "
    "shows its token and its total log-probability. Step 1: a −0.69 and b −0.92 are kept, "
    "c −2.30 is pruned. Step 2: of the six extensions, a b c −1.02 and a a a −1.39 are "
    "kept; a a b −1.61, a a c −3.00, a b a −3.91 and a b b −3.91 are pruned. Step 3: "
    "a b c c −1.24 and a a a a −2.08 are kept; a a a b −2.30, a a a c −3.69, a b c a −3.32 "
    "and a b c b −3.32 are pruned. The best sequence, drawn in orange, "
    "a b c c with probability 0.288, went through b, the second choice at the first step; "
    "always taking the most likely token gives a a a a with probability 0.125.",
    caption="Each step extends every kept sequence by every token and keeps the two with the "
    "highest total log-probability (bold); the rest are pruned (faint). Keeping a second "
    "hypothesis finds a b c c (orange, probability 0.288), which always taking the likeliest "
    "token misses.",
    size=(6.4, 3.6),
)
def _beam_tree(fig):
    levels, beams = _search_tree()
    best, best_score = dlterms.beam_search(_toy_model, [0], beam_width=WIDTH, max_new_tokens=DEPTH)
    if tuple(best.tolist()) != beams[0][0] or not np.isclose(best_score, beams[0][1]):
        raise AssertionError(f"tree disagrees with beam_search: {beams[0]} vs {best}")
    ax = fig.subplots()
    ax.set(xlim=(-0.4, DEPTH + 0.4), ylim=(5.45, -1.0))
    ax.axis("off")
    best_path = beams[0][0]
    y = {(): 2.5}  # the row of each node, by its generated tokens
    for depth, level in enumerate(levels, start=1):
        rows = np.linspace(0.0, 5.0, len(level))
        by_row = sorted(level, key=lambda node: (y[node[0][1:-1]], node[0][-1]))
        y.update((node[0][1:], float(row)) for node, row in zip(by_row, rows, strict=True))
        for tokens, score, _, kept in level:
            x, row, parent_row = float(depth), y[tokens[1:]], y[tokens[1:-1]]
            on_best = tokens == best_path[: len(tokens)]
            line = ORANGE if on_best else (INK if kept else PALE)
            start = x - (0.92 if depth == 1 else 0.78)
            ax.plot([start, x - 0.22], [parent_row, row], color=line, lw=2.2 if kept else 1.0)
            frame = {
                "boxstyle": "round,pad=0.25",
                "fc": tint(ORANGE, 0.2) if on_best else "white",
                "ec": (ORANGE if on_best else EDGE) if kept else PALE,
                "lw": 1.6 if kept else 0.8,
            }
            ax.text(
                x,
                row,
                f"{WORDS[tokens[-1]]}  {num(score, '.2f')}",
                ha="center",
                va="center",
                fontsize=9,
                color=INK if kept else MUTED,
                fontweight="bold" if kept else "normal",
                bbox=frame,
                zorder=2,
            )
    ax.text(
        0.0,
        2.5,
        "a",
        ha="center",
        va="center",
        fontsize=10,
        color=INK,
        bbox={"boxstyle": "round,pad=0.3", "fc": PALE, "ec": EDGE},
        zorder=2,
    )
    ax.text(0.0, 1.9, "prompt", ha="center", va="bottom", fontsize=8, color=MUTED)
    for depth in range(1, DEPTH + 1):
        ax.text(depth, -0.75, f"step {depth}", ha="center", va="center", fontsize=9, color=INK)
