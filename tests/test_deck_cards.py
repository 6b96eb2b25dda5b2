"""An entry's `predict_cards` chooses its predict cards; a bad choice stops the build."""

from __future__ import annotations

import dataclasses

import pytest

from dlterms.kb.cards import all_snippets, predict_snippets
from dlterms.kb.glossary import default_glossary


def _functions(entry):
    return dict(zip(entry.implementation, entry.functions, strict=True))


def test_predict_cards_choose_none_one_or_refuse_a_bad_example():
    relu = default_glossary()["relu"]
    assert 1 <= len(predict_snippets(relu, _functions(relu))) <= 2
    assert predict_snippets(dataclasses.replace(relu, predict_cards=()), _functions(relu)) == []

    good = predict_snippets(relu, _functions(relu))[-1]
    chosen = dataclasses.replace(relu, predict_cards=(">>> " + good.statement,))
    assert predict_snippets(chosen, _functions(relu)) == [good]

    missing = dataclasses.replace(relu, predict_cards=("relu(42)",))
    with pytest.raises(ValueError, match=r"relu.yaml: predict_cards\[0\]: no example"):
        predict_snippets(missing, _functions(relu))

    sigmoid = default_glossary()["sigmoid-function"]
    groups = all_snippets(sigmoid, _functions(sigmoid))
    long_float = next(s for g in groups for s in g if s.reason == "a float with 4 or more decimals")
    bad = dataclasses.replace(sigmoid, predict_cards=(long_float.statement,))
    with pytest.raises(ValueError, match=r"predict_cards\[0\]: .* 4 or more decimals"):
        predict_snippets(bad, _functions(sigmoid))
