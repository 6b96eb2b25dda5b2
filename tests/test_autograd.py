"""Reverse-mode automatic differentiation in dlterms.autograd.

Oracles: ``torch.autograd`` on random expression graphs drawn by hypothesis (the same
graph built from float64 tensors, every leaf's gradient compared, shared
sub-expressions included), central finite differences (``dlterms.numerical_gradient``),
hand-derived gradients, and PyTorch's conventions for accumulation and the ReLU kink.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import dlterms
from dlterms import grad, numerical_gradient, tanh_grad
from dlterms.autograd import Value

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


# --------------------------------------------------------------------------- random graphs

# Each step applies one operation to nodes already built (leaves or earlier results),
# chosen by index, so a node can feed several later ones: shared sub-expressions.
UNARY = ["neg", "exp", "log", "tanh", "relu", "sigmoid", "square", "cube", "inverse", "sqrt"]
BINARY = ["add", "sub", "mul", "div", "radd", "rsub", "rmul", "rdiv"]


@st.composite
def programs(draw):
    n_leaves = draw(st.integers(1, 4))
    leaves = draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(-2.0, 2.0, allow_subnormal=False)),
            min_size=n_leaves,
            max_size=n_leaves,
        )
    )
    steps = []
    for k in range(draw(st.integers(1, 12))):
        size = n_leaves + k
        op = draw(st.sampled_from(UNARY + BINARY))
        i, j = draw(st.integers(0, size - 1)), draw(st.integers(0, size - 1))
        const = draw(st.sampled_from([-1.5, 0.5, 2.0, 3.0]))
        steps.append((op, i, j, const))
    return leaves, steps


def _positive(a):
    return a * a + 0.5  # keeps log, 1/x and sqrt inside their domains


# op -> (a, b, c, backend) -> node; b is a second node, c a constant
OPS = {
    "neg": lambda a, b, c, k: -a,
    "exp": lambda a, b, c, k: k["exp"](a),
    "log": lambda a, b, c, k: k["log"](_positive(a)),
    "tanh": lambda a, b, c, k: k["tanh"](a),
    "relu": lambda a, b, c, k: k["relu"](a),
    "sigmoid": lambda a, b, c, k: k["sigmoid"](a),
    "square": lambda a, b, c, k: a**2,
    "cube": lambda a, b, c, k: a**3,
    "inverse": lambda a, b, c, k: _positive(a) ** -1,
    "sqrt": lambda a, b, c, k: _positive(a) ** 0.5,
    "add": lambda a, b, c, k: a + b,
    "sub": lambda a, b, c, k: a - b,
    "mul": lambda a, b, c, k: a * b,
    "div": lambda a, b, c, k: a / (b * b + 0.25),
    "radd": lambda a, b, c, k: c + a,
    "rsub": lambda a, b, c, k: c - a,
    "rmul": lambda a, b, c, k: c * a,
    "rdiv": lambda a, b, c, k: c / (a * a + 0.25),
}
assert set(OPS) == set(UNARY + BINARY)


def run(program, backend):
    """Evaluate `program` with `backend` (dlterms or torch ops); return leaves and output."""
    leaves, steps = program
    nodes = [backend["leaf"](v) for v in leaves]
    for op, i, j, c in steps:
        nodes.append(OPS[op](nodes[i], nodes[j], c, backend))
    out = nodes[len(leaves)]
    for node in nodes[len(leaves) + 1 :]:  # every step counts, and feeds two nodes or more
        out = out + node
    return nodes[: len(leaves)], out


DLTERMS = {
    "leaf": Value,
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}


def torch_backend(torch):
    return {
        "leaf": lambda v: torch.tensor(v, dtype=torch.float64, requires_grad=True),
        "exp": torch.exp,
        "log": torch.log,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
    }


@FAST
@given(program=programs())
def test_random_graphs_match_torch_autograd_at_every_leaf(torch, program):
    try:
        leaves, out = run(program, DLTERMS)
        out.backward()
    except ValueError:  # an exp of an exp overflowed: dlterms refuses, torch gives inf
        reject()
    t_leaves, t_out = run(program, torch_backend(torch))
    t_out.backward()  # every program has at least one step, so the output is not a leaf
    ours = np.array([v.grad for v in leaves])
    # torch leaves no .grad on a leaf the output does not depend on
    theirs = np.array([0.0 if t.grad is None else t.grad.item() for t in t_leaves])
    assert math.isclose(out.data, t_out.item(), rel_tol=1e-12, abs_tol=1e-12)
    # torch's tanh slope 1 - tanh(x)**2 loses relative accuracy in the tails; the
    # absolute error is about eps times the largest gradient on the way
    scale = max(1.0, np.max(np.abs(ours)), np.max(np.abs(theirs)))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12 * scale)


def test_a_shared_sub_expression_gets_the_sum_of_its_paths(torch):
    # u = x + 1 feeds both factors of u * u and the final sum: dy/dx = 2u + 1
    x = Value(2.0)
    u = x + 1.0
    y = u * u + u
    y.backward()
    tx = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    tu = tx + 1.0
    (tu * tu + tu).backward()
    assert (y.data, u.grad, x.grad) == (12.0, 7.0, 7.0)
    assert x.grad == tx.grad.item()
    x2 = Value(3.0)
    (x2 * x2).backward()
    assert x2.grad == 6.0


# --------------------------------------------------------------------------- finite differences


def smooth(a, b, c):
    return (a * b).tanh() + (b - c).sigmoid() * a.exp() / (1.0 + c**2) + (a * a + 1.0).log() ** 2


@FAST
@given(
    x=st.lists(st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False), min_size=3, max_size=3)
)
def test_grad_matches_central_finite_differences(x):
    def forward(v):
        return smooth(*(Value(float(t)) for t in v)).data

    np.testing.assert_allclose(
        grad(smooth, x), numerical_gradient(forward, x, h=1e-5), rtol=1e-6, atol=1e-8
    )


# --------------------------------------------------------------------------- the worked example


def test_worked_example_by_hand():
    # L = tanh(w x + b) with x = 2, w = -0.5, b = 1: z = 0, L = 0, dL/dz = 1
    x, w, b = Value(2.0), Value(-0.5), Value(1.0)
    z = w * x + b
    loss = z.tanh()
    loss.backward()
    assert (z.data, loss.data) == (0.0, 0.0)
    assert (x.grad, w.grad, b.grad, z.grad) == (-0.5, 2.0, 1.0, 1.0)
    assert grad(lambda x, w, b: (w * x + b).tanh(), [2.0, -0.5, 1.0]).tolist() == [-0.5, 2.0, 1.0]


def test_the_graph_records_operations_and_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c.exp() + a
    assert (d.op, c.op, a.op) == ("+", "*", "")
    assert d.parents[1] is a and d.parents[0].parents == (c,)
    assert c.parents == (a, b) and a.parents == ()


# --------------------------------------------------------------------------- conventions


def test_backward_twice_accumulates_on_leaves_like_torch(torch):
    x = Value(1.5)
    y = (x * x).tanh() * x
    y.backward()
    once = x.grad
    y.backward()
    tx = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    ty = torch.tanh(tx * tx) * tx
    ty.backward(retain_graph=True)
    ty.backward()
    assert x.grad == pytest.approx(2 * once, rel=1e-15)
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-12)
    y.zero_grad()
    assert x.grad == 0.0 and y.grad == 0.0


def test_relu_at_its_kink_has_slope_zero_as_torch_relu(torch):
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward()
    assert grad(lambda x: x.relu(), [0.0]).tolist() == [t.grad.item()] == [0.0]
    assert grad(lambda x, y: x.relu() + y.relu(), [-1.0, 3.0]).tolist() == [0.0, 1.0]


def test_tails_keep_their_tiny_slopes():
    # 1 - tanh(20)**2 rounds to 0.0; the exact slope is about 1.7e-17
    slope = grad(lambda x: x.tanh(), [20.0])[0]
    assert slope > 0 and slope == pytest.approx(tanh_grad(20.0), rel=1e-14)
    assert grad(lambda x, y: x.sigmoid() + y.sigmoid(), [-1000.0, 1000.0]).tolist() == [0.0, 0.0]
    assert grad(lambda x: x.sigmoid(), [-40.0])[0] == pytest.approx(math.exp(-40.0), rel=1e-12)


def test_deep_chain_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(3_000):  # 6000 nodes, far past the recursion limit
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_constant_output_has_zero_gradient_and_inputs_are_not_changed():
    x = np.array([1.0, 2.0])
    assert grad(lambda a, b: 3.0, x).tolist() == [0.0, 0.0]
    assert grad(lambda a, b: a, x).tolist() == [1.0, 0.0]
    assert x.tolist() == [1.0, 2.0]


def test_grad_is_reexported_and_help_names_the_entry():
    assert dlterms.grad is grad
    assert "automatic differentiation" in grad.__doc__.splitlines()[0]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Value(float("nan")), ValueError, "data must be a finite number; got nan."),
        (lambda: Value(float("inf")), ValueError, "data must be a finite number; got inf."),
        (lambda: Value("1"), TypeError, "data must be a real number; got '1' (str)."),
        (lambda: Value(True), TypeError, "data must be a real number; got True (bool)."),
        (lambda: Value(0.0).log(), ValueError, "log needs a positive value; got 0.0."),
        (lambda: Value(-2.0).log(), ValueError, "log needs a positive value; got -2.0."),
        (lambda: Value(1.0) / 0.0, ValueError, "division by a Value of 0.0"),
        (lambda: Value(1000.0).exp(), ValueError, "exp(1000.0) leaves the float64 range."),
        (lambda: Value(1e308) * 10, ValueError, "the result of * leaves the float64 range"),
        (lambda: Value(1e200) ** 2, ValueError, "1e+200 ** 2.0 leaves the float64 range."),
        (lambda: Value(-8.0) ** 0.5, ValueError, "-8.0 ** 0.5 is not a real number."),
        (lambda: Value(0.0) ** -1, ValueError, "0.0 ** -1.0 is not a real number."),
        (lambda: Value(2.0) ** Value(2.0), TypeError, "the exponent must be a real constant"),
        (lambda: (Value(0.0) ** 0.5).backward(), ValueError, "no finite derivative at x = 0.0"),
        (lambda: (Value(1e-300) ** 2).log(), ValueError, "log needs a positive value; got 0.0."),
        (lambda: grad(None, [1.0]), TypeError, "f must be callable; got NoneType."),
        (lambda: grad(lambda a: "a", [1.0]), TypeError, "f must return a Value or a real"),
        (lambda: grad(lambda a: a, [[1.0]]), ValueError, "x must be 1-D"),
        (lambda: grad(lambda a: a, ["a"]), TypeError, "x must hold real numbers"),
        (lambda: grad(lambda a: a.log(), [5e-324]), ValueError, "gradient through log"),
    ],
)
def test_bad_values_raise_clear_errors(make, error, message):
    with pytest.raises(error) as info:
        make()
    assert type(info.value) is error
    assert message in str(info.value)
    assert str(info.value).endswith(".")


def test_gradient_overflow_is_refused_not_returned_as_infinity():
    # every forward value is finite (a * 1e300 = 1, tanh(1) * 1e300 = 7.6e299), but the
    # slope reaching a is about 1e300 * 0.42 * 1e300
    with pytest.raises(ValueError, match="the gradient through"):
        grad(lambda a, b: (a * 1e300).tanh() * b, [1e-300, 1e300])


def test_sigmoid_keeps_its_slope_in_the_positive_tail(torch):
    # s * (1 - s) rounds to 0 once s rounds to 1; the exp form does not
    for z in (20.0, 40.0, 700.0):
        expected = torch.autograd.functional.jacobian(
            torch.sigmoid, torch.tensor(-z, dtype=torch.float64)
        ).item()  # the slope is symmetric; torch keeps it on the negative side
        assert grad(lambda v: v.sigmoid(), [z])[0] == pytest.approx(expected, rel=1e-12)


def test_a_failed_backward_changes_no_gradient():
    x, y = Value(0.0), Value(2.0)
    (y * 3 + x).backward()
    assert (x.grad, y.grad) == (1.0, 3.0)
    out = y * 3 + x**0.5  # the slope of sqrt at 0 is infinite: backward must refuse
    with pytest.raises(ValueError, match="no finite derivative"):
        out.backward()
    assert (x.grad, y.grad) == (1.0, 3.0), "nothing half-written"


def test_an_integer_too_large_for_float64_is_a_value_error():
    with pytest.raises(ValueError, match="must fit in float64; got an integer of 1329 bits"):
        Value(10**400)
