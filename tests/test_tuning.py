"""dlterms.tuning: the candidates of grid search and random search.

Checked against scikit-learn's ``ParameterGrid`` (the same dicts in the same order) and
``ParameterSampler`` (the same sampling rules: without replacement from pure lists,
independent draws once a distribution appears; its random stream differs, so the checks
are on keys, membership and distinctness, and on the distribution of the draws).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlterms import parameter_grid, sample_parameters
from dlterms.tuning import _as_spaces, _grid_point, _grid_sizes

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

names = st.text("abcdefgh_", min_size=1, max_size=4)
values = st.lists(
    st.one_of(st.integers(-5, 5), st.sampled_from(["x", "y", None])), min_size=1, max_size=3
)
grids = st.dictionaries(names, values, max_size=3)
spaces = st.one_of(grids, st.lists(grids, min_size=1, max_size=3))


@pytest.fixture(scope="module")
def sk_selection():
    return pytest.importorskip("sklearn.model_selection")


@FAST
@given(spaces)
def test_parameter_grid_equals_sklearn_parameter_grid_in_order(sk_selection, space):
    assert parameter_grid(space) == list(sk_selection.ParameterGrid(space))


@FAST
@given(spaces)
def test_grid_size_is_the_product_of_the_list_lengths(space):
    grids_ = [space] if isinstance(space, dict) else space
    expected = sum(math.prod(len(v) for v in g.values()) for g in grids_)
    assert len(parameter_grid(space)) == expected


@FAST
@given(spaces)
def test_decoding_an_index_gives_the_same_point_as_the_listed_grid(space):
    parsed = _as_spaces(space, "space", allow_distributions=False)
    sizes = _grid_sizes(parsed)
    listed = parameter_grid(space)
    assert [_grid_point(parsed, sizes, i) for i in range(len(listed))] == listed


@FAST
@given(spaces, st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_sampling_from_lists_is_without_replacement_from_the_grid(sk_selection, space, n, seed):
    grid = parameter_grid(space)
    n = min(n, len(grid))
    ours = sample_parameters(space, n, rng=seed)
    theirs = list(sk_selection.ParameterSampler(space, n, random_state=seed))
    assert len(ours) == len(theirs) == n
    key = lambda c: repr(sorted(c.items()))  # noqa: E731
    # distinct points of the grid (a sub-multiset of it, as grids may repeat a point)
    assert Counter(map(key, ours)) <= Counter(map(key, grid))
    assert Counter(map(key, theirs)) <= Counter(map(key, grid))
    assert [sorted(c) for c in ours] == [list(c) for c in ours]  # keys in sorted order
    if n == len(grid):  # every point, as scikit-learn
        assert sorted(map(key, ours)) == sorted(map(key, theirs))


def test_sampling_from_lists_is_uniform_over_the_grid():
    space = {"a": [1, 2, 3], "b": ["x", "y"]}
    counts = Counter(repr(c) for seed in range(600) for c in sample_parameters(space, 2, rng=seed))
    assert len(counts) == 6
    # 1200 draws, 200 expected per point; 4.5 standard deviations (sd ~ 12.9)
    assert all(abs(count - 200) < 58 for count in counts.values()), counts


def test_distributions_draw_with_replacement_like_parameter_sampler(sk_selection):
    stats = pytest.importorskip("scipy.stats")
    space = {"lr": stats.loguniform(1e-4, 1e-1), "batch": [16, 32], "act": ["relu", "gelu"]}
    ours = sample_parameters(space, 400, rng=0)
    theirs = list(sk_selection.ParameterSampler(space, 400, random_state=0))
    assert [list(c) for c in ours] == [list(c) for c in theirs] == [["act", "batch", "lr"]] * 400
    lrs = np.array([c["lr"] for c in ours])
    assert lrs.min() >= 1e-4 and lrs.max() <= 1e-1
    # log-uniform: the median of log10(lr) is near the middle, -2.5, for both
    theirs_lrs = np.array([c["lr"] for c in theirs])
    assert abs(np.median(np.log10(lrs)) + 2.5) < 0.25
    assert abs(np.median(np.log10(theirs_lrs)) + 2.5) < 0.25
    # with replacement: only 4 (batch, act) pairs for 400 draws
    assert len({(c["batch"], c["act"]) for c in ours}) == 4


def test_a_list_of_dicts_is_picked_uniformly_per_draw():
    space = [{"kernel": ["linear"], "c": lambda rng: rng.uniform()}, {"kernel": ["rbf"]}]
    kernels = Counter(c["kernel"] for c in sample_parameters(space, 1000, rng=1))
    assert abs(kernels["linear"] - 500) < 80, kernels
    linear = [c for c in sample_parameters(space, 50, rng=1) if c["kernel"] == "linear"]
    assert linear and all(set(c) == {"c", "kernel"} for c in linear)


def test_the_same_seed_gives_the_same_candidates():
    space = {"lr": lambda rng: 10 ** rng.uniform(-4, -2), "width": [16, 32, 64]}
    assert sample_parameters(space, 5, rng=7) == sample_parameters(space, 5, rng=7)
    assert sample_parameters(space, 5, rng=7) != sample_parameters(space, 5, rng=8)


def test_a_large_grid_is_sampled_without_being_listed():
    space = {f"p{i}": list(range(10)) for i in range(12)}  # 10**12 points
    candidates = sample_parameters(space, 3, rng=0)
    assert len(candidates) == 3 and all(len(c) == 12 for c in candidates)


def test_empty_grid_gives_one_empty_candidate(sk_selection):
    assert parameter_grid({}) == list(sk_selection.ParameterGrid({})) == [{}]
    assert sample_parameters({}, 1, rng=0) == [{}]


@pytest.mark.parametrize(
    ("space", "error", "message"),
    [
        ({"lr": 0.1}, TypeError, r"param_grid\['lr'\] must be a list.*in a list: \[0.1\]"),
        ({"kernel": "rbf"}, TypeError, r"Wrap a single value in a list: \['rbf'\]"),
        ({1: [0.1]}, TypeError, r"keys must be parameter names \(str\); got 1"),
        ([{"a": [1]}, 3], TypeError, r"param_grid\[1\] must be a dict; got int"),
        ([], ValueError, "param_grid must hold at least one dict"),
        ("lr", TypeError, "param_grid must be a dict or a list of dicts; got str"),
        ({"lr": np.zeros((2, 2))}, ValueError, r"must be a 1-D array of values; got shape"),
        ({"lr": [0.1, float("nan")]}, ValueError, "must not hold NaN"),
    ],
)
def test_bad_grids_are_refused_with_the_fix(space, error, message):
    with pytest.raises(error, match=message):
        parameter_grid(space)


def test_too_many_draws_from_a_small_grid_are_refused():
    with pytest.raises(ValueError, match="n_iter must be at most 4"):
        sample_parameters({"a": [1, 2], "b": [3, 4]}, 5, rng=0)
    with pytest.raises(ValueError, match="n_iter must be"):
        sample_parameters({"a": [1, 2]}, 0, rng=0)
    # with a distribution the draws are independent, so any n_iter is fine
    assert len(sample_parameters({"a": [1, 2], "b": lambda rng: 0.5}, 5, rng=0)) == 5
