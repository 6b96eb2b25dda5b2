"""dlterms.paradigms and the centroid / k-means++ additions to dlterms.clustering.

Three kinds of check: agreement with an independent library (scikit-learn's
LinearRegression, Ridge, LogisticRegression, AdaBoostClassifier, kmeans_plusplus and
NearestCentroid; SciPy's expit, entropy and minimize), hypothesis properties, and every
hand-written gradient against central finite differences. Oracles load through
``pytest.importorskip``. Plain loops serve as oracles where no library matches exactly
(the best decision stump, the sample-average bandit).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dlterms
from dlterms import (
    adaboost_fit,
    adaboost_predict,
    bagging_fit,
    bagging_predict,
    bootstrap_indices,
    centroid,
    centroids,
    epsilon_greedy,
    evolutionary_search,
    fit_linear_regression,
    fit_logistic_regression,
    kmeans,
    kmeans_plus_plus,
    linear_regression_closed_form,
    linear_regression_grad,
    linear_regression_loss,
    logistic_regression_grad,
    logistic_regression_loss,
    one_boosting_round,
    predict_linear,
    predict_logistic,
    predict_proba_logistic,
    pseudo_label,
    run_bandit,
    uncertainty_query,
)

FAST = settings(
    max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FEW = settings(
    max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
moderate = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**32 - 1)


def close(actual, expected, rtol=1e-10, atol=1e-10):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


@st.composite
def regression_data(draw, n_max=30, d_max=4):
    """A well-conditioned regression problem: Gaussian x, a linear y plus noise."""
    d = draw(st.integers(1, d_max))
    n = draw(st.integers(d + 3, n_max))
    rng = np.random.default_rng(draw(seeds))
    x = rng.normal(size=(n, d)) * draw(st.sampled_from([1.0, 10.0]))
    y = x @ rng.normal(size=d) + rng.normal() + 0.3 * rng.normal(size=n)
    return x, y


@st.composite
def classification_data(draw, n_max=30, d_max=3):
    """Inputs, 0/1 labels (both present), weights and a bias, all moderate."""
    d = draw(st.integers(1, d_max))
    n = draw(st.integers(2, n_max))
    x = draw(hnp.arrays(np.float64, (n, d), elements=moderate))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    w = draw(hnp.arrays(np.float64, d, elements=st.floats(-2, 2)))
    return x, y, w, draw(st.floats(-3, 3))


def _logistic_set(n=200, seed=0):
    """Standardised inputs and labels drawn from a logistic model: not separable."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    z = x @ np.array([1.0, -2.0, 0.5]) + 0.3
    return x, (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int64)


# --- linear regression --------------------------------------------------------------


@FAST
@given(regression_data())
def test_closed_form_matches_sklearn_linear_regression(sk_linear, data):
    x, y = data
    weight, bias = linear_regression_closed_form(x, y)
    model = sk_linear.LinearRegression().fit(x, y)
    close(weight, model.coef_, rtol=1e-8, atol=1e-9)
    close(bias, model.intercept_, rtol=1e-8, atol=1e-9)


@FAST
@given(regression_data(), st.floats(1e-3, 10))
def test_closed_form_with_l2_matches_sklearn_ridge(sk_linear, data, l2):
    x, y = data
    weight, bias = linear_regression_closed_form(x, y, l2=l2)
    model = sk_linear.Ridge(alpha=len(x) * l2).fit(x, y)  # sum of squares: alpha = n l2
    close(weight, model.coef_, rtol=1e-8, atol=1e-9)
    close(bias, model.intercept_, rtol=1e-8, atol=1e-9)


def test_closed_form_gives_the_minimum_norm_solution_for_collinear_columns(sk_linear):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 1))
    x = np.hstack([x, 2 * x])
    y = 3 * x[:, 0] + 1
    weight, bias = linear_regression_closed_form(x, y)
    model = sk_linear.LinearRegression().fit(x, y)
    close(weight, model.coef_, atol=1e-9)
    close(bias, model.intercept_, atol=1e-9)


@FEW
@given(regression_data(d_max=3), st.sampled_from([0.0, 0.1]))
def test_gradient_descent_converges_to_the_closed_form(data, l2):
    x, y = data
    x = (x - x.mean(axis=0)) / x.std(axis=0)  # well-conditioned: eta = 0.2 is safe
    weight, bias, history = fit_linear_regression(x, y, learning_rate=0.2, n_steps=800, l2=l2)
    exact_w, exact_b = linear_regression_closed_form(x, y, l2=l2)
    close(weight, exact_w, rtol=1e-6, atol=1e-6)
    close(bias, exact_b, rtol=1e-6, atol=1e-6)
    assert history.shape == (801,)
    assert np.all(np.diff(history) <= 1e-12)  # a small enough step never raises the loss
    close(history[-1], linear_regression_loss(x, y, weight, bias, l2=l2), rtol=1e-12)


@FAST
@given(regression_data(), st.floats(0, 2))
def test_linear_loss_is_sklearn_mse_plus_penalty(data, l2):
    sk_metrics = pytest.importorskip("sklearn.metrics")
    x, y = data
    w = np.linspace(-1, 1, x.shape[1])
    expected = sk_metrics.mean_squared_error(y, x @ w + 0.5) + l2 * np.sum(w**2)
    close(linear_regression_loss(x, y, w, 0.5, l2=l2), expected, rtol=1e-12)
    close(predict_linear(x, w, 0.5), x @ w + 0.5, rtol=1e-12)


def _central_difference(loss, w, b, h=1e-6):
    grad_w = np.array([(loss(w + h * e, b) - loss(w - h * e, b)) / (2 * h) for e in np.eye(len(w))])
    return grad_w, (loss(w, b + h) - loss(w, b - h)) / (2 * h)


@FAST
@given(classification_data(), st.floats(0, 1))
def test_linear_regression_grad_matches_finite_differences(data, l2):
    x, _, w, b = data
    y = np.sin(np.arange(len(x)))  # any real targets
    grad_w, grad_b = linear_regression_grad(x, y, w, b, l2=l2)
    num_w, num_b = _central_difference(
        lambda w_, b_: linear_regression_loss(x, y, w_, b_, l2=l2), w, b
    )
    scale = 1 + np.max(np.abs(x)) ** 2
    close(grad_w, num_w, rtol=1e-5, atol=1e-6 * scale)
    close(grad_b, num_b, rtol=1e-5, atol=1e-6 * scale)


# --- logistic regression ------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_logistic_regression_converges_to_sklearn(sk_linear, l2):
    x, y = _logistic_set()
    weight, bias, history = fit_logistic_regression(x, y, learning_rate=1.0, n_steps=3000, l2=l2)
    c = np.inf if l2 == 0 else 1 / (2 * len(x) * l2)  # C sum(loss) + |w|^2 / 2
    model = sk_linear.LogisticRegression(C=c, tol=1e-12, max_iter=10_000).fit(x, y)
    close(weight, model.coef_[0], rtol=0, atol=1e-3)
    close(bias, model.intercept_[0], rtol=0, atol=1e-3)
    close(predict_proba_logistic(x, weight, bias), model.predict_proba(x)[:, 1], atol=1e-3)
    assert np.all(np.diff(history) <= 1e-12)
    close(history[0], np.log(2), rtol=1e-15)


@FAST
@given(classification_data(), st.floats(0, 1))
def test_logistic_loss_matches_sklearn_log_loss(data, l2):
    sk_metrics = pytest.importorskip("sklearn.metrics")
    special = pytest.importorskip("scipy.special")
    x, y, w, b = data
    p = special.expit(x @ w + b)
    # log_loss clips near 0 and 1, and 1 - p loses digits as p nears 1
    if np.all((p > 1e-6) & (p < 1 - 1e-6)):
        expected = sk_metrics.log_loss(y, p, labels=[0, 1]) + l2 * np.sum(w**2)
        close(logistic_regression_loss(x, y, w, b, l2=l2), expected, rtol=1e-9)
    close(predict_proba_logistic(x, w, b), p, rtol=1e-13, atol=1e-300)
    # labels are the probabilities thresholded at 1/2 (expit may round differently near 0)
    expected = (predict_proba_logistic(x, w, b) >= 0.5).astype(int)
    assert predict_logistic(x, w, b).tolist() == expected.tolist()


@FAST
@given(classification_data(), st.floats(0, 1))
def test_logistic_regression_grad_matches_finite_differences(data, l2):
    x, y, w, b = data
    grad_w, grad_b = logistic_regression_grad(x, y, w, b, l2=l2)
    num_w, num_b = _central_difference(
        lambda w_, b_: logistic_regression_loss(x, y, w_, b_, l2=l2), w, b
    )
    close(grad_w, num_w, rtol=1e-5, atol=1e-6 * (1 + np.max(np.abs(x))))
    close(grad_b, num_b, rtol=1e-5, atol=1e-6)


def test_logistic_loss_is_exact_for_confident_logits():
    x = np.array([[1.0], [-1.0]])
    assert logistic_regression_loss(x, [1, 0], [800.0], 0.0) == 0.0
    assert logistic_regression_loss(x, [0, 1], [800.0], 0.0) == 800.0  # no log of 0
    grad_w, grad_b = logistic_regression_grad(x, [0, 1], [800.0], 0.0)
    assert grad_w.tolist() == [1.0] and grad_b == 0.0


def test_separable_data_keeps_growing_the_weights_without_l2():
    x = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    y = np.array([0, 0, 1, 1])
    w_short = fit_logistic_regression(x, y, learning_rate=1.0, n_steps=100)[0]
    w_long = fit_logistic_regression(x, y, learning_rate=1.0, n_steps=1000)[0]
    w_l2 = fit_logistic_regression(x, y, learning_rate=1.0, n_steps=1000, l2=0.1)[0]
    assert w_long[0] > w_short[0] > 0
    assert w_l2[0] < w_short[0]


def test_fit_refuses_a_diverging_learning_rate():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="learning_rate=5 is too large"):
        fit_linear_regression(x, [1.0, 3.0, 5.0, 7.0], learning_rate=5.0, n_steps=2000)


# --- boosting -----------------------------------------------------------------------


def _best_stump_by_loops(x, y, w):
    """Every feature, midpoint threshold and polarity, tried one at a time."""
    best = (np.inf, None)
    for j in range(x.shape[1]):
        values = np.unique(x[:, j])
        cuts = [*((values[:-1] + values[1:]) / 2), values[-1]]
        for threshold, polarity in itertools.product(cuts, (1, -1)):
            h = np.where(x[:, j] > threshold, polarity, -polarity)
            error = float(np.sum(w[h != y]))
            if error < best[0] - 1e-12:
                best = (error, (j, threshold, polarity))
    return best


@st.composite
def boosting_data(draw):
    n, d = draw(st.integers(2, 20)), draw(st.integers(1, 3))
    x = draw(hnp.arrays(np.float64, (n, d), elements=st.integers(-5, 5).map(float)))
    y = draw(hnp.arrays(np.int64, n, elements=st.sampled_from([-1, 1])))
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.01, 1)))
    return x, y, w / w.sum()


@FAST
@given(boosting_data())
def test_boosting_round_finds_the_best_stump_and_reweights(data):
    x, y, w = data
    (feature, threshold, polarity, alpha), new_w = one_boosting_round(x, y, w)
    error, _ = _best_stump_by_loops(x, y, w)
    h = np.where(x[:, feature] > threshold, polarity, -polarity)
    close(np.sum(w[h != y]), error, atol=1e-12)  # as good as any stump
    close(new_w.sum(), 1.0, rtol=1e-12)
    if error == 0:
        assert alpha == 1.0
        close(new_w, w, rtol=1e-12)
        return
    close(alpha, np.log((1 - error) / error), rtol=1e-9, atol=1e-12)
    # the textbook update w exp(alpha [miss]) / Z equals the closed form
    textbook = w * np.exp(alpha * (h != y))
    close(new_w, textbook / textbook.sum(), rtol=1e-9)
    if error < 0.5:
        close(np.sum(new_w[h != y]), 0.5, rtol=1e-9)  # the stump is now a coin flip


def test_adaboost_training_accuracy_matches_sklearn():
    ensemble_mod = pytest.importorskip("sklearn.ensemble")
    tree = pytest.importorskip("sklearn.tree")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = np.where(np.sum(x**2, axis=1) < 1.4, 1, -1)  # a disc: no single stump fits
    for n_rounds in (1, 20, 100):
        ours = adaboost_predict(x, adaboost_fit(x, y, n_rounds=n_rounds))
        sk = ensemble_mod.AdaBoostClassifier(
            estimator=tree.DecisionTreeClassifier(max_depth=1),
            n_estimators=n_rounds,
            random_state=0,
        ).fit(x, y)
        # stumps are chosen by weighted error here and by Gini impurity in sklearn,
        # so compare the training accuracy, not the stumps
        assert abs(np.mean(ours == y) - sk.score(x, y)) <= 0.1
        if n_rounds == 100:
            assert np.mean(ours == y) >= 0.95 and np.mean(ours == sk.predict(x)) >= 0.9


def test_adaboost_agrees_with_sklearn_when_one_stump_suffices():
    ensemble_mod = pytest.importorskip("sklearn.ensemble")
    tree = pytest.importorskip("sklearn.tree")
    x = np.array([[0.0, 5.0], [1.0, 3.0], [2.0, 4.0], [3.0, 1.0], [4.0, 0.0]])
    y = np.array([-1, -1, 1, 1, 1])
    ensemble = adaboost_fit(x, y, n_rounds=10)
    assert ensemble == [(0, 1.5, 1, 1.0)]  # a perfect stump ends the boosting
    sk = ensemble_mod.AdaBoostClassifier(
        estimator=tree.DecisionTreeClassifier(max_depth=1), n_estimators=10
    ).fit(x, y)
    grid = np.column_stack([np.linspace(-1, 5, 13), np.linspace(6, -1, 13)])
    assert adaboost_predict(x, ensemble).tolist() == y.tolist() == sk.predict(x).tolist()
    assert len(sk.estimators_) == 1 and sk.predict(grid).tolist() == (
        adaboost_predict(grid, ensemble).tolist()
    )


def test_adaboost_training_error_falls_with_rounds():
    x = np.arange(12.0)[:, None]
    y = np.array([1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1, 1])
    ensemble = adaboost_fit(x, y, n_rounds=40)
    errors = [np.mean(adaboost_predict(x, ensemble[:t]) != y) for t in (1, 10, 40)]
    assert errors[0] > errors[1] >= errors[2]
    assert errors[2] == 0


def test_adaboost_predict_refuses_a_bad_ensemble():
    with pytest.raises(ValueError, match="features must be integers"):
        adaboost_predict([[1.0]], [(1, 0.0, 1, 1.0)])
    with pytest.raises(ValueError, match="polarities"):
        adaboost_predict([[1.0]], [(0, 0.0, 2, 1.0)])
    with pytest.raises(TypeError):
        adaboost_predict([[1.0]], "stumps")


# --- pseudo-labelling and active learning --------------------------------------------


@st.composite
def probability_rows(draw, k_min=2):
    n, k = draw(st.integers(1, 20)), draw(st.integers(k_min, 4))
    raw = draw(hnp.arrays(np.float64, (n, k), elements=st.integers(0, 8).map(float)))
    raw[:, 0] += 1  # no all-zero row
    return raw / raw.sum(axis=1, keepdims=True)


@FAST
@given(probability_rows(), st.floats(0.3, 1.0))
def test_pseudo_label_keeps_exactly_the_confident_rows(p, threshold):
    indices, labels = pseudo_label(p, threshold=threshold)
    confident = p.max(axis=1) >= threshold
    assert indices.tolist() == np.flatnonzero(confident).tolist()
    assert labels.tolist() == np.argmax(p[confident], axis=1).tolist()
    assert np.all(p[indices, labels] >= threshold)


@FAST
@given(probability_rows(), st.data())
def test_uncertainty_query_ranks_like_scipy_entropy(p, data):
    stats = pytest.importorskip("scipy.stats")
    n = data.draw(st.integers(1, len(p)))
    u = stats.entropy(p, axis=1)
    chosen = uncertainty_query(p, n, strategy="entropy")
    assert len(set(chosen.tolist())) == n
    # every chosen row is at least as uncertain as every row left out (up to rounding)
    rest = np.setdiff1d(np.arange(len(p)), chosen)
    if rest.size:
        assert u[chosen].min() >= u[rest].max() - 1e-12
    assert np.all(np.diff(u[chosen]) <= 1e-12)


@FAST
@given(
    hnp.arrays(np.float64, st.integers(1, 20), elements=st.integers(0, 20).map(lambda i: i / 20))
)
def test_uncertainty_strategies_agree_for_two_classes(p):
    orders = {
        s: uncertainty_query(p, len(p), strategy=s).tolist()
        for s in ("least_confident", "margin", "entropy")
    }
    distance = np.abs(p - 0.5)
    for order in orders.values():
        assert np.all(np.diff(distance[order]) >= -1e-12)  # closest to 0.5 first


def test_query_refuses_bad_options():
    with pytest.raises(ValueError, match="at most the number of examples"):
        uncertainty_query([0.2, 0.7], 3)
    with pytest.raises(ValueError, match="strategy must be one of"):
        uncertainty_query([0.2, 0.7], 1, strategy="random")
    with pytest.raises(ValueError, match="sum to 1"):
        pseudo_label([[0.5, 0.6]])


# --- exploration vs exploitation ----------------------------------------------------


@pytest.mark.parametrize("epsilon", [0.0, 0.2, 1.0])
def test_epsilon_greedy_takes_the_greedy_action_at_the_stated_rate(epsilon):
    rng = np.random.default_rng(0)
    q = np.array([0.0, 3.0, 1.0, 2.0])
    actions = np.array([epsilon_greedy(q, epsilon, rng=rng) for _ in range(4000)])
    expected = 1 - epsilon + epsilon / len(q)
    assert abs(np.mean(actions == 1) - expected) < 0.03
    if epsilon > 0:
        assert set(actions.tolist()) == {0, 1, 2, 3}


def _bandit_by_loops(means, epsilon, n_steps, rng, reward_std=1.0):
    """Sutton and Barto's simple bandit algorithm, in the running-mean form."""
    rng = np.random.default_rng(rng)
    noise = reward_std * rng.standard_normal(n_steps)
    q, n, rewards = [0.0] * len(means), [0] * len(means), []
    for t in range(n_steps):
        explore = rng.random() < epsilon
        a = int(rng.integers(len(means))) if explore else int(np.argmax(q))
        r = means[a] + noise[t]
        n[a] += 1
        q[a] += (r - q[a]) / n[a]
        rewards.append(r)
    return np.array(rewards)


@FEW
@given(seeds, st.sampled_from([0.0, 0.1, 0.5]))
def test_run_bandit_matches_the_textbook_loop(seed, epsilon):
    means = [0.2, 1.0, -0.5]
    rewards, actions = run_bandit(means, epsilon, 300, rng=seed)
    close(rewards, _bandit_by_loops(means, epsilon, 300, seed), rtol=1e-12, atol=1e-12)
    noise = np.random.default_rng(seed).standard_normal(300)  # drawn first, as documented
    close(rewards - np.asarray(means)[actions], noise, rtol=0, atol=1e-12)


def test_greedy_gets_stuck_and_a_little_exploration_finds_the_best_arm():
    means = [1.0, 2.0, 1.5]
    _, greedy = run_bandit(means, 0.0, 1000, rng=3)
    _, explorer = run_bandit(means, 0.1, 1000, rng=3)
    assert np.all(greedy == 0)  # the first arm pays, so it is never questioned
    assert np.mean(explorer[-500:] == 1) > 0.85


def test_more_exploration_averages_lower_once_the_best_arm_is_known():
    means = [0.0, 1.0]
    late = [
        np.mean([run_bandit(means, eps, 400, rng=s)[0][200:].mean() for s in range(10)])
        for eps in (0.05, 0.5)
    ]
    assert late[0] > late[1]  # epsilon = 0.5 keeps paying for exploration


# --- evolutionary search --------------------------------------------------------------


def _rosenbrock(p):
    return float((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2)


def test_evolutionary_search_gets_near_scipy_minimum():
    optimize = pytest.importorskip("scipy.optimize")
    bounds = np.array([[-2.0, 2.0], [-1.0, 3.0]])
    best, score, history, population = evolutionary_search(
        _rosenbrock, bounds, population=30, generations=60, mutation_scale=0.05, rng=0
    )
    exact = optimize.minimize(_rosenbrock, [0.0, 0.0], bounds=bounds, method="L-BFGS-B")
    assert history[-1] < history[0]
    assert score - exact.fun < 0.05 and np.linalg.norm(best - exact.x) < 0.5
    assert population.shape == (30, 2)
    close(population[0], best, rtol=0, atol=0)


@FEW
@given(seeds, st.integers(1, 8), st.integers(0, 6))
def test_evolutionary_search_is_elitist_bounded_and_seeded(seed, mu, generations):
    bounds = np.array([[-1.0, 2.0], [0.0, 0.5], [10.0, 20.0]])
    calls = []

    def objective(p):
        calls.append(p)
        return float(np.sum(np.sin(3 * p)))

    best, score, history, population = evolutionary_search(
        objective, bounds, population=mu, generations=generations, rng=seed
    )
    assert len(calls) == mu * (1 + generations)
    assert history.shape == (generations + 1,) and np.all(np.diff(history) <= 0)
    assert score == history[-1] == objective(best)
    assert np.all((population >= bounds[:, 0]) & (population <= bounds[:, 1]))
    again = evolutionary_search(objective, bounds, population=mu, generations=generations, rng=seed)
    assert np.array_equal(again[0], best)


def test_evolutionary_search_tunes_a_tiny_models_learning_rate():
    # the hyperparameter is log10(learning rate); the score is a validation loss
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    y = x @ np.array([2.0, -1.0]) + 0.5 + 0.1 * rng.normal(size=60)

    def validation_loss(p):
        w, b, _ = fit_linear_regression(x[:40], y[:40], learning_rate=10 ** p[0], n_steps=20)
        return linear_regression_loss(x[40:], y[40:], w, b)

    best, score, history, _ = evolutionary_search(
        validation_loss, [[-3.0, -0.3]], population=6, generations=5, rng=0
    )
    assert score < history[0] and score < validation_loss(np.array([-3.0]))
    assert best[0] > -1.5  # larger steps learn more in 20 steps


def test_evolutionary_search_refuses_a_bad_objective():
    with pytest.raises(ValueError, match="finite"):
        evolutionary_search(lambda p: float("nan"), [[0.0, 1.0]], population=2, rng=0)
    with pytest.raises(TypeError, match="real number"):
        evolutionary_search(lambda p: "bad", [[0.0, 1.0]], population=2, rng=0)
    with pytest.raises(ValueError, match="low < high"):
        evolutionary_search(_rosenbrock, [[1.0, 1.0], [0.0, 1.0]])


# --- centroids and k-means++ ------------------------------------------------------


@FAST
@given(st.data())
def test_centroids_match_scipy_ndimage_and_numpy_average(data):
    ndimage = pytest.importorskip("scipy.ndimage")
    n, d = data.draw(st.integers(1, 25)), data.draw(st.integers(1, 3))
    k = data.draw(st.integers(1, 4))
    x = data.draw(hnp.arrays(np.float64, (n, d), elements=st.floats(-1e3, 1e3)))
    labels = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
    w = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.0, 10.0)))
    present, dense_labels = np.unique(labels, return_inverse=True)
    expected = np.column_stack([ndimage.mean(x[:, j], labels, index=present) for j in range(d)])
    close(centroids(x, dense_labels), expected, rtol=1e-12, atol=1e-9)
    if w.sum() > 0:
        close(centroid(x, weights=w), np.average(x, axis=0, weights=w), rtol=1e-9, atol=1e-9)
    close(centroid(x), x.mean(axis=0), rtol=1e-12, atol=1e-9)


def test_centroid_minimises_the_squared_distances():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    c = centroid(x)
    cost = np.sum((x - c) ** 2)
    for shift in rng.normal(scale=0.1, size=(20, 2)):
        assert np.sum((x - c - shift) ** 2) > cost


def _blobs(seed=0, k=4, per=50):
    rng = np.random.default_rng(seed)
    centres = 20.0 * np.array([[0, 0], [1, 0], [0, 1], [1, 1]])[:k]
    labels = np.repeat(np.arange(k), per)
    return centres[labels] + rng.normal(size=(k * per, 2)), labels


def test_kmeans_plus_plus_spreads_centres_over_the_blobs_like_sklearn():
    cluster = pytest.importorskip("sklearn.cluster")
    x, labels = _blobs()
    ours = sklearns = uniform = 0
    for seed in range(40):
        _, idx = kmeans_plus_plus(x, 4, rng=seed)
        ours += len(set(labels[idx])) == 4
        _, sk_idx = cluster.kmeans_plusplus(x, 4, random_state=seed)
        sklearns += len(set(labels[sk_idx])) == 4
        uniform += len(set(labels[np.random.default_rng(seed).choice(200, 4, False)])) == 4
    # D^2 sampling nearly always finds all four blobs; uniform picks do so ~10% of the time
    assert ours >= 36 and sklearns >= 36 and uniform <= 12


def test_kmeans_plus_plus_samples_in_proportion_to_squared_distance():
    # Points 0, 1, 3 on a line: from centre 0, D^2 = (0, 1, 9), so P(pick 3) = 0.9.
    x = np.array([[0.0], [1.0], [3.0]])
    second = []
    for seed in range(3000):
        _, idx = kmeans_plus_plus(x, 2, rng=seed)
        if idx[0] == 0:
            second.append(idx[1])
    assert abs(np.mean(np.array(second) == 2) - 0.9) < 0.03


@FAST
@given(seeds, st.integers(1, 5))
def test_kmeans_plus_plus_picks_distinct_rows_deterministically(seed, k):
    x, _ = _blobs(seed=1, per=3)
    centres, idx = kmeans_plus_plus(x, k, rng=seed)
    assert len(set(idx.tolist())) == k and np.array_equal(centres, x[idx])
    assert np.array_equal(kmeans_plus_plus(x, k, rng=seed)[1], idx)


def test_kmeans_accepts_k_means_plus_plus_init():
    x, labels = _blobs()
    found = kmeans(x, 4, init="k-means++", rng=0)[1]
    # the clustering recovers the blobs up to renaming
    assert len({(a, b) for a, b in zip(labels, found, strict=True)}) == 4
    with pytest.raises(ValueError, match="k-means\\+\\+"):
        kmeans(x, 4, init="random")
    with pytest.raises(ValueError, match="distinct points"):
        kmeans_plus_plus([[1.0], [1.0]], 2)


def test_centroids_refuses_an_empty_cluster():
    with pytest.raises(ValueError, match=r"cluster\(s\) \[1\]"):
        centroids([[0.0], [1.0]], [0, 2])
    with pytest.raises(ValueError, match="labels must be < n_clusters"):
        centroids([[0.0], [1.0]], [0, 2], 2)


def test_no_warnings_on_extreme_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert centroid([[1e308], [1e308]]).tolist() == [1e308]
        weight, bias = linear_regression_closed_form([[1e308], [-1e308]], [1e308, -1e308])
        close(weight, [1.0])
        close(bias, 0.0)
        assert predict_proba_logistic([[1e308]], [1.0], 0.0).tolist() == [1.0]


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------


@pytest.mark.usefixtures("warnings_are_errors")
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_active_learning_accepts_low_precision_probabilities(dtype):
    p = np.array([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4], [0.05, 0.05, 0.9]], dtype=dtype)
    indices, labels = dlterms.pseudo_label(p, threshold=0.85)
    assert indices.tolist() == [2] and labels.tolist() == [2]
    assert dlterms.uncertainty_query(p, 1).tolist() == [1]
    with pytest.raises(ValueError, match="sum to 1"):
        dlterms.pseudo_label(np.array([[0.5, 0.6]], dtype=dtype))


@pytest.mark.usefixtures("warnings_are_errors")
def test_boosting_round_reweights_around_a_subnormal_error():
    # the only miss carries weight 1e-310 / 0.75, so eps is subnormal; the correct
    # examples' weights must not be divided by 2 eps on the way
    x, y = [[0.0], [1.0], [2.0], [3.0]], [-1, -1, 1, -1]
    (feature, threshold, polarity, alpha), new_weights = dlterms.one_boosting_round(
        x, y, [0.25, 0.25, 1e-310, 0.25]
    )
    assert (feature, threshold, polarity) == (0, 3.0, 1)
    assert alpha == pytest.approx(np.log(0.75) - np.log(1e-310), rel=1e-12)
    np.testing.assert_allclose(new_weights, [1 / 6, 1 / 6, 1 / 2, 1 / 6], rtol=1e-15)


@pytest.mark.usefixtures("warnings_are_errors")
def test_evolutionary_search_spans_the_whole_float_range():
    top = np.finfo(float).max
    bounds = np.array([[-top, top], [np.nextafter(top, 0), top]])

    def distance(p):  # to (1e300, top), in units of top: finite for every finite p
        return float(np.max(np.abs(p / 2 - np.array([5e299, top / 2]))) / top)

    best, score, history, population = dlterms.evolutionary_search(
        distance, bounds, population=6, generations=20, rng=0
    )
    assert np.all(np.isfinite(population)) and np.isfinite(score)
    assert np.all((population >= bounds[:, 0]) & (population <= bounds[:, 1]))
    assert np.all(np.diff(history) <= 0) and score == history[-1] < history[0]
    assert score == distance(best)


@pytest.mark.usefixtures("warnings_are_errors")
def test_closed_form_on_subnormal_inputs_fits_or_refuses_the_penalty_clearly():
    x = np.array([[0.0], [1e-310], [2e-310]])
    weight, bias = dlterms.linear_regression_closed_form(x, [0.0, 4e-310, 8e-310])
    close(weight, [4.0])
    assert abs(bias) < 1e-320
    with pytest.raises(ValueError, match="weights or bias overflow float64.*rescale the inputs"):
        dlterms.linear_regression_closed_form(x, [1.0, 3.0, 5.0])  # the slope is 2e310
    with pytest.raises(ValueError, match="penalty .* overflows float64.*rescale the inputs"):
        dlterms.linear_regression_closed_form(x, [1.0, 3.0, 5.0], l2=0.1)


# --- bagging ------------------------------------------------------------------------


def _hard_stump_class():
    """A scikit-learn classifier around the repo's best stump, with no predict_proba.

    Without predict_proba, ``BaggingClassifier`` counts votes instead of averaging
    probabilities; without a ``sample_weight`` argument in ``fit`` it trains each copy
    on the rows of its bootstrap resample, as ``bagging_fit`` does.
    """
    base = pytest.importorskip("sklearn.base")
    from dlterms.paradigms import _best_stump

    class HardStump(base.ClassifierMixin, base.BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.array([0, 1])  # BaggingClassifier passes class indices
            signed = 2 * np.asarray(y) - 1
            self.stump_ = _best_stump(np.asarray(X, float), signed, np.full(len(X), 1 / len(X)))
            return self

        def predict(self, X):
            j, threshold, polarity = self.stump_
            signed = np.where(np.asarray(X)[:, j] > threshold, polarity, -polarity)
            return (signed + 1) // 2

    return HardStump


@FEW
@given(st.integers(2, 30), st.integers(1, 3), st.integers(1, 9), seeds)
def test_bagging_matches_sklearn_bagging_classifier_on_the_same_resamples(n, d, n_estimators, seed):
    sk_ensemble = pytest.importorskip("sklearn.ensemble")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).round(1)  # rounded: repeated values and tied splits
    y = np.where(rng.random(n) < 0.5, -1, 1)
    y[:2] = [-1, 1]  # both classes
    model = sk_ensemble.BaggingClassifier(
        _hard_stump_class()(), n_estimators=n_estimators, random_state=seed % 2**31
    ).fit(x, y)
    samples = np.array(model.estimators_samples_)
    assert samples.shape == (n_estimators, n)
    # the same resamples: bagging_fit draws them with bootstrap_indices
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dlterms.paradigms, "bootstrap_indices", lambda n_, b_, rng=None: samples)
        ensemble = bagging_fit(x, y, n_estimators=n_estimators, rng=0)
    assert ensemble == [est.stump_ for est in model.estimators_]
    x_new = np.concatenate([x, rng.normal(size=(20, d))])
    np.testing.assert_array_equal(bagging_predict(x_new, ensemble), model.predict(x_new))


def test_bagging_fit_draws_its_resamples_with_bootstrap_indices():
    x = np.arange(8.0).reshape(8, 1)
    y = np.array([-1, -1, 1, -1, 1, 1, -1, 1])
    ensemble = bagging_fit(x, y, n_estimators=5, rng=3)
    for rows, stump in zip(bootstrap_indices(8, 5, rng=3), ensemble, strict=True):
        # each stump is the one fitted alone to its resample (a one-estimator bag
        # whose single resample is that resample's rows in order)
        alone = bagging_fit(x[rows], y[rows], n_estimators=1, rng=_Identity())
        assert stump == alone[0]


class _Identity(np.random.Generator):
    """A Generator whose integers() returns 0, 1, ..., n - 1: the resample is the data."""

    def __init__(self):
        super().__init__(np.random.PCG64(0))

    def integers(self, low, high=None, size=None, **kwargs):
        return np.arange(high).reshape(1, -1)


@FAST
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(-3, 3), st.sampled_from([-1, 1])),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=1, max_size=5),
)
def test_bagging_predict_is_the_majority_vote_ties_to_minus_one(ensemble, points):
    ensemble = [(j, float(t), p) for j, t, p in ensemble]
    x = np.array(points, dtype=float)
    expected = []
    for row in x:  # a plain loop oracle
        votes = [p if row[j] > t else -p for j, t, p in ensemble]
        expected.append(1 if votes.count(1) > votes.count(-1) else -1)
    assert bagging_predict(x, ensemble).tolist() == expected


def test_bagging_reduces_the_variance_of_an_unstable_learner():
    """Over many training sets, bagged stumps disagree less with each other than single ones."""
    rng = np.random.default_rng(0)
    x_test = np.linspace(-2, 2, 41).reshape(-1, 1)
    singles, bags = [], []
    for _ in range(40):
        x = rng.normal(size=(30, 1))
        y = np.where(x[:, 0] + rng.normal(scale=1.0, size=30) > 0, 1, -1)
        singles.append(bagging_predict(x_test, bagging_fit(x, y, n_estimators=1, rng=rng)))
        bags.append(bagging_predict(x_test, bagging_fit(x, y, n_estimators=25, rng=rng)))
    spread = lambda preds: np.mean(np.var(np.array(preds), axis=0))  # noqa: E731
    assert spread(bags) < spread(singles)


def test_bagging_checks_its_inputs():
    with pytest.raises(ValueError, match="only the labels -1 and \\+1"):
        bagging_fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(ValueError, match="n_estimators must be"):
        bagging_fit([[0.0], [1.0]], [-1, 1], n_estimators=0)
    with pytest.raises(ValueError, match="rows of length 4"):
        bagging_predict([[0.0]], [(0, 0.5, 1, 1.0)])
    with pytest.raises(ValueError, match=r"features must be integers in \[0, 1\)"):
        bagging_predict([[0.0]], [(1, 0.5, 1)])
    with pytest.raises(ValueError, match="polarities must be -1 or \\+1"):
        bagging_predict([[0.0]], [(0, 0.5, 2)])
    with pytest.raises(TypeError, match="ensemble must be a list"):
        bagging_predict([[0.0]], "stumps")
