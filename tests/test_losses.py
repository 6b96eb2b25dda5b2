"""The loss functions of dlterms.losses: oracles, properties and gradients.

1. Agreement with an independent implementation: PyTorch (CPU, float64) where it has
   the loss, otherwise Keras' formula written with torch tensor ops; scikit-learn and
   SciPy where they have it too. Each library is skipped if it is missing.
2. Properties that hold for every valid input (hypothesis).
3. Every ``*_grad`` against central finite differences of its loss.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _strategies import (
    ORACLE,
    PROPERTY,
    as_tensor,
    eighths,
    float_arrays,
    label_arrays,
    moderate,
    small,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms
from dlterms import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
    categorical_cross_entropy,
    categorical_hinge_loss,
    cosine_similarity_loss,
    cross_entropy,
    cross_entropy_grad,
    hinge_loss,
    hinge_loss_grad,
    kl_divergence,
    log_cosh_loss,
    log_cosh_loss_grad,
    log_softmax,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_error_grad,
    mean_squared_logarithmic_error,
    one_hot,
    poisson_loss,
    sigmoid,
    softmax,
    sparse_categorical_cross_entropy,
    squared_hinge_loss,
)

FAST = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
EPS = 1e-7  # Keras' backend.epsilon()

unit = st.floats(0, 1, allow_nan=False, allow_infinity=False)
non_negative = st.floats(0, 1e3, allow_nan=False, allow_infinity=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


def arrays(elements, shape=shapes):
    return hnp.arrays(np.float64, shape, elements=elements)


def pairs(elements_true, elements_pred=None):
    """Two float arrays of one drawn shape."""
    return shapes.flatmap(
        lambda s: st.tuples(
            arrays(elements_true, s),
            arrays(elements_true if elements_pred is None else elements_pred, s),
        )
    )


@st.composite
def distributions(draw, n=None, k=None, spread=10.0):
    """An (n, k) array of probability rows: the softmax of drawn logits."""
    n = draw(st.integers(1, 5)) if n is None else n
    k = draw(st.integers(1, 5)) if k is None else k
    logits = draw(arrays(st.floats(-spread, spread), (n, k)))
    return softmax(logits, axis=1)


def approx(expected, rel=1e-10, abs=1e-12):
    return pytest.approx(expected, rel=rel, abs=abs)


# --- 1. oracles: regression losses -------------------------------------------------


@FAST
@given(pairs(moderate))
def test_mse_and_mae_match_torch(torch, pair):
    F = torch.nn.functional
    y_true, y_pred = pair
    t, p = as_tensor(torch, y_true), as_tensor(torch, y_pred)
    assert mean_squared_error(y_true, y_pred) == approx(F.mse_loss(p, t).item())
    assert mean_absolute_error(y_true, y_pred) == approx(F.l1_loss(p, t).item())


@FAST
@given(pairs(moderate))
def test_mape_matches_the_keras_formula_in_torch_and_sklearn(torch, sk_metrics, pair):
    y_true, y_pred = pair
    t, p = as_tensor(torch, y_true), as_tensor(torch, y_pred)
    expected = 100 * ((t - p).abs() / t.abs().clamp(min=EPS)).mean().item()
    assert mean_absolute_percentage_error(y_true, y_pred) == approx(expected)
    if np.all(np.abs(y_true) >= EPS):  # sklearn clips at machine epsilon, not at 1e-7
        sk = sk_metrics.mean_absolute_percentage_error(y_true.ravel(), y_pred.ravel())
        assert mean_absolute_percentage_error(y_true, y_pred) == approx(100 * sk)


@FAST
@given(pairs(non_negative))
def test_msle_matches_torch_and_sklearn(torch, sk_metrics, pair):
    y_true, y_pred = pair
    t, p = as_tensor(torch, y_true), as_tensor(torch, y_pred)
    expected = ((torch.log1p(t) - torch.log1p(p)) ** 2).mean().item()
    assert mean_squared_logarithmic_error(y_true, y_pred) == approx(expected)
    sk = sk_metrics.mean_squared_log_error(y_true.ravel(), y_pred.ravel())
    assert mean_squared_logarithmic_error(y_true, y_pred) == approx(sk)


@FAST
@given(pairs(st.floats(-150, 150)))
def test_log_cosh_matches_torch_log_of_cosh(torch, pair):
    y_true, y_pred = pair
    expected = torch.log(torch.cosh(as_tensor(torch, y_pred - y_true))).mean().item()
    assert log_cosh_loss(y_true, y_pred) == approx(expected, rel=1e-12, abs=1e-15)


@FAST
@given(pairs(st.integers(0, 20).map(float), st.floats(1e-3, 50)))
def test_poisson_matches_torch_poisson_nll_loss_without_eps(torch, pair):
    F = torch.nn.functional
    y_true, y_pred = pair
    # with eps=0 torch computes y_pred - y_true * log(y_pred): no clip is reached here
    expected = F.poisson_nll_loss(
        as_tensor(torch, y_pred), as_tensor(torch, y_true), log_input=False, full=False, eps=0.0
    ).item()
    assert poisson_loss(y_true, y_pred) == approx(expected)


# --- 1. oracles: probabilistic losses ----------------------------------------------


@FAST
@given(pairs(unit))
def test_binary_cross_entropy_matches_torch_on_clipped_probabilities(torch, pair):
    F = torch.nn.functional
    y_true, y_pred = pair
    clipped = as_tensor(torch, y_pred).clamp(EPS, 1 - EPS)  # Keras' clip, then torch's own loss
    expected = F.binary_cross_entropy(clipped, as_tensor(torch, y_true)).item()
    assert binary_cross_entropy(y_true, y_pred) == approx(expected)


@FAST
@given(pairs(unit, moderate))
def test_binary_cross_entropy_with_logits_matches_torch(torch, pair):
    F = torch.nn.functional
    y_true, logits = pair
    expected = F.binary_cross_entropy_with_logits(
        as_tensor(torch, logits), as_tensor(torch, y_true)
    ).item()
    assert binary_cross_entropy_with_logits(y_true, logits) == approx(expected)


@FAST
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_categorical_cross_entropies_match_torch(torch, n, k, data):
    F = torch.nn.functional
    y_pred = data.draw(distributions(n, k, spread=20.0))
    y_soft = data.draw(distributions(n, k))
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    log_p = torch.log(as_tensor(torch, y_pred).clamp(EPS, 1 - EPS))
    expected = F.nll_loss(log_p, torch.from_numpy(labels)).item()
    assert sparse_categorical_cross_entropy(labels, y_pred) == approx(expected)
    assert categorical_cross_entropy(one_hot(labels, k), y_pred) == approx(expected)
    expected = -(as_tensor(torch, y_soft) * log_p).sum(dim=1).mean().item()
    assert categorical_cross_entropy(y_soft, y_pred) == approx(expected)


@FAST
@given(st.data())
def test_kl_divergence_matches_torch_kl_div_and_scipy_rel_entr(torch, special, data):
    F = torch.nn.functional
    p = data.draw(distributions(spread=20.0))
    q = data.draw(distributions(n=p.shape[0], k=p.shape[1], spread=20.0))
    # Keras' clip of both; torch and scipy both count 0 log 0 as 0
    p_clipped = np.where(p > 0, np.clip(p, EPS, 1.0), 0.0)
    q_clipped = np.clip(q, EPS, 1.0)
    expected = F.kl_div(
        torch.log(as_tensor(torch, q_clipped)), as_tensor(torch, p_clipped), reduction="batchmean"
    ).item()
    assert kl_divergence(p, q) == approx(expected, abs=1e-10)
    expected = special.rel_entr(p_clipped, q_clipped).sum(axis=1).mean()
    assert kl_divergence(p, q) == approx(expected, abs=1e-10)


# --- 1. oracles: margin and similarity losses --------------------------------------


def _keras_hinge_in_torch(torch, y_true, y_pred, power):
    t, p = as_tensor(torch, y_true), as_tensor(torch, y_pred)
    return (torch.clamp(1 - t * p, min=0) ** power).mean().item()


@FAST
@given(
    shapes.flatmap(lambda s: st.tuples(arrays(st.sampled_from([-1.0, 1.0]), s), arrays(small, s)))
)
def test_hinge_losses_match_the_keras_formulas_in_torch_and_sklearn(torch, sk_metrics, pair):
    y_true, y_pred = pair
    assert hinge_loss(y_true, y_pred) == approx(_keras_hinge_in_torch(torch, y_true, y_pred, 1))
    assert squared_hinge_loss(y_true, y_pred) == approx(
        _keras_hinge_in_torch(torch, y_true, y_pred, 2)
    )
    if np.unique(y_true).size == 2:  # sklearn needs both classes to know the labels
        sk = sk_metrics.hinge_loss(y_true.ravel(), y_pred.ravel())
        assert hinge_loss(y_true, y_pred) == approx(sk)


@FAST
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_categorical_hinge_matches_the_keras_formula_in_torch(torch, n, k, data):
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    y_true = one_hot(labels, k)
    y_pred = data.draw(arrays(small, (n, k)))
    t, p = as_tensor(torch, y_true), as_tensor(torch, y_pred)
    pos = (t * p).sum(dim=1)
    neg = ((1 - t) * p).max(dim=1).values
    expected = torch.clamp(neg - pos + 1, min=0).mean().item()
    assert categorical_hinge_loss(y_true, y_pred) == approx(expected)


@FAST
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_categorical_hinge_is_crammer_singer_for_non_negative_scores(n, k, data):
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    scores = data.draw(arrays(st.floats(0, 10), (n, k)))
    true_score = scores[np.arange(n), labels]
    wrong = np.where(one_hot(labels, k) == 1, -np.inf, scores)
    best_wrong = np.max(wrong, axis=1) if k > 1 else np.zeros(n)
    expected = np.mean(np.maximum(0.0, 1.0 + np.maximum(best_wrong, 0.0) - true_score))
    assert categorical_hinge_loss(one_hot(labels, k), scores) == approx(expected)


@FAST
@given(
    st.integers(1, 5).flatmap(
        lambda d: st.tuples(
            arrays(small, st.tuples(st.integers(1, 4), st.just(d))),
            arrays(small, st.tuples(st.integers(1, 4), st.just(d))),
        )
    )
)
def test_cosine_similarity_loss_is_minus_torch_cosine_similarity(torch, pair):
    F = torch.nn.functional
    a, b = pair
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    # torch guards the norms with 1e-8 and Keras with 1e-6: compare away from both
    assume(np.all(np.linalg.norm(a, axis=1) > 1e-3) and np.all(np.linalg.norm(b, axis=1) > 1e-3))
    expected = -F.cosine_similarity(as_tensor(torch, a), as_tensor(torch, b), dim=1).mean().item()
    assert cosine_similarity_loss(a, b) == approx(expected, abs=1e-12)


# --- 2. properties ---------------------------------------------------------------------


@FAST
@given(pairs(st.floats(-1e3, 1e3).filter(lambda v: abs(v) >= 1e-3)), st.integers(-20, 20))
def test_mape_is_scale_free(pair, power):
    y_true, y_pred = pair
    c = 2.0**power  # exact scaling
    # the documented Keras clip max(|y|, 1e-7) breaks scale-freedom below 1e-7
    assume(np.all(np.abs(c * y_true) >= 1e-7))
    assert mean_absolute_percentage_error(c * y_true, c * y_pred) == approx(
        mean_absolute_percentage_error(y_true, y_pred), rel=1e-12
    )


@FAST
@given(st.floats(1e-3, 1e3), st.floats(1e-3, 1.0))
def test_msle_punishes_under_prediction_more_than_over_prediction(y, fraction):
    d = fraction * y
    under = mean_squared_logarithmic_error([y], [y - d])
    over = mean_squared_logarithmic_error([y], [y + d])
    assert under > over > 0.0
    assert mean_squared_logarithmic_error([y], [y]) == 0.0


@FAST
@given(pairs(moderate))
def test_log_cosh_lies_between_mae_minus_log2_and_min_of_mse_half_and_mae(pair):
    y_true, y_pred = pair
    x = y_pred - y_true
    each = [log_cosh_loss([0.0], [v]) for v in x.ravel()]
    upper = np.minimum(x.ravel() ** 2 / 2, np.abs(x.ravel()))
    lower = np.maximum(np.abs(x.ravel()) - math.log(2), 0.0)
    assert np.all(np.asarray(each) <= upper * (1 + 1e-12) + 1e-300)
    assert np.all(np.asarray(each) >= lower * (1 - 1e-12))
    assert log_cosh_loss(y_true, y_pred) == approx(log_cosh_loss(y_pred, y_true), rel=1e-15)


@FAST
@given(st.integers(0, 30).map(float), st.floats(1e-3, 10.0))
def test_poisson_loss_is_smallest_at_the_true_count(count, factor):
    assume(count > 0 and abs(factor - 1) > 1e-6)
    best = poisson_loss([count], [count])
    assert poisson_loss([count], [count * factor]) > best


@FAST
@given(pairs(unit, st.floats(-15, 15)))
def test_binary_cross_entropy_from_logits_equals_it_from_probabilities(pair):
    y_true, logits = pair  # |z| <= 15 keeps sigmoid(z) inside the clip [1e-7, 1 - 1e-7]
    expected = binary_cross_entropy(y_true, sigmoid(logits))
    assert binary_cross_entropy_with_logits(y_true, logits) == approx(expected, rel=1e-9)


@FAST
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_categorical_cross_entropy_from_probabilities_equals_cross_entropy(n, k, data):
    logits = data.draw(arrays(st.floats(-5, 5), (n, k)))  # softmax stays above 1e-7
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    expected = cross_entropy(logits, labels)
    p = softmax(logits, axis=1)
    # the clip at 1 - 1e-7 may add up to -log(1 - 1e-7), about 1e-7
    assert categorical_cross_entropy(one_hot(labels, k), p) == approx(expected, rel=1e-9, abs=2e-7)
    assert sparse_categorical_cross_entropy(labels, p) == approx(expected, rel=1e-9, abs=2e-7)


@FAST
@given(
    shapes.flatmap(lambda s: st.tuples(arrays(st.sampled_from([0.0, 1.0]), s), arrays(small, s)))
)
def test_hinge_losses_accept_0_1_labels_as_minus_1_1(pair):
    labels01, y_pred = pair
    labels = 2 * labels01 - 1
    for loss in (hinge_loss, squared_hinge_loss):
        assert loss(labels01, y_pred) == loss(labels, y_pred)
    np.testing.assert_array_equal(
        hinge_loss_grad(labels01, y_pred), hinge_loss_grad(labels, y_pred)
    )
    h, sq = hinge_loss(labels, y_pred), squared_hinge_loss(labels, y_pred)
    assert h >= 0 and sq >= h**2 * (1 - 1e-12)  # Jensen: mean(g^2) >= mean(g)^2
    assert hinge_loss(labels, 2 * labels) == 0.0  # every margin is 2


@FAST
@given(st.data())
def test_kl_divergence_is_non_negative_and_zero_for_equal_distributions(data):
    p = data.draw(distributions())
    q = data.draw(distributions(n=p.shape[0], k=p.shape[1]))
    assert kl_divergence(p, q) >= -p.shape[1] * EPS  # the clip of q can shave off k * 1e-7
    assert kl_divergence(p, p) == 0.0


@FAST
@given(st.data(), st.floats(1e-3, 1e3))
def test_cosine_similarity_loss_ignores_length_and_flips_with_direction(data, c):
    a = data.draw(arrays(small, st.tuples(st.integers(1, 4), st.integers(1, 4))))
    b = data.draw(arrays(small, st.just(a.shape)))
    assume(np.all(np.linalg.norm(a, axis=1) > 1e-3) and np.all(np.linalg.norm(b, axis=1) > 1e-3))
    loss = cosine_similarity_loss(a, b)
    assert -1 - 1e-12 <= loss <= 1 + 1e-12
    assert cosine_similarity_loss(a, c * b) == approx(loss, abs=1e-12)
    assert cosine_similarity_loss(a, -b) == approx(-loss, abs=1e-12)
    assert cosine_similarity_loss(a, a) == approx(-1.0, abs=1e-12)


# --- 3. gradients against central finite differences ------------------------------------


def _central_differences(loss, x, h):
    """d loss / d x, one coordinate at a time: (f(x + h e_i) - f(x - h e_i)) / 2h."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (loss(x + step) - loss(x - step)) / (2 * h)
    return grad


@FAST
@given(pairs(small))
def test_mean_squared_error_grad_matches_central_differences(pair):
    y_true, y_pred = pair
    numeric = _central_differences(lambda p: mean_squared_error(y_true, p), y_pred, 1e-5)
    np.testing.assert_allclose(mean_squared_error_grad(y_true, y_pred), numeric, atol=1e-8)


@FAST
@given(pairs(small))
def test_log_cosh_loss_grad_matches_central_differences(pair):
    y_true, y_pred = pair
    numeric = _central_differences(lambda p: log_cosh_loss(y_true, p), y_pred, 1e-5)
    np.testing.assert_allclose(log_cosh_loss_grad(y_true, y_pred), numeric, atol=1e-8)


@FAST
@given(pairs(unit, small))
def test_binary_cross_entropy_with_logits_grad_matches_central_differences(pair):
    y_true, z = pair
    numeric = _central_differences(lambda v: binary_cross_entropy_with_logits(y_true, v), z, 1e-5)
    np.testing.assert_allclose(binary_cross_entropy_with_logits_grad(y_true, z), numeric, atol=1e-8)


@FAST
@given(st.integers(1, 4), st.integers(1, 4), st.booleans(), st.integers(0, 1), st.data())
def test_cross_entropy_grad_matches_central_differences(n, k, soft, axis, data):
    logits = data.draw(arrays(small, (n, k)))
    if soft:
        target = data.draw(distributions(n, k))
    else:
        target = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    z = logits if axis == 1 else logits.T
    if soft and axis == 0:
        target = target.T
    grad = cross_entropy_grad(z, target, axis=axis)
    numeric = _central_differences(lambda v: cross_entropy(v, target, axis=axis), z, 1e-5)
    np.testing.assert_allclose(grad, numeric, atol=1e-8)
    np.testing.assert_allclose(grad.sum(axis=axis), 0.0, atol=1e-15)


@FAST
@given(
    shapes.flatmap(
        lambda s: st.tuples(
            arrays(st.sampled_from([-1.0, 1.0]), s),
            arrays(st.floats(-5, 5).filter(lambda v: abs(abs(v) - 1) > 1e-3), s),
        )
    )
)
def test_hinge_loss_grad_matches_central_differences_away_from_the_kink(pair):
    y_true, y_pred = pair  # |y_pred| != 1 keeps every margin y * y_pred away from 1
    numeric = _central_differences(lambda p: hinge_loss(y_true, p), y_pred, 1e-6)
    np.testing.assert_allclose(hinge_loss_grad(y_true, y_pred), numeric, atol=1e-8)


# --- validation specific to the losses ------------------------------------------------


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (hinge_loss, ([1.0, 0.5], [1.0, 1.0]), "all in {-1, 1} or all in {0, 1}"),
        (hinge_loss, ([-1.0, 0.0, 1.0], [1.0, 1.0, 1.0]), "all in {-1, 1} or all in {0, 1}"),
        (mean_squared_logarithmic_error, ([1.0, -1.0], [1.0, 1.0]), "y_true must be >= 0"),
        (poisson_loss, ([1.0], [-0.5]), "y_pred must be >= 0"),
        (binary_cross_entropy, ([1.0], [1.5]), "y_pred must be in [0, 1]"),
        (binary_cross_entropy_with_logits, ([2.0], [1.5]), "y_true must be in [0, 1]"),
        (categorical_cross_entropy, ([[1.0, 0.0]], [[0.5, 0.6]]), "sum to 1"),
        (sparse_categorical_cross_entropy, ([2], [[0.5, 0.5]]), "labels must be < 2"),
        (categorical_hinge_loss, ([[1.0, 1.0]], [[0.5, 0.5]]), "one-hot rows"),
        (kl_divergence, ([0.5, 0.5], [[0.5, 0.5]]), "same shape"),
        (cosine_similarity_loss, (np.ones((1, 1, 2)), np.ones((1, 1, 2))), "1-D or 2-D"),
    ],
)
def test_invalid_values_raise_clear_value_errors(function, args, message):
    with pytest.raises(ValueError, match=None) as info:
        function(*args)
    assert message in str(info.value)
    assert str(info.value).endswith(".")


# --- against independent implementations -----------------------------------


@ORACLE
@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_cross_entropy_matches_torch_for_index_and_probability_targets(torch, n, k, data):
    F = torch.nn.functional
    logits = data.draw(hnp.arrays(np.float64, (n, k), elements=moderate))
    index = data.draw(label_arrays(n, k))
    scores = data.draw(hnp.arrays(np.float64, (n, k), elements=small))
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    expected = F.cross_entropy(as_tensor(torch, logits), torch.from_numpy(index)).item()
    assert cross_entropy(logits, index) == pytest.approx(expected, rel=1e-10, abs=1e-12)
    expected = F.cross_entropy(as_tensor(torch, logits), as_tensor(torch, probabilities)).item()
    assert cross_entropy(logits, probabilities) == pytest.approx(expected, rel=1e-10, abs=1e-12)


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(st.data())
def test_mse_and_mae_are_nonnegative_zero_iff_equal_and_ordered(data):
    a = data.draw(float_arrays(elements=eighths))
    b = data.draw(hnp.arrays(np.float64, a.shape, elements=eighths))
    mse, mae = mean_squared_error(a, b), mean_absolute_error(a, b)
    assert mse >= 0 and mae >= 0
    assert (mse == 0) == np.array_equal(a, b) == (mae == 0)
    assert mean_squared_error(a, a) == 0.0
    assert mae <= np.sqrt(mse) * (1 + 1e-12)  # Jensen: mean|d| <= sqrt(mean d^2)


@PROPERTY
@given(st.data())
def test_cross_entropy_index_and_one_hot_targets_agree_on_either_axis(data):
    n, k = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6))
    logits = data.draw(hnp.arrays(np.float64, (n, k), elements=moderate))
    target = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    loss = cross_entropy(logits, target)
    assert loss >= 0
    assert loss == pytest.approx(cross_entropy(logits, one_hot(target, k)), rel=1e-12)
    assert loss == pytest.approx(cross_entropy(logits.T, target, axis=0), rel=1e-12)
    expected = -np.mean(log_softmax(logits)[np.arange(n), target])
    assert loss == pytest.approx(expected, rel=1e-12, abs=1e-300)


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------

MAX = np.finfo(float).max
TINY = 5e-324  # the smallest subnormal


@pytest.mark.usefixtures("warnings_are_errors")
def test_cross_entropy_takes_a_full_range_gap():
    logits = np.array([[MAX, -MAX], [0.0, 0.0]])
    assert dlterms.cross_entropy(logits, np.array([0, 0])) == pytest.approx(np.log(2) / 2)
    # the exact mean (2 MAX + 0) / 2 = MAX is representable
    halves = np.array([[MAX / 2, -MAX / 2], [0.0, 0.0]])
    assert dlterms.cross_entropy(halves, np.array([1, 0])) == pytest.approx(MAX / 2)
    soft = np.array([[0.5, 0.5], [1.0, 0.0]])
    assert np.isfinite(dlterms.cross_entropy(halves, soft))
    with pytest.raises(ValueError, match="cross-entropy must fit in float64"):
        dlterms.cross_entropy(np.array([[MAX, -MAX]]), np.array([1]))


# (function, arguments whose exact mean is representable, that exact mean)
REPRESENTABLE = [
    ("mean_squared_error", ([1e200, 0.0], [0.0, 0.0]), None),
    ("mean_squared_error", ([1e154, 1e154], [0.0, 0.0]), 1e308),
    ("mean_absolute_error", ([MAX, 0.0], [-MAX, 0.0]), MAX),
    ("mean_absolute_error", ([1e308, 1e308], [0.0, 0.0]), 1e308),
    ("hinge_loss", ([1.0, 1.0], [-1e308, -1e308]), 1e308),
    ("squared_hinge_loss", ([1, 1], [-1e154, -1e154]), 1e308),
    ("log_cosh_loss", ([0.0, 0.0], [1e308, 1e308]), 1e308),
    ("log_cosh_loss", ([MAX, 0.0], [-MAX, 0.0]), MAX),
    ("binary_cross_entropy_with_logits", ([1.0, 1.0], [-1e308, -1e308]), 1e308),
    ("poisson_loss", ([0.0, 0.0], [1e308, 1e308]), 1e308),
    ("categorical_hinge_loss", ([[1.0, 0.0], [1.0, 0.0]], [[-1e308, 1e308]] * 2), None),
    ("mean_absolute_percentage_error", ([MAX, -MAX], [-MAX, MAX]), 200.0),
    ("mean_absolute_percentage_error", ([0.0] * 200, [2e301] + [0.0] * 199), 1e308),
    ("mean_absolute_percentage_error", ([TINY, 2 * TINY], [1.5, MAX]), None),
]


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize(("name", "args", "exact"), REPRESENTABLE)
def test_mean_reductions_are_finite_where_the_exact_mean_is(name, args, exact):
    arrays = [np.array(a) for a in args]
    try:
        result = getattr(dlterms, name)(*arrays)
    except ValueError as error:  # only a mean beyond float64 may be refused
        assert exact is None and "must fit in float64" in str(error)
        return
    assert np.isfinite(result)
    if exact is not None:
        assert result == pytest.approx(exact, rel=1e-12)


@pytest.mark.usefixtures("warnings_are_errors")
def test_mean_reduction_beyond_float64_raises_a_clear_error():
    with pytest.raises(ValueError, match=r"mean squared error must fit in float64.*4e\+616"):
        dlterms.mean_squared_error(np.array([1e308, -1e308]), np.array([-1e308, 1e308]))
    with pytest.raises(ValueError, match="mean absolute error must fit in float64"):
        dlterms.mean_absolute_error(np.array([MAX]), np.array([-MAX]))


@pytest.mark.usefixtures("warnings_are_errors")
def test_mean_reductions_are_exact_at_ordinary_scale():
    assert dlterms.mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == 4 / 3
    assert dlterms.mean_squared_error([TINY, 0.0], [0.0, 0.0]) == 0.0  # TINY^2 / 2 rounds to 0
    assert dlterms.mean_absolute_error([TINY * 4, 0.0], [0.0, 0.0]) == TINY * 2


@pytest.mark.usefixtures("warnings_are_errors")
@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mape_is_the_exact_mean_ratio_or_says_it_overflows(pairs):
    from fractions import Fraction

    y_true, y_pred = (np.array(column) for column in zip(*pairs, strict=True))
    exact = Fraction(100, len(pairs)) * sum(
        abs(Fraction(t) - Fraction(p)) / max(abs(Fraction(t)), Fraction(1e-7)) for t, p in pairs
    )
    if exact > Fraction(MAX) * (1 + Fraction(1, 2**50)):
        with pytest.raises(ValueError, match="percentage error must fit in float64"):
            dlterms.mean_absolute_percentage_error(y_true, y_pred)
        return
    assume(exact < Fraction(MAX) * (1 - Fraction(1, 2**50)))
    result = dlterms.mean_absolute_percentage_error(y_true, y_pred)
    assert math.isclose(result, float(exact), rel_tol=1e-13, abs_tol=4 * TINY)


# --- NLL, entropy, Huber, RMSE and label smoothing --------------------------------------


@st.composite
def nll_cases(draw):
    """Log-probabilities, targets (some ignored), an optional weight and an ignore_index."""
    n, k = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    log_probs = log_softmax(draw(arrays(small, (n, k))), axis=1)
    ignore_index = draw(st.sampled_from([-100, 0, k - 1, 7]))
    choices = st.integers(0, k - 1) | st.just(ignore_index)
    target = draw(hnp.arrays(np.int64, n, elements=choices))
    weight = draw(st.none() | arrays(st.sampled_from([0.0, 0.5, 1.0, 2.5]), (k,)))
    return log_probs, target, weight, ignore_index


@FAST
@given(nll_cases(), st.sampled_from(["mean", "sum", "none"]))
def test_nll_loss_matches_torch_with_weights_ignore_index_and_reductions(torch, case, reduction):
    F = torch.nn.functional
    log_probs, target, weight, ignore_index = case
    w = None if weight is None else as_tensor(torch, weight)
    kwargs = {"weight": weight, "reduction": reduction, "ignore_index": ignore_index}
    expected = F.nll_loss(
        as_tensor(torch, log_probs),
        torch.from_numpy(target),
        weight=w,
        reduction=reduction,
        ignore_index=ignore_index,
    ).numpy()
    if reduction == "mean" and np.isnan(expected):  # torch's 0/0: no target counts
        with pytest.raises(ValueError, match="must have a target that counts"):
            dlterms.nll_loss(log_probs, target, **kwargs)
        return
    np.testing.assert_allclose(
        dlterms.nll_loss(log_probs, target, **kwargs), expected, rtol=1e-12, atol=1e-14
    )


@FAST
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_nll_of_log_softmax_is_cross_entropy(n, k, data):
    logits = data.draw(arrays(moderate, (n, k)))
    target = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    expected = cross_entropy(logits, target)
    assert dlterms.nll_loss(log_softmax(logits, axis=1), target) == approx(expected, rel=1e-12)
    # the weighted mean with one weight for every class is the plain mean
    weight = np.full(k, 2.5)
    got = dlterms.nll_loss(log_softmax(logits, axis=1), target, weight=weight)
    assert got == approx(expected, rel=1e-12)


@FAST
@given(st.data(), st.sampled_from([None, 2.0, 10.0, math.e, 0.5]))
def test_entropy_matches_scipy_stats_entropy_on_unnormalised_input(data, base):
    stats = pytest.importorskip("scipy.stats")
    p = data.draw(arrays(st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0, 100), shapes))
    axis = data.draw(st.integers(-p.ndim, p.ndim - 1))
    assume(np.all(p.sum(axis=axis) > 0))
    expected = stats.entropy(p, base=base, axis=axis)
    got = dlterms.entropy(p, base=base, axis=axis)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert np.shape(got) == np.shape(expected)


@FAST
@given(st.integers(1, 8), st.data())
def test_entropy_lies_between_zero_and_log_k(k, data):
    p = data.draw(distributions(n=1, k=k))[0]
    h = dlterms.entropy(p)
    assert -1e-15 <= h <= math.log(k) * (1 + 1e-12)
    assert dlterms.entropy(np.ones(k)) == approx(math.log(k), rel=1e-14)
    assert dlterms.entropy(np.eye(k)[0]) == 0.0
    assert dlterms.entropy(p, base=2) == approx(h / math.log(2), rel=1e-14)


@FAST
@given(pairs(moderate), st.floats(1e-3, 100))
def test_huber_loss_matches_torch_and_is_delta_times_smooth_l1(torch, pair, delta):
    F = torch.nn.functional
    y_true, y_pred = pair
    t, p = as_tensor(torch, y_true), as_tensor(torch, y_pred)
    loss = dlterms.huber_loss(y_true, y_pred, delta=delta)
    assert loss == approx(F.huber_loss(p, t, delta=delta).item(), rel=1e-12, abs=1e-300)
    smooth_l1 = F.smooth_l1_loss(p, t, beta=delta).item()
    assert loss == approx(delta * smooth_l1, rel=1e-12, abs=1e-300)


@FAST
@given(pairs(moderate), st.floats(1e-3, 100))
def test_huber_loss_grad_matches_torch_autograd(torch, pair, delta):
    y_true, y_pred = pair
    p = as_tensor(torch, y_pred, grad=True)
    torch.nn.functional.huber_loss(p, as_tensor(torch, y_true), delta=delta).backward()
    got = dlterms.huber_loss_grad(y_true, y_pred, delta=delta)
    np.testing.assert_allclose(got, p.grad.numpy(), rtol=1e-14, atol=1e-300)


@FAST
@given(pairs(small), st.floats(0.1, 5))
def test_huber_loss_grad_matches_central_differences(pair, delta):
    y_true, y_pred = pair
    # at |error| = delta the second derivative jumps, so differences there err by h / 4
    assume(np.all(np.abs(np.abs(y_pred - y_true) - delta) > 1e-3))
    numeric = _central_differences(
        lambda v: dlterms.huber_loss(y_true, v, delta=delta), y_pred, 1e-6
    )
    np.testing.assert_allclose(
        dlterms.huber_loss_grad(y_true, y_pred, delta=delta), numeric, atol=1e-7
    )


@FAST
@given(pairs(moderate), st.floats(1e-3, 100))
def test_huber_loss_lies_between_its_quadratic_and_linear_pieces(pair, delta):
    y_true, y_pred = pair
    a = np.abs(y_pred - y_true)
    loss = dlterms.huber_loss(y_true, y_pred, delta=delta)
    assert loss <= 0.5 * mean_squared_error(y_true, y_pred) * (1 + 1e-12) + 1e-300
    assert loss <= delta * float(np.mean(a)) * (1 + 1e-12) + 1e-300
    # past every error, delta makes it half the MSE
    assert dlterms.huber_loss(y_true, y_pred, delta=float(a.max()) + 1.0) == approx(
        0.5 * mean_squared_error(y_true, y_pred), rel=1e-12, abs=1e-300
    )


@FAST
@given(pairs(moderate))
def test_rmse_matches_sklearn_and_torch(torch, sk_metrics, pair):
    y_true, y_pred = pair
    got = dlterms.root_mean_squared_error(y_true, y_pred)
    mse = torch.nn.functional.mse_loss(as_tensor(torch, y_pred), as_tensor(torch, y_true))
    assert got == approx(torch.sqrt(mse).item(), rel=1e-12, abs=1e-300)
    assert got == approx(
        sk_metrics.root_mean_squared_error(y_true.ravel(), y_pred.ravel()), rel=1e-12, abs=1e-300
    )
    if y_true.ndim == 2:  # sklearn's per-column RMSEs; the overall one is the root mean square
        columns = sk_metrics.root_mean_squared_error(y_true, y_pred, multioutput="raw_values")
        assert got == approx(math.sqrt(np.mean(columns**2)), rel=1e-12, abs=1e-300)
    assert got == approx(math.sqrt(mean_squared_error(y_true, y_pred)), rel=1e-12, abs=1e-300)


@FAST
@given(
    st.integers(1, 5),
    st.integers(1, 5),
    st.floats(0, 1),
    st.booleans(),
    st.integers(0, 1),
    st.data(),
)
def test_label_smoothing_matches_torch_cross_entropy_and_autograd(
    torch, n, k, eps, soft, axis, data
):
    F = torch.nn.functional
    logits = data.draw(arrays(moderate, (n, k)))
    if soft:
        target = data.draw(distributions(n, k))
        torch_target = as_tensor(torch, target)
    else:
        target = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
        torch_target = torch.from_numpy(target)
    z = as_tensor(torch, logits, grad=True)
    expected = F.cross_entropy(z, torch_target, label_smoothing=eps)
    expected.backward()
    # dlterms takes the classes on either axis; torch on axis 1
    ours_z = logits if axis == 1 else logits.T
    ours_t = target.T if (soft and axis == 0) else target
    got = cross_entropy(ours_z, ours_t, axis=axis, label_smoothing=eps)
    assert got == approx(expected.item(), rel=1e-10, abs=1e-12)
    grad = cross_entropy_grad(ours_z, ours_t, axis=axis, label_smoothing=eps)
    np.testing.assert_allclose(
        grad if axis == 1 else grad.T, z.grad.numpy(), rtol=1e-10, atol=1e-14
    )
    # the same loss from the smoothed rows
    rows = target if soft else one_hot(target, k)
    smoothed = dlterms.smooth_labels(rows, label_smoothing=eps)
    assert cross_entropy(logits, smoothed) == approx(expected.item(), rel=1e-10, abs=1e-12)


@FAST
@given(st.integers(1, 5), st.integers(1, 6), st.floats(0, 1), st.data())
def test_smooth_labels_keeps_distributions_and_mixes_in_the_uniform(n, k, eps, data):
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    smoothed = dlterms.smooth_labels(one_hot(labels, k), label_smoothing=eps)
    np.testing.assert_allclose(smoothed.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(smoothed[np.arange(n), labels], 1 - eps + eps / k, rtol=1e-15)
    assert np.all(smoothed >= eps / k * (1 - 1e-15))
    np.testing.assert_array_equal(
        dlterms.smooth_labels(one_hot(labels, k), label_smoothing=0.0), one_hot(labels, k)
    )
    np.testing.assert_allclose(
        dlterms.smooth_labels(one_hot(labels, k), label_smoothing=1.0), 1.0 / k
    )


@pytest.mark.usefixtures("warnings_are_errors")
def test_new_losses_reach_the_edges_of_the_float_range():
    # errors past the float range: the Huber loss, RMSE and NLL are still exact
    assert dlterms.huber_loss([-1e308, 0.0], [1e308, 0.0]) == approx(1e308, rel=1e-15)
    assert dlterms.huber_loss([-1e308] * 2, [1e308] * 2, delta=1e-300) == approx(2e8, rel=1e-12)
    assert dlterms.huber_loss_grad([-MAX], [MAX], delta=0.5) == 0.5
    assert dlterms.root_mean_squared_error([0.0, 0.0], [MAX, -MAX]) == MAX
    assert dlterms.root_mean_squared_error([TINY, 0.0], [0.0, TINY]) == TINY
    log_p = np.array([[-1e308, 0.0], [0.0, -1e308]])
    assert dlterms.nll_loss(log_p, [0, 1], weight=[1.0, 1e300]) == approx(1e308, rel=1e-15)
    with pytest.raises(ValueError, match="negative log-likelihood must fit in float64"):
        dlterms.nll_loss(log_p, [0, 1], reduction="sum")
    with pytest.raises(ValueError, match="Huber loss must fit in float64"):
        dlterms.huber_loss([0.0], [1e300], delta=1e300)  # 5e599
    # weights near the float range and among the subnormals normalise exactly
    assert dlterms.entropy([MAX, MAX]) == approx(math.log(2), rel=1e-15)
    assert dlterms.entropy([TINY, TINY, 2 * TINY], base=2) == 1.5


@pytest.mark.parametrize(
    ("function", "args", "kwargs", "message"),
    [
        (dlterms.nll_loss, ([[0.0, -1.0]], [2]), {}, "target must hold class indices in [0, 1]"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [-1]), {}, "or ignore_index (-100)"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [0.5]), {}, "target must hold whole numbers"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [0]), {"weight": [1.0]}, "weight must have shape (2,)"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [0]), {"weight": [1.0, -1.0]}, "weight must be >= 0"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [0]), {"reduction": "avg"}, "reduction must be one of"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [-100]), {}, "must have a target that counts"),
        (dlterms.nll_loss, ([[0.0, -1.0]], [1]), {"weight": [1.0, 0.0]}, "has weight 0"),
        (dlterms.entropy, ([0.5, -0.5],), {}, "p must be >= 0"),
        (dlterms.entropy, ([[0.0, 1.0], [0.0, 1.0]],), {}, "positive sum along axis 0"),
        (dlterms.entropy, ([0.5, 0.5],), {"base": 1}, "base must not be 1"),
        (dlterms.entropy, ([0.5, 0.5],), {"base": -2.0}, "base must be a finite number"),
        (dlterms.entropy, ([0.5, 0.5],), {"axis": 1}, "axis must be in [-1, 0]"),
        (dlterms.huber_loss, ([1.0], [2.0]), {"delta": 0.0}, "delta must be a finite number in (0"),
        (dlterms.huber_loss_grad, ([1.0], [2.0]), {"delta": -1.0}, "delta must be"),
        (dlterms.smooth_labels, ([0.5, 0.6],), {}, "sum to 1"),
        (dlterms.smooth_labels, ([0.0, 1.0],), {"label_smoothing": 1.5}, "label_smoothing must be"),
        (cross_entropy, ([[0.0, 1.0]], [0]), {"label_smoothing": -0.1}, "label_smoothing must be"),
    ],
)
def test_new_losses_refuse_bad_arguments_clearly(function, args, kwargs, message):
    with pytest.raises(ValueError) as info:
        function(*args, **kwargs)
    assert message in str(info.value)
    assert str(info.value).endswith(".")


def test_new_losses_refuse_the_wrong_kind_of_argument():
    with pytest.raises(TypeError, match="reduction must be one of"):
        dlterms.nll_loss([[0.0]], [0], reduction=None)
    with pytest.raises(TypeError, match="ignore_index must be an integer"):
        dlterms.nll_loss([[0.0]], [0], ignore_index=1.5)
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        dlterms.nll_loss([[0.0]], ["a"])
    with pytest.raises(TypeError, match="delta must be a real number"):
        dlterms.huber_loss([0.0], [1.0], delta="1")
