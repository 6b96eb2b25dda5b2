"""Contracts that every exported reference function keeps.

Each public function needs one row in each table below: valid sample arguments,
an extreme-but-finite input, and three bad inputs (a bad shape, an empty input and
a NaN). A new export without rows fails ``test_tables_cover_every_export``.
"""

from __future__ import annotations

import ast
import copy
import importlib
import inspect
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from reference_cases._helpers import Call, Expect, call  # noqa: F401  (rows use them)

import dlterms

NOT_REFERENCE = {"lookup", "search"}
PUBLIC = [name for name in dlterms.__all__ if name not in NOT_REFERENCE]
REFERENCE_MODULES = [m.__name__.removeprefix("dlterms.") for m in dlterms.REFERENCE_MODULES]


def _quadratic_grad(x):
    """Gradient of f(x) = ||x||^2 / 2."""
    return x


def _wrong_shape_grad(x):
    return np.zeros(x.size + 1)


_rng = np.random.default_rng(0)
X4 = _rng.normal(size=(2, 3, 5, 5))
W4 = _rng.normal(size=(4, 3, 3, 2))
POINTS = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0], [5.0, 5.0]])
NAN = float("nan")

# Valid sample arguments; arrays are numpy arrays so that in-place writes would show.
VALID = {
    "accuracy_score": call(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0])),
    "precision_score": call(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1]), pos_label=0),
    "recall_score": call(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1]), pos_label=1),
    "confusion_matrix": call(np.array([0, 1, 2]), np.array([0, 2, 2]), labels=np.array([2, 0])),
    "sigmoid": call(np.array([-2.0, 0.0, 3.0])),
    "sigmoid_grad": call(np.array([-2.0, 0.0, 3.0])),
    "relu": call(np.array([[-2.0, 0.0], [3.0, 4.0]])),
    "relu_grad": call(np.array([[-2.0, 0.0], [3.0, 4.0]])),
    "softmax": call(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), axis=0),
    "log_softmax": call(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), axis=0),
    "softmax_jvp": call(np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[1.0, 0.0], [2.0, 3.0]])),
    "mean_squared_error": call(np.array([1.0, 2.0]), np.array([1.5, 2.0])),
    "mean_absolute_error": call(np.array([1.0, 2.0]), np.array([1.5, 2.0])),
    "cross_entropy": call(np.array([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]]), np.array([2, 0])),
    "broadcast_shapes": call((2, 1), [3]),
    "one_hot": call(np.array([0, 2, 1]), 4),
    "iterations_per_epoch": call(10, 4, drop_last=True),
    "conv2d": call(X4, W4, np.ones(4), stride=(2, 1), padding=1),
    "conv2d_output_size": call(7, 3, stride=2, padding=1),
    "max_pool2d": call(X4, 2, stride=1),
    "avg_pool2d": call(X4, (2, 3)),
    "dropout": call(np.array([1.0, 2.0, 3.0, 4.0]), 0.5, rng=0),
    "batch_norm": call(X4, np.full(3, 2.0), np.ones(3)),
    "gradient_descent_step": call(np.array([1.0, 2.0]), np.array([0.5, 1.0]), learning_rate=0.1),
    "gradient_descent": call(_quadratic_grad, np.array([1.0, -2.0]), n_steps=5),
    "kmeans": call(POINTS, 2, init=np.array([[0.0, 0.0], [10.0, 0.0]]), n_iter=10),
    "dense": call(
        np.array([[1.0, 2.0], [3.0, 4.0]]),
        np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]]),
        np.array([0.0, 1.0, -1.0]),
    ),
    "prediction_bias": call(np.array([0.0, 1.0, 1.0]), np.array([0.25, 0.5, 1.0])),
    "random_undersample": call(
        np.arange(12.0).reshape(6, 2), np.array([0, 1, 1, 0, 1, 1]), rng=0, ratio=1.5
    ),
}

# Extreme but finite inputs: +-1e308 where the exact result is representable, +-1000
# for exponentials; +-1e150 where the maths squares its input.
BIG = np.array([1e308, -1e308, 0.0])
EXP = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
EXTREME = {
    "accuracy_score": call(BIG, np.array([1e308, 1e308, 0.0])),
    "precision_score": call(BIG[:2], np.array([1e308, 1e308]), pos_label=1e308),
    "recall_score": call(BIG[:2], np.array([1e308, 1e308]), pos_label=1e308),
    "confusion_matrix": call(BIG, np.array([1e308, 1e308, 0.0])),
    "sigmoid": call(np.array([-1e308, -1000.0, 1000.0, 1e308])),
    "sigmoid_grad": call(np.array([-1e308, -1000.0, 1000.0, 1e308])),
    "relu": call(BIG),
    "relu_grad": call(BIG),
    "softmax": call(np.array([[1e308, -1e308], [-1e308, -1e308]])),
    "log_softmax": call(EXP),
    "softmax_jvp": call(EXP, np.array([[1.0, -1.0], [1e300, 0.0]])),
    "mean_squared_error": call(BIG, np.array([1e308, -1e308, 1.0])),
    "mean_absolute_error": call(BIG, np.array([1e308, -1e308, 1.0])),
    "cross_entropy": call(EXP, np.array([1, 1])),
    "broadcast_shapes": call((2**62, 1), (1, 2**62)),
    "one_hot": call(np.array([0, 1000])),
    "iterations_per_epoch": call(10**30, 7),
    "conv2d": call(np.full((1, 1, 3, 3), 1e308), np.full((1, 1, 1, 1), 0.5), np.array([-1e308])),
    "conv2d_output_size": call(10**30, 3, stride=2, padding=10**20),
    "max_pool2d": call(np.full((1, 1, 2, 2), -1e308), 2),
    "avg_pool2d": call(np.full((1, 1, 2, 2), 1e308), 2),
    "dropout": call(BIG, 0.25, rng=0),
    "batch_norm": call(np.array([[1e150, -1e150], [-1e150, 1e150], [0.0, 0.0]])),
    "gradient_descent_step": call(BIG, BIG, learning_rate=0.5),
    "gradient_descent": call(_quadratic_grad, BIG, learning_rate=0.5, n_steps=3),
    "kmeans": call(np.array([[1e150, 0.0], [1e150, 1.0], [-1e150, 0.0]]), 2, rng=0),
    "dense": call(np.array([[1e308, -1e308]]), np.array([[0.5], [0.25]]), np.array([-1e308])),
    "prediction_bias": call(np.array([1e308, 1e308, -1e308]), np.array([1e308, 5e307, -1e308])),
    "random_undersample": call(
        np.array([[1e308], [-1e308], [1e308]]), np.array([1e308, -1e308, 1e308]), rng=0
    ),
}

# Three bad inputs per function. A plain Call must raise ValueError; an Expect row
# documents a different, deliberate outcome.
BAD = {
    "accuracy_score": {
        "shape": call([0, 1, 1], [0, 1]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    "precision_score": {
        "shape": call([[0, 1]], [[0, 1]]),
        "empty": call([], []),
        "nan": call([0.0, 1.0], [NAN, 1.0]),
    },
    "recall_score": {
        "shape": call([0, 1], [0, 1, 1]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    "confusion_matrix": {
        "shape": call([0, 1], [[0, 1]]),
        "empty": call([], []),
        "nan": call([0.0, NAN], [0.0, 1.0]),
    },
    **{
        name: {"shape": call([[1.0], [1.0, 2.0]]), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("sigmoid", "sigmoid_grad", "relu", "relu_grad")
    },
    **{
        name: {"shape": call(1.0), "empty": call([]), "nan": call([0.0, NAN])}
        for name in ("softmax", "log_softmax")
    },
    "softmax_jvp": {
        "shape": call([0.0, 1.0], [1.0, 0.0, 0.0]),
        "empty": call([], []),
        "nan": call([0.0, 1.0], [NAN, 0.0]),
    },
    **{
        name: {
            "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
            "empty": call([], []),
            "nan": call([1.0, NAN], [1.0, 2.0]),
        }
        for name in ("mean_squared_error", "mean_absolute_error")
    },
    "cross_entropy": {
        "shape": call([[0.0, 1.0], [1.0, 0.0]], [0, 1, 1]),
        "empty": call(np.zeros((0, 3)), np.zeros(0, dtype=int)),
        "nan": call([[0.0, NAN]], [0]),
    },
    "broadcast_shapes": {
        "shape": call((2, 3), (4,)),
        "empty": Expect(call(), returns=(), why="no shapes broadcast to (), as in numpy"),
        "nan": Expect(call((NAN,)), raises=TypeError, why="a float is not a dimension"),
    },
    "one_hot": {
        "shape": call([[0, 1]]),
        "empty": call([]),
        "nan": call([0.0, NAN]),
    },
    "iterations_per_epoch": {
        "shape": Expect(call([10], 4), raises=TypeError, why="sizes are ints, not arrays"),
        "empty": call(0, 4),
        "nan": Expect(call(NAN, 4), raises=TypeError, why="sizes are ints, not floats"),
    },
    "conv2d": {
        "shape": call(np.ones((1, 2, 3, 3)), np.ones((1, 3, 2, 2))),
        "empty": call(np.ones((0, 1, 3, 3)), np.ones((1, 1, 2, 2))),
        "nan": call(np.full((1, 1, 3, 3), NAN), np.ones((1, 1, 2, 2))),
    },
    "conv2d_output_size": {
        "shape": call(3, 5),
        "empty": call(0, 1),
        "nan": Expect(call(NAN, 3), raises=TypeError, why="sizes are ints, not floats"),
    },
    **{
        name: {
            "shape": call(np.ones((1, 3, 3)), 2),
            "empty": call(np.ones((1, 0, 3, 3)), 2),
            "nan": call(np.full((1, 1, 2, 2), NAN), 2),
        }
        for name in ("max_pool2d", "avg_pool2d")
    },
    "dropout": {
        "shape": call([[1.0], [1.0, 2.0]], 0.5),
        "empty": call([], 0.5),
        "nan": call([1.0, NAN], 0.5),
    },
    "batch_norm": {
        "shape": call(np.ones((2, 3, 4))),
        "empty": call(np.ones((0, 3))),
        "nan": call([[1.0, NAN], [2.0, 3.0]]),
    },
    "gradient_descent_step": {
        "shape": call([1.0, 2.0], [1.0], learning_rate=0.1),
        "empty": call([], [], learning_rate=0.1),
        "nan": call([1.0, NAN], [1.0, 1.0], learning_rate=0.1),
    },
    "gradient_descent": {
        "shape": call(_wrong_shape_grad, [1.0, 2.0]),
        "empty": call(_quadratic_grad, []),
        "nan": call(_quadratic_grad, [1.0, NAN]),
    },
    "kmeans": {
        "shape": call([1.0, 2.0, 3.0], 2),
        "empty": call(np.zeros((0, 2)), 1),
        "nan": call([[0.0, 0.0], [NAN, 1.0]], 1),
    },
    "dense": {
        "shape": call([1.0, 2.0, 3.0], [[1.0], [2.0]]),
        "empty": call(np.ones((0, 2)), np.ones((2, 3))),
        "nan": call([1.0, NAN], np.ones((2, 1))),
    },
    "prediction_bias": {
        "shape": call([1.0, 2.0], [1.0, 2.0, 3.0]),
        "empty": call([], []),
        "nan": call([1.0, NAN], [1.0, 2.0]),
    },
    "random_undersample": {
        "shape": call([[1.0], [2.0], [3.0]], [0, 1]),
        "empty": call([], []),
        "nan": call([[1.0], [2.0]], [0.0, NAN]),
    },
}

TABLES = {"VALID": VALID, "EXTREME": EXTREME, "BAD": BAD}

# Topic authors keep their rows beside their own tests, in tests/reference_cases/<topic>.py,
# each defining VALID, EXTREME and BAD dicts of the same form as above.
for _path in sorted((Path(__file__).parent / "reference_cases").glob("[!_]*.py")):
    _cases = importlib.import_module(f"reference_cases.{_path.stem}")
    for _name, _table in TABLES.items():
        _clash = set(_table) & set(getattr(_cases, _name))
        assert not _clash, f"{_path.name} repeats rows of {_name}: {sorted(_clash)}"
        _table.update(getattr(_cases, _name))


def _same(a, b) -> bool:
    """Deep equality for nested arguments holding arrays."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            type(a) is type(b)
            and a.dtype == b.dtype
            and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        )
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a is b or a == b


def _arrays_in(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _arrays_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays_in(item)


def _all_finite(value) -> bool:
    if isinstance(value, dict):
        return all(_all_finite(item) for item in value.values())
    if isinstance(value, tuple | list):
        return all(_all_finite(item) for item in value)
    return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))


# --- the public API ------------------------------------------------------------


def test_all_is_sorted_unique_and_importable():
    assert dlterms.__all__ == sorted(set(dlterms.__all__)), "__all__ must be sorted and unique"
    for name in dlterms.__all__:
        assert callable(getattr(dlterms, name)), f"dlterms.{name} is not importable"


def test_every_reference_function_is_exported():
    exported = set(dlterms.__all__)
    for module_name in REFERENCE_MODULES:
        module = importlib.import_module(f"dlterms.{module_name}")
        missing = set(module.__all__) - exported
        assert not missing, f"dlterms.{module_name} functions missing from dlterms.__all__"


@pytest.mark.parametrize("table", TABLES)
def test_tables_cover_every_export(table):
    rows = TABLES[table]
    missing = sorted(set(PUBLIC) - set(rows))
    assert not missing, f"add a row to {table} in {Path(__file__).name} for: {missing}"
    assert not set(rows) - set(PUBLIC), f"{table} has rows for names that are not exported"


@pytest.mark.parametrize("module_name", REFERENCE_MODULES)
def test_module_has_docstring_all_and_imports_only_numpy(module_name):
    module = importlib.import_module(f"dlterms.{module_name}")
    tree = ast.parse(inspect.getsource(module))
    assert ast.get_docstring(tree), f"dlterms.{module_name} needs a module docstring"
    assert list(module.__all__) == sorted(module.__all__)
    allowed = {"numpy", "dlterms", "__future__", *sys.stdlib_module_names}
    # never the loader, the site, the deck or the figures: those pull in build-only packages
    siblings = {"dlterms", "dlterms._validation", *(f"dlterms.{m}" for m in REFERENCE_MODULES)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names = {node.module or ""}
        else:
            continue
        roots = {n.split(".")[0] for n in names}
        assert roots <= allowed, f"dlterms.{module_name} imports {roots - allowed}"
        inside = {n for n in names if n.startswith("dlterms")}
        assert inside <= siblings, f"dlterms.{module_name} imports {inside - siblings}"


# --- docstrings ----------------------------------------------------------------

SECTIONS = ["Parameters", "Returns", "Raises", "See Also", "Notes", "References", "Examples"]
REQUIRED = set(SECTIONS) - {"References"}


@pytest.mark.parametrize("name", PUBLIC)
def test_docstring_has_numpydoc_sections_in_order_and_examples(name):
    doc = inspect.getdoc(getattr(dlterms, name))
    positions = {s: doc.find(f"\n{s}\n{'-' * len(s)}\n") for s in SECTIONS}
    present = [s for s in SECTIONS if positions[s] >= 0]
    assert REQUIRED <= set(present), f"{name} lacks sections {REQUIRED - set(present)}"
    assert sorted(present, key=positions.get) == present, f"{name}: sections out of order"
    assert ">>> " in doc[positions["Examples"] :], f"{name}: Examples has no doctest"


# --- behaviour on valid, extreme and bad input -----------------------------------


@pytest.mark.parametrize("name", PUBLIC)
def test_does_not_mutate_inputs_or_return_views(name):
    sample = VALID[name]
    before = copy.deepcopy(sample)
    result = sample(getattr(dlterms, name))
    assert _same(sample.args, before.args), f"{name} changed a positional argument"
    assert _same(sample.kwargs, before.kwargs), f"{name} changed a keyword argument"
    for out in _arrays_in(result):
        for arg in _arrays_in((sample.args, sample.kwargs)):
            assert not np.shares_memory(out, arg), f"{name} returned a view of its input"


@pytest.mark.parametrize("name", PUBLIC)
def test_extreme_finite_input_gives_finite_output_without_warnings(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = EXTREME[name](getattr(dlterms, name))
    assert _all_finite(result), f"{name} returned non-finite values: {result!r}"


@pytest.mark.parametrize("case", ["shape", "empty", "nan"])
@pytest.mark.parametrize("name", PUBLIC)
def test_bad_input_raises_a_clear_error(name, case):
    row = BAD[name][case]
    function = getattr(dlterms, name)
    if isinstance(row, Expect) and row.raises is None:
        assert row.why, "an Expect row must say why"
        assert row.call(function) == row.returns
        return
    expected = row.raises if isinstance(row, Expect) else ValueError
    with pytest.raises(expected) as info:
        (row.call if isinstance(row, Expect) else row)(function)
    assert type(info.value) is expected, f"{name} raised {type(info.value).__name__}"
    message = str(info.value)
    assert message.strip(), f"{name} raised {expected.__name__} with an empty message"
    assert message.endswith("."), f"{name}: end the message with a full stop: {message!r}"


def test_no_public_name_disappears():
    """Moving a function between modules must keep ``dlterms.<name>`` working."""
    recorded = (Path(__file__).parent / "reference_cases" / "public_api.txt").read_text()
    expected = recorded.split()
    missing = sorted(set(expected) - set(dlterms.__all__))
    assert not missing, f"dlterms.__all__ lost {missing}; keep each name importable"
    added = sorted(set(dlterms.__all__) - set(expected))
    assert not added, f"record the new public names in reference_cases/public_api.txt: {added}"
