"""Rows for dlterms.paradigms: regressions, boosting, pseudo-labels, queries, bandits, evolution."""

from __future__ import annotations

import numpy as np

from reference_cases._helpers import call

NAN = float("nan")
X = np.array([[0.0, 1.0], [1.0, -1.0], [2.0, 0.5], [3.0, -2.0]])
Y = np.array([1.0, 3.0, 5.0, 7.5])
Y01 = np.array([0, 0, 1, 1])
YPM = np.array([-1, 1, -1, 1])
W = np.array([0.5, -0.25])
P = np.array([[0.95, 0.05], [0.6, 0.4], [0.3, 0.7]])
HUGE_X = np.array([[1e308], [-1e308]])
BOUNDS = np.array([[-1.0, 1.0], [0.0, 2.0]])


def _bowl(p):
    # the largest distance to (0.5, 0.5): a bowl that cannot overflow for finite p, so
    # the generated extremes test the search, not an objective squaring 1e308
    return float(np.max(np.abs(p - 0.5)))


def _size(p):
    return float(np.abs(p[0]))


VALID = {
    "fit_linear_regression": call(X, Y, learning_rate=0.05, n_steps=20, l2=0.01),
    "linear_regression_closed_form": call(X, Y, l2=0.1),
    "linear_regression_loss": call(X, Y, W, 0.5, l2=0.1),
    "linear_regression_grad": call(X, Y, W, 0.5, l2=0.1),
    "predict_linear": call(X, W, 0.5),
    "fit_logistic_regression": call(X, Y01, learning_rate=0.5, n_steps=20, l2=0.01),
    "logistic_regression_loss": call(X, Y01, W, 0.5, l2=0.1),
    "logistic_regression_grad": call(X, Y01, W, 0.5, l2=0.1),
    "predict_proba_logistic": call(X, W, 0.5),
    "predict_logistic": call(X, W, 0.5, threshold=0.7),
    "adaboost_fit": call(X, YPM, n_rounds=3),
    "adaboost_predict": call(X, [(0, 0.5, 1, 1.0), (1, -0.5, -1, 0.5)]),
    "bagging_fit": call(X, YPM, n_estimators=3, rng=0),
    "bagging_predict": call(X, [(0, 0.5, 1), (1, -0.5, -1), (0, 2.5, 1)]),
    "one_boosting_round": call(X, YPM, np.array([0.1, 0.2, 0.3, 0.4])),
    "pseudo_label": call(P, threshold=0.8),
    "uncertainty_query": call(P, 2, strategy="entropy"),
    "epsilon_greedy": call(np.array([0.1, 0.5]), 0.5, rng=0),
    "run_bandit": call(np.array([0.0, 1.0]), 0.1, 20, rng=0),
    "evolutionary_search": call(_bowl, BOUNDS, population=4, generations=3, rng=0),
}

# Extreme but finite: +-1e308 where the exact result is representable; 1e150 where
# training multiplies inputs by weights that grow like the inputs.
EXTREME = {
    "fit_linear_regression": call(
        np.array([[1.0], [-1.0], [0.0]]), np.array([1e150, -1e150, 0.0]), n_steps=5
    ),
    "linear_regression_closed_form": call(
        np.array([[1e308], [-1e308], [0.0]]), np.array([1e308, -1e308, 0.0])
    ),
    "linear_regression_loss": call(HUGE_X, np.array([5e307, -5e307]), np.array([0.5]), 0.0),
    "linear_regression_grad": call(HUGE_X, np.array([5e307, -5e307]), np.array([0.5]), 0.0),
    "predict_linear": call(np.array([[1e308, -1e308]]), np.array([0.5, 0.5]), -1e308),
    "fit_logistic_regression": call(np.array([[1e150], [-1e150]]), np.array([1, 0]), n_steps=3),
    "logistic_regression_loss": call(HUGE_X, np.array([1, 0]), np.array([1.0]), 0.0),
    "logistic_regression_grad": call(HUGE_X, np.array([1, 0]), np.array([1.0]), 0.0),
    "predict_proba_logistic": call(HUGE_X, np.array([1.0]), 0.0),
    "predict_logistic": call(HUGE_X, np.array([1.0]), -1e307, threshold=1.0),
    "adaboost_fit": call(np.array([[1e308], [-1e308], [0.0]]), np.array([1, -1, 1])),
    "adaboost_predict": call(HUGE_X, [(0, 1e308, 1, 1e307), (0, -1e308, -1, 1e307)]),
    "bagging_fit": call(
        np.array([[1e308], [-1e308], [5e-324], [-1.7976931348623157e308]]), YPM, rng=0
    ),
    "bagging_predict": call(HUGE_X, [(0, 1e308, 1), (0, -1e308, -1), (0, 0.0, 1)]),
    "one_boosting_round": call(
        np.array([[1e308], [-1e308], [0.0]]), np.array([1, -1, -1]), np.array([1e308, 1e-308, 1.0])
    ),
    "pseudo_label": call(np.array([[1e-300, 1.0], [0.5, 0.5]]), threshold=1.0),
    "uncertainty_query": call(np.array([[1e-300, 1.0], [0.5, 0.5]]), 2, strategy="entropy"),
    "epsilon_greedy": call(np.array([1e308, -1e308]), 0.5, rng=0),
    "run_bandit": call(np.array([1e308, -1e308]), 0.5, 10, rng=0),
    "evolutionary_search": call(
        _size, np.array([[-1e308, 1e308]]), population=3, generations=2, rng=0
    ),
}

_FIT = {
    "shape": call([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),
    "empty": call(np.zeros((0, 2)), []),
    "nan": call([[NAN], [1.0]], [0.0, 1.0]),
}
_MODEL = {
    "shape": call([[1.0], [2.0]], [0.0, 1.0], [1.0, 2.0], 0.0),
    "empty": call(np.zeros((0, 1)), [], [1.0], 0.0),
    "nan": call([[1.0], [NAN]], [0.0, 1.0], [1.0], 0.0),
}
_PREDICT = {
    "shape": call([[1.0], [2.0]], [1.0, 2.0], 0.0),
    "empty": call(np.zeros((0, 1)), [1.0], 0.0),
    "nan": call([[1.0], [NAN]], [1.0], 0.0),
}
_PROBABILITIES = {
    "shape": call(np.full((2, 2, 2), 0.5)),
    "empty": call([]),
    "nan": call([NAN, 0.5]),
}
_ACTIONS = {
    "shape": call([[1.0, 2.0]], 0.1),
    "empty": call([], 0.1),
    "nan": call([NAN, 1.0], 0.1),
}

BAD = {
    **{
        name: _FIT
        for name in (
            "fit_linear_regression",
            "linear_regression_closed_form",
            "fit_logistic_regression",
            "adaboost_fit",
        )
    },
    **{
        name: _MODEL
        for name in (
            "linear_regression_loss",
            "linear_regression_grad",
            "logistic_regression_loss",
            "logistic_regression_grad",
        )
    },
    **{name: _PREDICT for name in ("predict_linear", "predict_proba_logistic", "predict_logistic")},
    "bagging_fit": {
        "shape": call([[1.0], [2.0]], [1, -1, 1]),
        "empty": call(np.zeros((0, 1)), []),
        "nan": call([[1.0], [NAN]], [1, -1]),
    },
    "bagging_predict": {
        "shape": call([[1.0]], [(0, 0.5, 1, 1.0)]),
        "empty": call([[1.0]], []),
        "nan": call([[1.0]], [(0, NAN, 1)]),
    },
    "adaboost_predict": {
        "shape": call([[1.0]], [(0, 0.5, 1)]),
        "empty": call([[1.0]], []),
        "nan": call([[NAN]], [(0, 0.5, 1, 1.0)]),
    },
    "one_boosting_round": {
        "shape": call([[1.0], [2.0]], [1, -1], [0.5]),
        "empty": call(np.zeros((0, 1)), [], []),
        "nan": call([[1.0], [2.0]], [1, -1], [0.5, NAN]),
    },
    "pseudo_label": _PROBABILITIES,
    "uncertainty_query": {name: call(*row.args, 1) for name, row in _PROBABILITIES.items()},
    "epsilon_greedy": _ACTIONS,
    "run_bandit": {name: call(*row.args, 5) for name, row in _ACTIONS.items()},
    "evolutionary_search": {
        "shape": call(_bowl, [[0.0, 1.0, 2.0]]),
        "empty": call(_bowl, np.zeros((0, 2))),
        "nan": call(_bowl, [[NAN, 1.0]]),
    },
}
