"""Rows for tests/test_reference_common.py: dlterms.tokenization.

Text is not a number, so the "nan" rows pass a float where text belongs (TypeError);
the extreme rows are long or unusual texts whose ids stay finite.
"""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import Call, Expect, call  # noqa: F401  (the table form)

NAN = float("nan")
MERGES = np.array([[97, 97], [97, 98], [256, 257]])
_LONG = "ab" * 5000 + "\u00e9\U0001f600"

VALID = {
    "tokenize": call("hello", ["e", "h", "l", "o"]),
    "bpe_learn": call("aaabdaaabac", 3),
    "bpe_encode": call("aaabdaaabac", MERGES),
    "bpe_decode": call(np.array([258, 100, 258, 97, 99]), MERGES),
}

EXTREME = {
    "tokenize": call(_LONG, ["a", "b", "<unk>"], unknown="<unk>"),
    "bpe_learn": call(_LONG, 50),
    "bpe_encode": call(_LONG, MERGES),
    "bpe_decode": call(np.full(1000, 258), MERGES),
}

BAD = {
    "tokenize": {
        "shape": call("ab", ["a", "b", "a"]),
        "empty": call("   ", ["a"], level="word"),
        "nan": Expect(call(NAN, ["a"]), raises=TypeError, why="text must be a str"),
    },
    "bpe_learn": {
        "shape": call("abab", -1),
        "empty": call("", 3),
        "nan": Expect(call(NAN, 3), raises=TypeError, why="text must be a str or bytes"),
    },
    "bpe_encode": {
        "shape": call("abab", np.array([[97, 98, 99]])),
        "empty": call(b"", MERGES),
        "nan": Expect(call("ab", [[97.0, NAN]]), raises=TypeError, why="merges hold ints"),
    },
    "bpe_decode": {
        "shape": call(np.array([[97, 98]]), MERGES),
        "empty": call(np.array([], dtype=int), MERGES),
        "nan": Expect(call([97.0, NAN], MERGES), raises=TypeError, why="ids are ints"),
    },
}
