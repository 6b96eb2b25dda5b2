"""The classification and evaluation metrics added to dlterms.metrics.

Oracles: scikit-learn (F1, recall as the TPR, the confusion matrix, the ROC curve and
its area, DummyClassifier for the majority baseline, the precision-recall curve and
average precision, specificity as the recall of the negative class, the calibration
curve, top-k accuracy and R²) and plain Python loops (the
rank-pair form of the AUC, box IoU one pair at a time). Properties are checked with
hypothesis. None of these metrics is differentiable, so there are no gradients here.
"""

from __future__ import annotations

import collections
import itertools
import warnings
from fractions import Fraction

import numpy as np
import pytest
from _strategies import (
    ORACLE,
    PROPERTY,
    SINGLE_LABEL_OK,
    any_finite,
    eighths,
    float_arrays,
    label_arrays,
    label_pairs,
    moderate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    accuracy_score,
    apply_threshold,
    average_precision_score,
    bounding_box,
    calibration_curve,
    class_balance,
    confusion_counts,
    confusion_matrix,
    decision_regions,
    expected_calibration_error,
    f1_score,
    false_positive_rate,
    imbalance_ratio,
    iou,
    linear_decision_boundary,
    majority_class_predict,
    precision_recall_curve,
    precision_score,
    prediction_bias,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
    specificity_score,
    threshold_sweep,
    top_k_accuracy_score,
    true_positive_rate,
)

FAST = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
away_from_zero = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(1e-3, 1e3)).map(
    lambda t: t[0] * t[1]
)
# Quarters in [0, 2]: few distinct values, so ties between scores are common.
quarters = st.integers(0, 8).map(lambda i: i / 4)


@st.composite
def scored_labels(draw, scores=moderate, max_size=30):
    """(y_true, y_score) with both classes present in y_true."""
    n = draw(st.integers(2, max_size))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    y[:2] = [0, 1]
    order = draw(st.permutations(range(n)))
    y = y[list(order)]
    return y, draw(hnp.arrays(np.float64, n, elements=scores))


@st.composite
def boxes(draw, shape, coords=moderate):
    """Valid boxes of `shape` + (4,): sorted corners in each axis."""
    corners = draw(hnp.arrays(np.float64, (*shape, 2, 2), elements=coords))
    corners.sort(axis=-2)  # [..., 0, :] = (x_min, y_min), [..., 1, :] = (x_max, y_max)
    return corners.reshape(*shape, 4)


def _iou_loop(a, b):
    """One pair of boxes, straight from the definition, in exact rational arithmetic."""
    a, b = [Fraction(v) for v in a], [Fraction(v) for v in b]
    width = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _auc_pairs(y, s):
    """P(score of a positive > score of a negative), ties counting one half."""
    pos, neg = s[y == 1], s[y == 0]
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return wins / (pos.size * neg.size)


# --- scikit-learn oracles -------------------------------------------------------------


@pytest.mark.parametrize("pos_label", [0, 1])
@FAST
@given(pair=label_pairs())
def test_counts_f1_and_rates_match_sklearn(sk_metrics, pair, pos_label):
    y_true, y_pred = pair
    with warnings.catch_warnings():  # sklearn warns about single labels and 0/0 F1
        warnings.simplefilter("ignore")
        tn, fp, fn, tp = sk_metrics.confusion_matrix(
            y_true, y_pred, labels=[1 - pos_label, pos_label]
        ).ravel()
        f1 = sk_metrics.f1_score(y_true, y_pred, pos_label=pos_label, zero_division=0)
        tpr = sk_metrics.recall_score(y_true, y_pred, pos_label=pos_label, zero_division=0)
    assert confusion_counts(y_true, y_pred, pos_label=pos_label) == (tp, fp, fn, tn)
    assert f1_score(y_true, y_pred, pos_label=pos_label) == pytest.approx(f1, abs=1e-15)
    assert true_positive_rate(y_true, y_pred, pos_label=pos_label) == tpr
    assert false_positive_rate(y_true, y_pred, pos_label=pos_label) == (
        fp / (fp + tn) if fp + tn else 0.0
    )


@FAST
@given(scored_labels(scores=quarters | moderate))
def test_roc_curve_and_auc_match_sklearn(sk_metrics, sample):
    y, s = sample
    fpr, tpr, thresholds = roc_curve(y, s)
    their_fpr, their_tpr, their_thresholds = sk_metrics.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, their_fpr, rtol=1e-15)
    np.testing.assert_allclose(tpr, their_tpr, rtol=1e-15)
    np.testing.assert_array_equal(thresholds[1:], their_thresholds[1:])
    assert np.isinf(their_thresholds[0]) and thresholds[0] > s.max()
    assert roc_auc_score(y, s) == pytest.approx(sk_metrics.roc_auc_score(y, s), abs=1e-12)


@FAST
@given(scored_labels(scores=quarters), st.sampled_from(["cat", "dog"]))
def test_roc_curve_with_string_labels_matches_sklearn(sk_metrics, sample, pos_label):
    y, s = sample
    words = np.array(["cat", "dog"])[y]
    ours = roc_curve(words, s, pos_label=pos_label)
    theirs = sk_metrics.roc_curve(words, s, pos_label=pos_label, drop_intermediate=False)
    for a, b in zip(ours[:2], theirs[:2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-15)


@FAST
@given(st.integers(1, 30).flatmap(lambda n: hnp.arrays(np.int64, n, elements=st.integers(0, 4))))
def test_majority_class_predict_matches_dummy_classifier(y):
    dummy = pytest.importorskip("sklearn.dummy")
    model = dummy.DummyClassifier(strategy="most_frequent").fit(np.zeros((y.size, 1)), y)
    expected = model.predict(np.zeros((5, 1)))
    np.testing.assert_array_equal(majority_class_predict(y, 5), expected)


# --- properties: counts, rates and thresholds -------------------------------------------


@FAST
@given(label_pairs(), st.sampled_from([0, 1]))
def test_counts_add_up_and_give_the_other_metrics(pair, pos_label):
    y_true, y_pred = pair
    tp, fp, fn, tn = confusion_counts(y_true, y_pred, pos_label=pos_label)
    assert all(isinstance(c, int) and c >= 0 for c in (tp, fp, fn, tn))
    assert tp + fp + fn + tn == y_true.size
    assert accuracy_score(y_true, y_pred) == pytest.approx((tp + tn) / y_true.size)
    p = precision_score(y_true, y_pred, pos_label=pos_label)
    r = recall_score(y_true, y_pred, pos_label=pos_label)
    f1 = f1_score(y_true, y_pred, pos_label=pos_label)
    assert f1 == pytest.approx(2 * p * r / (p + r) if p + r else 0.0)
    assert min(p, r) - 1e-12 <= f1 <= max(p, r) + 1e-12
    assert true_positive_rate(y_true, y_pred, pos_label=pos_label) == r


@FAST
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=any_finite), any_finite)
def test_apply_threshold_is_a_step_at_the_threshold(scores, t):
    labels = apply_threshold(scores, threshold=t)
    assert labels.dtype == np.int64 and labels.shape == scores.shape
    np.testing.assert_array_equal(labels == 1, scores >= t)


@FAST
@given(scored_labels(scores=quarters), hnp.arrays(np.float64, st.integers(1, 8), elements=quarters))
def test_threshold_sweep_agrees_with_one_threshold_at_a_time(sample, thresholds):
    y, s = sample
    precision, recall, accuracy = threshold_sweep(y, s, thresholds)
    for k, t in enumerate(thresholds):
        y_hat = apply_threshold(s, threshold=t)
        assert precision[k] == precision_score(y, y_hat)
        assert recall[k] == recall_score(y, y_hat)
        assert accuracy[k] == accuracy_score(y, y_hat)
    order = np.argsort(thresholds)
    assert np.all(np.diff(recall[order]) <= 0), "recall never rises with the threshold"


@FAST
@given(scored_labels())
def test_roc_points_are_the_rates_at_each_threshold(sample):
    y, s = sample
    fpr, tpr, thresholds = roc_curve(y, s)
    assert fpr[0] == tpr[0] == 0.0 and fpr[-1] == tpr[-1] == 1.0
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert np.all(np.diff(thresholds) < 0)
    for k, t in enumerate(thresholds):
        y_hat = apply_threshold(s, threshold=t)
        assert fpr[k] == false_positive_rate(y, y_hat)
        assert tpr[k] == true_positive_rate(y, y_hat)


@FAST
@given(scored_labels(scores=quarters | moderate))
def test_auc_is_the_share_of_correctly_ranked_pairs_and_ignores_monotone_maps(sample):
    y, s = sample
    auc = roc_auc_score(y, s)
    assert auc == pytest.approx(_auc_pairs(y, s), abs=1e-12)
    ranks = np.unique(s, return_inverse=True)[1]  # an exactly order-preserving map
    assert roc_auc_score(y, ranks) == pytest.approx(auc, abs=1e-12)
    assert roc_auc_score(y, -s) == pytest.approx(1 - auc, abs=1e-12)


def test_roc_first_threshold_convention():
    assert roc_curve([0, 1], [0.25, 0.5])[2].tolist() == [1.5, 0.5, 0.25]
    big = roc_curve([0, 1], [0.0, 2.0**60])[2][0]
    assert big == np.nextafter(2.0**60, np.inf)
    with pytest.raises(ValueError, match="both classes"):
        roc_curve([1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="pos_label"):
        roc_auc_score([0, 2], [0.2, 0.3])


def test_binary_metrics_refuse_three_labels():
    with pytest.raises(ValueError, match="at most 2 distinct labels"):
        f1_score([0, 1, 2], [0, 1, 1])


# --- class balance and the baseline -----------------------------------------------------


@FAST
@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=40))
def test_class_balance_counts_like_a_counter(y):
    labels, counts, fractions = class_balance(y)
    counter = collections.Counter(y)
    assert labels.tolist() == sorted(counter)
    assert counts.tolist() == [counter[c] for c in sorted(counter)]
    assert fractions.sum() == pytest.approx(1.0)
    assert imbalance_ratio(y) == max(counter.values()) / min(counter.values())
    majority = majority_class_predict(y, 3)
    assert majority.tolist() == [min(c for c in counter if counter[c] == max(counter.values()))] * 3


# --- decision boundaries --------------------------------------------------------------


@FAST
@given(
    hnp.arrays(np.float64, 2, elements=moderate.filter(lambda w: abs(w) > 1e-3)),
    moderate,
    hnp.arrays(np.float64, st.integers(1, 10), elements=moderate),
)
def test_boundary_points_score_zero_and_split_the_regions(weight, bias, x1):
    x2 = linear_decision_boundary(weight, bias, x1)
    z = weight[0] * x1 + weight[1] * x2 + bias
    scale = np.abs(weight[0] * x1) + abs(bias) + 1.0
    np.testing.assert_allclose(z / scale, 0.0, atol=1e-12)

    def linear(points):
        return apply_threshold(points @ weight + bias, threshold=0.0)

    # A step along the weight vector from the boundary lands on the positive side, and a
    # step back on the negative side; the step moves z by far more than its rounding error.
    step = weight / np.linalg.norm(weight) ** 2 * (1e-6 * scale.max())
    xx = np.stack([x1 + step[0], x1 - step[0]])
    yy = np.stack([x2 + step[1], x2 - step[1]])
    regions = decision_regions(linear, xx, yy)
    assert regions.shape == (2, x1.size)
    assert regions[0].tolist() == [1] * x1.size and regions[1].tolist() == [0] * x1.size


def test_vertical_boundary_is_refused():
    with pytest.raises(ValueError, match="weight\\[1\\] must be non-zero"):
        linear_decision_boundary([1.0, 0.0], 2.0, [0.0])


# --- boxes --------------------------------------------------------------------------


@FAST
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_pairwise_iou_matches_a_loop(n, m, data):
    a = data.draw(boxes((n,)))
    b = data.draw(boxes((m,)))
    table = iou(a[:, None], b)
    assert table.shape == (n, m)
    expected = [[_iou_loop(a[i], b[j]) for j in range(m)] for i in range(n)]
    np.testing.assert_allclose(table, expected, rtol=1e-12, atol=1e-300)
    assert np.all((table >= 0) & (table <= 1))
    np.testing.assert_allclose(iou(b[:, None], a), table.T, rtol=1e-15)


@FAST
@given(st.integers(1, 6), st.data(), st.integers(-1000, 1000))
def test_iou_is_one_for_a_box_with_itself_and_ignores_scale(n, data, power):
    a = data.draw(boxes((n,), coords=st.floats(-1e3, 1e3).map(lambda v: round(v, 2))))
    b = data.draw(boxes((n,), coords=st.floats(-1e3, 1e3).map(lambda v: round(v, 2))))
    positive = (a[:, 2] > a[:, 0]) & (a[:, 3] > a[:, 1])
    np.testing.assert_array_equal(iou(a, a)[positive], 1.0)
    scale = 2.0 ** (power % 300 - 150)  # exact, and keeps every coordinate finite
    np.testing.assert_allclose(iou(a * scale, b * scale), iou(a, b), rtol=1e-12, atol=1e-300)


def test_iou_hand_cases():
    assert iou([0, 0, 2, 2], [1, 1, 3, 3]) == pytest.approx(1 / 7)
    assert iou([0, 0, 2, 2], [2, 0, 4, 2]) == 0.0  # touching along an edge
    assert iou([0, 0, 1, 1], [5, 5, 6, 6]) == 0.0  # far apart
    assert iou([0, 0, 4, 4], [1, 1, 3, 3]) == 0.25  # one inside the other: 4 / 16
    assert iou([1, 1, 1, 1], [1, 1, 1, 1]) == 0.0  # two points: empty union
    assert iou([-1e308, -1e308, 1e308, 1e308], [0, 0, 1e308, 1e308]) == 0.25
    with pytest.raises(ValueError, match="x_min <= x_max"):
        iou([2, 0, 1, 1], [0, 0, 1, 1])
    with pytest.raises(ValueError, match="must broadcast"):
        iou(np.zeros((2, 4)), np.zeros((3, 4)))


@FAST
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 20), st.just(2)), elements=any_finite))
def test_bounding_box_is_the_tightest_box_around_the_points(points):
    x_min, y_min, x_max, y_max = bounding_box(points)
    assert np.all((points[:, 0] >= x_min) & (points[:, 0] <= x_max))
    assert np.all((points[:, 1] >= y_min) & (points[:, 1] <= y_max))
    for value, column in ((x_min, 0), (y_min, 1), (x_max, 0), (y_max, 1)):
        assert value in points[:, column]


# --- against independent implementations -----------------------------------


@SINGLE_LABEL_OK
@ORACLE
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(label_arrays(n, 4), label_arrays(n, 4))))
def test_accuracy_and_confusion_matrix_match_sklearn(sk_metrics, pair):
    y_true, y_pred = pair
    assert accuracy_score(y_true, y_pred) == sk_metrics.accuracy_score(y_true, y_pred)
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred), sk_metrics.confusion_matrix(y_true, y_pred)
    )


@SINGLE_LABEL_OK
@ORACLE
@given(
    st.integers(1, 30).flatmap(lambda n: st.tuples(label_arrays(n, 5), label_arrays(n, 5))),
    st.permutations(range(6)).flatmap(lambda p: st.integers(1, 6).map(lambda k: list(p[:k]))),
)
def test_confusion_matrix_with_labels_matches_sklearn(sk_metrics, pair, labels):
    y_true, y_pred = pair
    labels = [*labels, int(y_true[0])] if y_true[0] not in labels else labels
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, labels=labels),
        sk_metrics.confusion_matrix(y_true, y_pred, labels=labels),
    )


@SINGLE_LABEL_OK
@ORACLE
@given(
    st.integers(1, 30).flatmap(lambda n: st.tuples(label_arrays(n, 2), label_arrays(n, 2))),
    st.sampled_from([0, 1]),
)
def test_precision_and_recall_match_sklearn_with_zero_division_0(sk_metrics, pair, pos_label):
    y_true, y_pred = pair
    for ours, theirs in [
        (precision_score, sk_metrics.precision_score),
        (recall_score, sk_metrics.recall_score),
    ]:
        expected = theirs(y_true, y_pred, pos_label=pos_label, zero_division=0)
        assert ours(y_true, y_pred, pos_label=pos_label) == expected


@ORACLE
@given(st.data())
def test_prediction_bias_matches_the_difference_of_numpy_means(data):
    y_true = data.draw(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3), elements=moderate))
    y_pred = data.draw(hnp.arrays(np.float64, y_true.shape, elements=moderate))
    expected = np.mean(y_pred) - np.mean(y_true)
    assert prediction_bias(y_true, y_pred) == pytest.approx(expected, rel=1e-12, abs=1e-12)


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(label_pairs(), st.sampled_from([0, 1]))
def test_binary_metrics_lie_in_unit_interval(pair, pos_label):
    y_true, y_pred = pair
    for metric in (precision_score, recall_score):
        assert 0.0 <= metric(y_true, y_pred, pos_label=pos_label) <= 1.0
    assert 0.0 <= accuracy_score(y_true, y_pred) <= 1.0


@PROPERTY
@given(label_pairs(n_labels=4))
def test_confusion_matrix_counts_and_trace_give_accuracy(pair):
    y_true, y_pred = pair
    cm = confusion_matrix(y_true, y_pred)
    labels = np.union1d(y_true, y_pred)
    assert cm.shape == (labels.size, labels.size) and cm.dtype == np.int64
    assert cm.sum() == y_true.size
    np.testing.assert_array_equal(cm.sum(axis=1), [np.sum(y_true == c) for c in labels])
    assert np.trace(cm) / y_true.size == pytest.approx(accuracy_score(y_true, y_pred))


@PROPERTY
@given(label_pairs())
def test_precision_and_recall_read_off_the_confusion_matrix(pair):
    y_true, y_pred = pair
    (tn, fp), (fn, tp) = confusion_matrix(y_true, y_pred, labels=[0, 1])
    assert precision_score(y_true, y_pred) == (tp / (tp + fp) if tp + fp else 0.0)
    assert recall_score(y_true, y_pred) == (tp / (tp + fn) if tp + fn else 0.0)


@PROPERTY
@given(st.data())
def test_prediction_bias_shifts_with_the_predictions_and_has_the_sign_of_the_error(data):
    y_true = data.draw(float_arrays(elements=eighths))
    y_pred = data.draw(hnp.arrays(np.float64, y_true.shape, elements=eighths))
    c = data.draw(eighths)
    bias = prediction_bias(y_true, y_pred)
    assert prediction_bias(y_true, y_true) == 0.0
    assert prediction_bias(y_pred, y_true) == -bias
    assert prediction_bias(y_true, y_pred + c) == pytest.approx(bias + c, rel=1e-12, abs=1e-9)
    assert prediction_bias(y_true + c, y_pred) == pytest.approx(bias - c, rel=1e-12, abs=1e-9)
    # predicting at least the label everywhere gives a bias >= 0, and > 0 if ever above
    above = np.maximum(y_pred, y_true)
    assert prediction_bias(y_true, above) >= 0.0
    assert (prediction_bias(y_true, above) > 0.0) == bool(np.any(above > y_true))


# --- precision-recall, calibration, specificity, top-k and R² --------------------------

# Probabilities in [0, 1] with few distinct values (ties and values on the bin edges),
# mixed with arbitrary ones.
eighth_probs = st.integers(0, 8).map(lambda i: i / 8)
probabilities = eighth_probs | st.floats(0.0, 1.0)


@st.composite
def probability_labels(draw, max_size=30):
    """(y_true, y_prob), y_true with both classes unless it is very short."""
    y, _ = draw(scored_labels(max_size=max_size))
    return y, draw(hnp.arrays(np.float64, y.size, elements=probabilities))


@st.composite
def class_scores(draw, elements=eighth_probs):
    """(class indices, (n, C) scores) with many ties among the few drawn values."""
    n, n_classes = draw(st.integers(1, 20)), draw(st.integers(3, 6))
    scores = draw(hnp.arrays(np.float64, (n, n_classes), elements=elements))
    return draw(label_arrays(n, n_classes)), scores


def _ece_loop(correct, confidence, edges):
    """Guo et al.'s ECE, one bin (lo, hi] at a time (the first bin closed at 0)."""
    total = 0.0
    for b, (lo, hi) in enumerate(itertools.pairwise(edges)):
        inside = [(c > lo or (b == 0 and c >= lo)) and c <= hi for c in confidence]
        members = [i for i, flag in enumerate(inside) if flag]
        if members:
            acc = sum(correct[i] for i in members) / len(members)
            conf = sum(confidence[i] for i in members) / len(members)
            total += len(members) / len(confidence) * abs(acc - conf)
    return total


@pytest.mark.parametrize("drop_intermediate", [False, True])
@FAST
@given(sample=scored_labels(scores=quarters | moderate))
def test_precision_recall_curve_and_average_precision_match_sklearn(
    sk_metrics, sample, drop_intermediate
):
    y, s = sample
    ours = precision_recall_curve(y, s, drop_intermediate=drop_intermediate)
    theirs = sk_metrics.precision_recall_curve(y, s, drop_intermediate=drop_intermediate)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert average_precision_score(y, s) == pytest.approx(
        sk_metrics.average_precision_score(y, s), abs=1e-15
    )


@FAST
@given(scored_labels(scores=quarters), st.sampled_from(["cat", "dog"]))
def test_precision_recall_curve_with_string_labels_matches_sklearn(sk_metrics, sample, pos_label):
    y, s = sample
    words = np.array(["cat", "dog"])[y]
    ours = precision_recall_curve(words, s, pos_label=pos_label)
    theirs = sk_metrics.precision_recall_curve(words, s, pos_label=pos_label)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


@FAST
@given(scored_labels(scores=quarters | moderate))
def test_pr_points_are_the_sweep_at_each_threshold_and_ap_the_mean_precision_at_positives(
    sample,
):
    y, s = sample
    precision, recall, thresholds = precision_recall_curve(y, s)
    swept_precision, swept_recall, _ = threshold_sweep(y, s, thresholds)
    np.testing.assert_array_equal(precision[:-1], swept_precision)
    np.testing.assert_array_equal(recall[:-1], swept_recall)
    assert (precision[-1], recall[-1]) == (1.0, 0.0)
    assert np.all(np.diff(recall) <= 0) and np.all(np.diff(thresholds) > 0)
    # AP as the mean, over the positives, of the precision at each positive's own score
    # (ties enter together), in exact fractions.
    at_positive = [
        Fraction(int(np.sum((s >= t) & (y == 1))), int(np.sum(s >= t))) for t in s[y == 1]
    ]
    expected = sum(at_positive) / len(at_positive)
    assert average_precision_score(y, s) == pytest.approx(float(expected), abs=1e-14)


def test_average_precision_is_a_sum_of_steps_not_trapezoids():
    precision, recall, _ = precision_recall_curve([0, 1], [0.9, 0.1])
    assert precision.tolist() == [0.5, 0.0, 1.0] and recall.tolist() == [1.0, 0.0, 0.0]
    trapezoids = float(np.sum((recall[:-1] - recall[1:]) * (precision[:-1] + precision[1:]) / 2))
    assert trapezoids == 0.25
    assert average_precision_score([0, 1], [0.9, 0.1]) == 0.5


def test_precision_recall_curve_needs_a_positive():
    with pytest.raises(ValueError, match=r"needs a positive in y_true.*pos_label=1"):
        precision_recall_curve([0, 0], [0.2, 0.4])
    with pytest.raises(ValueError, match="needs a positive"):
        average_precision_score(["a", "a"], [0.2, 0.4], pos_label="b")


@pytest.mark.parametrize("pos_label", [0, 1])
@FAST
@given(pair=label_pairs())
def test_specificity_is_sklearn_recall_of_the_negative_class(sk_metrics, pair, pos_label):
    y_true, y_pred = pair
    with warnings.catch_warnings():  # sklearn warns about single labels
        warnings.simplefilter("ignore")
        expected = sk_metrics.recall_score(y_true, y_pred, pos_label=1 - pos_label, zero_division=0)
    ours = specificity_score(y_true, y_pred, pos_label=pos_label)
    assert ours == expected
    if np.any(y_true != pos_label):
        fpr = false_positive_rate(y_true, y_pred, pos_label=pos_label)
        assert ours == pytest.approx(1.0 - fpr, abs=1e-15)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@FAST
@given(sample=probability_labels(), n_bins=st.integers(1, 8))
def test_calibration_curve_matches_sklearn(sample, n_bins, strategy):
    calibration = pytest.importorskip("sklearn.calibration")
    y, p = sample
    ours = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    theirs = calibration.calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@FAST
@given(sample=probability_labels(), n_bins=st.integers(1, 16))
def test_binary_ece_is_the_weighted_gap_of_the_bins(sample, n_bins, strategy):
    y, p = sample
    edges = (
        np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
        if strategy == "quantile"
        else np.linspace(0.0, 1.0, n_bins + 1)
    )
    expected = _ece_loop(list(y == 1), list(p), list(edges))
    ours = expected_calibration_error(y, p, n_bins=n_bins, strategy=strategy)
    assert ours == pytest.approx(expected, abs=1e-14)


@FAST
@given(class_scores(elements=eighth_probs | st.floats(0.0, 1.0)), st.integers(1, 16))
def test_top_label_ece_is_guo_et_al_over_the_rows(sample, n_bins):
    labels, probs = sample
    correct = [int(np.argmax(row)) == label for row, label in zip(probs, labels, strict=True)]
    confidence = [float(max(row)) for row in probs]
    expected = _ece_loop(correct, confidence, list(np.linspace(0.0, 1.0, n_bins + 1)))
    assert expected_calibration_error(labels, probs, n_bins=n_bins) == pytest.approx(
        expected, abs=1e-14
    )


def test_calibration_is_zero_for_calibrated_bins_and_refuses_scores():
    y, p = [0, 0, 0, 1, 1, 1, 1, 0], [0.25] * 4 + [0.75] * 4
    assert expected_calibration_error(y, p, n_bins=2) == 0.0
    assert calibration_curve(y, p, n_bins=2)[0].tolist() == [0.25, 0.75]
    with pytest.raises(ValueError, match=r"y_prob must hold probabilities in \[0, 1\]"):
        calibration_curve([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="softmax"):
        expected_calibration_error([0, 1], [[2.0, -1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="strategy must be one of 'uniform', 'quantile'"):
        calibration_curve([0, 1], [0.5, 0.5], strategy="kmeans")
    with pytest.raises(ValueError, match="class indices below n_classes=2"):
        expected_calibration_error([0, 2], [[0.5, 0.5], [0.5, 0.5]])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@FAST
@given(class_scores(elements=eighth_probs | moderate), st.integers(1, 7))
def test_top_k_accuracy_matches_sklearn_with_ties(sk_metrics, sample, k):
    labels, scores = sample
    expected = sk_metrics.top_k_accuracy_score(
        labels, scores, k=k, labels=np.arange(scores.shape[1])
    )
    assert top_k_accuracy_score(labels, scores, k=k) == expected


@FAST
@given(class_scores(elements=moderate))
def test_top_1_accuracy_is_the_accuracy_of_the_argmax_and_grows_with_k(sample):
    labels, scores = sample
    accuracies = [top_k_accuracy_score(labels, scores, k=k) for k in range(1, 7)]
    if all(len(set(row)) == row.size for row in scores):  # no ties: argmax is unambiguous
        assert accuracies[0] == accuracy_score(labels, np.argmax(scores, axis=1))
    assert accuracies == sorted(accuracies) and accuracies[scores.shape[1] - 1] == 1.0


@ORACLE
@given(
    st.integers(2, 30).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=moderate | eighths),
            hnp.arrays(np.float64, n, elements=moderate | eighths),
        )
    )
)
def test_r2_matches_sklearn(sk_metrics, pair):
    y_true, y_pred = pair
    expected = sk_metrics.r2_score(y_true, y_pred)
    if np.all(y_true == y_true[0]):
        expected = 1.0 if np.array_equal(y_true, y_pred) else 0.0  # sklearn: see Notes
    assert r2_score(y_true, y_pred) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_r2_for_constant_targets_matches_sklearn_where_its_denominator_is_exact(sk_metrics):
    for y_true, y_pred in [([2.0, 2.0], [2.0, 2.0]), ([2.0, 2.0], [1.0, 3.0]), ([0, 0], [0, 1])]:
        assert r2_score(y_true, y_pred) == sk_metrics.r2_score(y_true, y_pred)
    # where sklearn's rounded denominator is 5.8e-34 rather than 0
    assert r2_score([0.1, 0.1, 0.1], [0.2, 0.2, 0.2]) == 0.0


@pytest.mark.usefixtures("warnings_are_errors")
@PROPERTY
@given(
    st.integers(2, 10).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=eighths), hnp.arrays(np.float64, n, elements=eighths)
        )
    ),
    st.integers(-1070, 1010),
)
def test_r2_ignores_the_scale_of_the_data_down_to_subnormals_and_up_to_the_float_limit(pair, power):
    y_true, y_pred = pair
    scaled = np.ldexp(y_true, power), np.ldexp(y_pred, power)
    if np.all(y_true == y_true[0]) or not np.array_equal(np.ldexp(scaled[0], -power), y_true):
        return  # constant, or eighths lost in the subnormals: not the same data any more
    if not np.array_equal(np.ldexp(scaled[1], -power), y_pred):
        return
    assert r2_score(*scaled) == pytest.approx(r2_score(y_true, y_pred), rel=1e-12)


def test_r2_refuses_one_sample_and_an_r2_below_the_float_range():
    with pytest.raises(ValueError, match="at least 2 samples; got 1"):
        r2_score([1.0], [2.0])
    with pytest.raises(ValueError, match="residual over the total sum of squares must fit"):
        r2_score([0.0, 5e-324], [1e308, -1e308])


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------

MAX = np.finfo(float).max
TINY = 5e-324  # the smallest subnormal


@pytest.mark.usefixtures("warnings_are_errors")
def test_linear_decision_boundary_takes_subnormal_and_huge_weights():
    # -w1 / w2 = -0.5 and -b / w2 = 4 whatever the common scale of the weights
    for w1, w2 in [(TINY, 2 * TINY), (1e-310, 2e-310), (MAX / 8, MAX / 4)]:
        assert linear_decision_boundary([w1, w2], -4.0 * w2, [0.0, 2.0]).tolist() == [
            4.0,
            3.0,
        ]
    # w1 x1 = MAX / 2 * 1e301 overflows on the way, but x2 = -x1 / 2 + 1 fits
    assert linear_decision_boundary([MAX / 2, MAX], -MAX, 1e301) == -5e300
    with pytest.raises(ValueError, match="overflows float64.*rescale the inputs"):
        linear_decision_boundary([1.0, 1e-300], 0.0, 1e10)


_full_range = st.floats(allow_nan=False, allow_infinity=False)


@pytest.mark.usefixtures("warnings_are_errors")
@settings(max_examples=300, deadline=None, database=None)
@given(_full_range, _full_range.filter(bool), _full_range, _full_range)
def test_linear_decision_boundary_is_the_exact_line_or_says_it_overflows(w1, w2, b, x1):
    slope_term = -Fraction(w1) * Fraction(x1) / Fraction(w2)
    intercept = -Fraction(b) / Fraction(w2)
    exact = slope_term + intercept
    # the computed value rounds each term and their sum: a few ulps of the larger term
    slack = (abs(slope_term) + abs(intercept)) * Fraction(1, 2**50) + Fraction(TINY) * 4
    if abs(exact) - slack > Fraction(MAX):
        with pytest.raises(ValueError, match="overflows float64"):
            linear_decision_boundary([w1, w2], b, x1)
        return
    if abs(exact) + slack >= Fraction(MAX):
        return  # too close to the limit to say which side rounding lands on
    x2 = linear_decision_boundary([w1, w2], b, x1)
    assert abs(Fraction(x2) - exact) <= slack


# --- non-maximum suppression ----------------------------------------------------------
# Oracle: a brute-force greedy loop over Python floats and exact fractions, written here
# without dlterms (torchvision is not a test dependency). The name is imported inside
# the tests to keep this block self-contained.


def _exact_iou(a, b):
    """IoU of two boxes (x1, y1, x2, y2) with integer coordinates, as a Fraction."""
    width = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return Fraction(0) if inter == 0 else Fraction(inter, union)


def _brute_force_nms(boxes, scores, threshold):
    """Visit boxes by decreasing score (ties: lower index first); keep a box unless it
    overlaps an already kept box by more than the threshold."""
    kept = []
    for i in sorted(range(len(boxes)), key=lambda i: (-scores[i], i)):
        if all(_exact_iou(boxes[i], boxes[k]) <= threshold for k in kept):
            kept.append(i)
    return kept


@st.composite
def _detections(draw):
    n = draw(st.integers(1, 12))
    corners = st.tuples(
        st.integers(0, 12), st.integers(0, 12), st.integers(0, 6), st.integers(0, 6)
    )
    boxes = [(x, y, x + w, y + h) for x, y, w, h in draw(st.lists(corners, min_size=n, max_size=n))]
    # few distinct scores, so ties happen
    scores = draw(st.lists(st.integers(0, 4).map(lambda s: s / 4), min_size=n, max_size=n))
    threshold = Fraction(draw(st.integers(0, 16)), 16)
    return boxes, scores, threshold


@PROPERTY
@given(_detections())
def test_non_max_suppression_matches_a_brute_force_loop(detections):
    from dlterms import non_max_suppression

    boxes, scores, threshold = detections
    # an IoU equal to the threshold is kept (the test is strictly greater); skip draws
    # where float rounding of such a tie could land on either side
    ious = {_exact_iou(a, b) for a in boxes for b in boxes}
    if any(0 < abs(v - threshold) < Fraction(1, 10**9) for v in ious):
        return
    kept = non_max_suppression(np.array(boxes, dtype=float), scores, float(threshold))
    assert kept.dtype == np.int64
    assert kept.tolist() == _brute_force_nms(boxes, scores, threshold)


@PROPERTY
@given(_detections())
def test_non_max_suppression_keeps_no_overlapping_pair_and_explains_every_drop(detections):
    from dlterms import non_max_suppression

    boxes, scores, threshold = detections
    kept = non_max_suppression(boxes, scores, float(threshold)).tolist()
    assert [scores[i] for i in kept] == sorted((scores[i] for i in kept), reverse=True)
    for a in kept:  # no two kept boxes overlap by more than the threshold
        assert all(_exact_iou(boxes[a], boxes[b]) <= threshold for b in kept if b != a)
    for dropped in set(range(len(boxes))) - set(kept):  # each drop has a better kept box
        assert any(
            _exact_iou(boxes[dropped], boxes[k]) > threshold and scores[k] >= scores[dropped]
            for k in kept
        )


def test_non_max_suppression_edge_cases_and_errors():
    from dlterms import non_max_suppression

    same = [[0, 0, 2, 2]] * 3
    assert non_max_suppression(same, [0.5, 0.5, 0.5], 0.5).tolist() == [0]  # tie: first
    assert non_max_suppression(same, [0.1, 0.2, 0.3], 1.0).tolist() == [2, 1, 0]  # IoU 1 is not > 1
    assert non_max_suppression([[0, 0, 0, 0]] * 2, [1.0, 0.5], 0.0).tolist() == [0, 1]  # no area
    # touching boxes have IoU 0, and 0 > 0 is false: both stay even at threshold 0
    assert non_max_suppression([[0, 0, 1, 1], [1, 0, 2, 1]], [1.0, 2.0], 0.0).tolist() == [1, 0]
    with pytest.raises(ValueError, match=r"scores must have shape \(2,\)"):
        non_max_suppression([[0, 0, 1, 1], [1, 0, 2, 1]], [1.0], 0.5)
    with pytest.raises(ValueError, match="boxes must be 2-D"):
        non_max_suppression([0, 0, 1, 1], [1.0], 0.5)
    with pytest.raises(ValueError, match="x_min <= x_max"):
        non_max_suppression([[2, 0, 1, 1]], [1.0], 0.5)
    with pytest.raises(ValueError, match="iou_threshold"):
        non_max_suppression([[0, 0, 1, 1]], [1.0], 1.5)
