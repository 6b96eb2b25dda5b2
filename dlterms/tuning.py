"""Hyperparameter search: the candidates of grid search and of random search.

A search space is a dict mapping each hyperparameter's name to the values to try, as
scikit-learn's ``GridSearchCV`` and ``RandomizedSearchCV`` take it, or a list of such
dicts for spaces with conditional parts (a ``degree`` only for the polynomial kernel).
:func:`parameter_grid` lists every combination, in the order of scikit-learn's
``ParameterGrid``; :func:`sample_parameters` draws `n_iter` of them at random, as
``ParameterSampler`` does. Training and scoring each candidate is the caller's part:
``min(candidates, key=validation_loss)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from itertools import product

import numpy as np

from dlterms._validation import as_rng, check_int

__all__ = ["parameter_grid", "sample_parameters"]


# --------------------------------------------------------------------------- helpers


def _is_distribution(value) -> bool:
    """A value to sample from rather than list: a scipy-style ``rvs`` or a callable."""
    return hasattr(value, "rvs") or callable(value)


def _as_values(value, where: str) -> list:
    """The candidate values of one hyperparameter: a non-empty 1-D sequence, no NaN."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple | range | np.ndarray):
        raise TypeError(
            f"{where} must be a list, tuple or 1-D array of values; got "
            f"{type(value).__name__} {value!r}. Wrap a single value in a list: [{value!r}]."
        )
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise ValueError(f"{where} must be a 1-D array of values; got shape {value.shape}.")
    if len(value) == 0:
        raise ValueError(
            f"{where} must hold at least one value; got an empty {type(value).__name__}."
        )
    values = list(value)
    if any(isinstance(v, numbers.Real) and math.isnan(v) for v in values):
        raise ValueError(f"{where} must not hold NaN, which no model can be set to; got {values}.")
    return values


def _as_spaces(space, name: str, *, allow_distributions: bool) -> list[list[tuple]]:
    """`space` (a dict or a list of dicts) as lists of (key, values) sorted by key."""
    spaces = [space] if isinstance(space, Mapping) else space
    if not isinstance(spaces, list | tuple):
        raise TypeError(f"{name} must be a dict or a list of dicts; got {type(space).__name__}.")
    if len(spaces) == 0:
        raise ValueError(
            f"{name} must hold at least one dict; got an empty {type(space).__name__}."
        )
    out = []
    for i, one in enumerate(spaces):
        where = name if isinstance(space, Mapping) else f"{name}[{i}]"
        if not isinstance(one, Mapping):
            raise TypeError(f"{where} must be a dict; got {type(one).__name__}.")
        for key in one:
            if not isinstance(key, str):
                raise TypeError(f"{where} keys must be parameter names (str); got {key!r}.")
        items = []
        for key in sorted(one):  # sorted keys, as scikit-learn, for reproducibility
            value = one[key]
            if allow_distributions and _is_distribution(value):
                items.append((key, value))
            else:
                items.append((key, _as_values(value, f"{where}[{key!r}]")))
        out.append(items)
    return out


def _grid_points(items: list[tuple]) -> list[dict]:
    """Every combination of one space: the last key (in sorted order) varies fastest."""
    if not items:
        return [{}]
    keys, values = zip(*items, strict=True)
    return [dict(zip(keys, combination, strict=True)) for combination in product(*values)]


def _grid_sizes(spaces: list[list[tuple]]) -> list[int]:
    return [math.prod(len(values) for _, values in items) for items in spaces]


def _grid_point(spaces: list[list[tuple]], sizes: list[int], index: int) -> dict:
    """Entry `index` of ``parameter_grid`` without listing the grid: mixed-radix digits."""
    for items, size in zip(spaces, sizes, strict=True):
        if index >= size:
            index -= size
            continue
        point = {}
        for key, values in reversed(items):  # the last key is the fastest digit
            index, digit = divmod(index, len(values))
            point[key] = values[digit]
        return dict(sorted(point.items()))
    raise AssertionError("index beyond the grid")  # pragma: no cover (callers draw below the size)


# --------------------------------------------------------------------------- grid search


def parameter_grid(param_grid):
    r"""Grid search candidates: every combination of the listed hyperparameter values.

    Parameters
    ----------
    param_grid : dict or list of dict
        Maps each hyperparameter name (str) to a non-empty list, tuple or 1-D array
        of values to try. A list of dicts is a union of grids, searched one after the
        other (for example a ``degree`` that only the polynomial kernel has).

    Returns
    -------
    list of dict
        One dict per candidate, ``{name: value}``, with the keys of each dict in
        sorted order. Values are the objects given, not copies.

    Raises
    ------
    ValueError
        If `param_grid` is an empty list, a value list is empty or holds NaN, or an
        array of values is not 1-D.
    TypeError
        If `param_grid` is not a dict or a list of dicts, a key is not a str, or a
        value is not a list, tuple or array (a single value must be wrapped in a
        list).

    See Also
    --------
    sample_parameters : Random search: `n_iter` candidates drawn at random.

    Notes
    -----
    The grid is the Cartesian product of the value lists, so its size is

    $$|G| = \prod_{k=1}^{K} n_k,$$

    for $K$ hyperparameters with $n_k$ values each: it grows exponentially with the
    number of hyperparameters, which is why grid search suits two or three of them.
    Keys are sorted and the last one varies fastest, the order of scikit-learn's
    ``ParameterGrid``, so ``list(ParameterGrid(g)) == parameter_grid(g)``. An empty
    dict gives one candidate with no settings, ``[{}]``, again as scikit-learn.

    References
    ----------
    scikit-learn, "Tuning the hyper-parameters of an estimator".
    https://scikit-learn.org/stable/modules/grid_search.html

    Examples
    --------
    Two learning rates and three batch sizes give $2 \cdot 3 = 6$ candidates:

    >>> grid = parameter_grid({"lr": [0.1, 0.01], "batch_size": [16, 32, 64]})
    >>> len(grid)
    6
    >>> grid[:2]
    [{'batch_size': 16, 'lr': 0.1}, {'batch_size': 16, 'lr': 0.01}]

    A list of dicts adds grids: here $1 + 2 = 3$ candidates.

    >>> parameter_grid([{"kernel": ["linear"]}, {"kernel": ["poly"], "degree": [2, 3]}])
    [{'kernel': 'linear'}, {'degree': 2, 'kernel': 'poly'}, {'degree': 3, 'kernel': 'poly'}]
    """
    spaces = _as_spaces(param_grid, "param_grid", allow_distributions=False)
    return [point for items in spaces for point in _grid_points(items)]


# --------------------------------------------------------------------------- random search


def _draw(value, rng: np.random.Generator):
    """One value of a hyperparameter: from a distribution, a callable or a list."""
    if hasattr(value, "rvs"):
        return value.rvs(random_state=rng)
    if callable(value):
        return value(rng)
    return value[int(rng.integers(len(value)))]


def sample_parameters(param_distributions, n_iter, *, rng=None):
    r"""Random search candidates: `n_iter` hyperparameter settings drawn at random.

    Parameters
    ----------
    param_distributions : dict or list of dict
        Maps each hyperparameter name (str) to what to draw from: a non-empty list,
        tuple or 1-D array (drawn uniformly), a callable ``f(rng)`` returning one
        value, or an object with an ``rvs(random_state=...)`` method such as a
        ``scipy.stats`` distribution. With a list of dicts, each draw first picks one
        dict uniformly.
    n_iter : int
        Number of candidates, at least 1. When every value is a list it may not
        exceed the number of distinct combinations.
    rng : numpy.random.Generator or int or None, default=None
        Source of the draws, or a seed for one. None draws fresh OS entropy.

    Returns
    -------
    list of dict
        `n_iter` candidates ``{name: value}``, keys in sorted order.

    Raises
    ------
    ValueError
        If `n_iter` is below 1, or above the number of combinations when every value
        is a list; or a value list is empty or holds NaN, or an array of values is
        not 1-D.
    TypeError
        If `param_distributions` is not a dict or a list of dicts, a key is not a str,
        a value is neither a sequence nor a distribution, or `n_iter` is not an int.

    See Also
    --------
    parameter_grid : Grid search: every combination of the listed values.

    Notes
    -----
    When every value is a list, the candidates are `n_iter` distinct points of the
    grid, drawn without replacement: a uniform sample of indices into
    :func:`parameter_grid`'s list, decoded without building that list. When any
    value is a distribution, each candidate is drawn independently (with
    replacement), key by key in sorted order. Both rules are those of scikit-learn's
    ``ParameterSampler``; its random stream differs (a ``RandomState``), so the
    same seed gives other candidates, and where it warns and returns fewer than
    `n_iter` candidates from too small a grid, this raises instead.

    Bergstra and Bengio's argument: when only a few hyperparameters matter, a grid
    of $n^K$ points tries only $n$ distinct values of each, while $n^K$ random
    points try $n^K$ distinct values of every one. Draw a learning rate on a log
    scale, for example ``lambda rng: 10 ** rng.uniform(-5, -1)``.

    References
    ----------
    Bergstra, J. and Bengio, Y. (2012). Random search for hyper-parameter
    optimization. JMLR 13, 281-305. https://jmlr.org/papers/v13/bergstra12a.html

    Examples
    --------
    From a 2 x 2 grid, 4 draws give all 4 candidates in a random order, none twice:

    >>> space = {"dropout": [0.0, 0.5], "lr": [0.1, 0.01]}
    >>> for candidate in sample_parameters(space, 4, rng=0):
    ...     print(candidate)
    {'dropout': 0.5, 'lr': 0.01}
    {'dropout': 0.5, 'lr': 0.1}
    {'dropout': 0.0, 'lr': 0.1}
    {'dropout': 0.0, 'lr': 0.01}

    A callable draws a continuous value, here a learning rate between
    $10^{-4}$ and $10^{-2}$ on a log scale:

    >>> space = {"lr": lambda rng: 10 ** rng.uniform(-4, -2), "batch_size": [32, 64]}
    >>> [sorted(c) for c in sample_parameters(space, 2, rng=0)]
    [['batch_size', 'lr'], ['batch_size', 'lr']]
    >>> all(1e-4 <= c["lr"] <= 1e-2 for c in sample_parameters(space, 100, rng=0))
    True

    A grid of 4 cannot give 5 distinct candidates:

    >>> sample_parameters({"dropout": [0.0, 0.5], "lr": [0.1, 0.01]}, 5, rng=0)
    Traceback (most recent call last):
    ...
    ValueError: n_iter must be at most 4, the number of combinations, when every value is a list (they are drawn without replacement); got 5. Lower n_iter or use parameter_grid.
    """  # noqa: E501
    spaces = _as_spaces(param_distributions, "param_distributions", allow_distributions=True)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    rng = as_rng(rng)
    all_lists = all(isinstance(values, list) for items in spaces for _, values in items)
    if all_lists:
        sizes = _grid_sizes(spaces)
        total = sum(sizes)
        if n_iter > total:
            raise ValueError(
                f"n_iter must be at most {total}, the number of combinations, when every "
                "value is a list (they are drawn without replacement); got "
                f"{n_iter}. Lower n_iter or use parameter_grid."
            )
        picks = rng.choice(total, size=n_iter, replace=False)
        return [_grid_point(spaces, sizes, int(i)) for i in picks]
    candidates = []
    for _ in range(n_iter):
        items = spaces[int(rng.integers(len(spaces)))]
        candidates.append({key: _draw(value, rng) for key, value in items})
    return candidates
