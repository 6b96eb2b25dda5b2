"""The optimisation functions of dlterms.optim: oracles, properties and gradients.

1. Agreement with independent implementations: ``torch.optim`` (CPU, float64) for SGD
   with momentum and Nesterov, Adagrad, RMSprop and Adam over several steps;
   ``torch.autograd`` and ``scipy.optimize.approx_fprime`` for the finite-difference
   gradient. Each library is skipped if it is missing.
2. Properties that hold for every valid input (hypothesis), plain-loop oracles for
   the convergence rule and the mini-batch schedule, and Adam's memory budget, readable
   and memory-lean (``benchmarks/optim_inplace.py``), which must agree bit for bit.
3. ``numerical_gradient`` against functions whose gradient is known in closed form
   (this module ships no analytic gradient of its own).
"""

from __future__ import annotations

import re
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from _strategies import PROPERTY, small
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    adagrad_step,
    adam_step,
    adamw_step,
    gradient_descent,
    gradient_descent_step,
    has_converged,
    is_convex_on,
    iterations_per_epoch,
    log_softmax,
    mean_squared_error,
    mean_squared_error_grad,
    minibatch_sgd,
    momentum_step,
    numerical_gradient,
    partial_derivative,
    rmsprop_step,
    sgd_step,
    sigmoid,
    sigmoid_grad,
    softmax,
)
from dlterms.optim import AdamState

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from optim_inplace import adam_step_inplace  # noqa: E402

FAST = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@st.composite
def runs(draw, max_steps=5):
    """Starting parameters and a few gradients of one drawn shape."""
    shape = draw(shapes)
    params = draw(hnp.arrays(np.float64, shape, elements=small))
    n_steps = draw(st.integers(1, max_steps))
    grads = [draw(hnp.arrays(np.float64, shape, elements=small)) for _ in range(n_steps)]
    return params, grads


@pytest.fixture(scope="module")
def scipy_optimize():
    return pytest.importorskip("scipy.optimize")


def close(actual, expected, rtol=1e-12, atol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


# --- 1. oracles -----------------------------------------------------------------------


def torch_iterates(torch, optimizer, params, grads, **options):
    """The parameters after each ``optimizer.step()`` fed the given gradients."""
    p = torch.tensor(params, dtype=torch.float64, requires_grad=True)
    opt = optimizer([p], **options)
    out = []
    for g in grads:
        p.grad = torch.from_numpy(g.copy())
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


def our_iterates(step, params, grads, **options):
    """The same run with a dlterms step function, threading the state through."""
    state, out = None, []
    for g in grads:
        params, state = step(params, g, state, **options)
        out.append(params)
    return out


def assert_same_run(ours, theirs):
    for t, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=f"after step {t + 1}")


@FAST
@given(runs(), st.floats(1e-3, 1.0), st.floats(0.0, 0.99), st.booleans())
def test_momentum_step_matches_torch_sgd(torch, run, lr, momentum, nesterov):
    params, grads = run
    nesterov = nesterov and momentum > 0  # torch refuses Nesterov without momentum
    options = {"momentum": momentum, "nesterov": nesterov}
    theirs = torch_iterates(torch, torch.optim.SGD, params, grads, lr=lr, **options)
    ours = our_iterates(momentum_step, params, grads, learning_rate=lr, **options)
    assert_same_run(ours, theirs)


@FAST
@given(runs(), st.floats(1e-3, 1.0), st.floats(1e-10, 1e-3))
def test_adagrad_step_matches_torch(torch, run, lr, eps):
    params, grads = run
    theirs = torch_iterates(torch, torch.optim.Adagrad, params, grads, lr=lr, eps=eps)
    ours = our_iterates(adagrad_step, params, grads, learning_rate=lr, eps=eps)
    assert_same_run(ours, theirs)


@FAST
@given(runs(), st.floats(1e-3, 1.0), st.floats(0.0, 0.999), st.floats(1e-10, 1e-3))
def test_rmsprop_step_matches_torch(torch, run, lr, alpha, eps):
    params, grads = run
    theirs = torch_iterates(torch, torch.optim.RMSprop, params, grads, lr=lr, alpha=alpha, eps=eps)
    ours = our_iterates(rmsprop_step, params, grads, learning_rate=lr, alpha=alpha, eps=eps)
    assert_same_run(ours, theirs)


@FAST
@given(
    runs(),
    st.floats(1e-4, 1.0),
    st.floats(0.0, 0.99),
    st.floats(0.5, 0.9999),
    st.floats(1e-10, 1e-3),
)
def test_adam_step_matches_torch(torch, run, lr, beta1, beta2, eps):
    params, grads = run
    options = {"beta1": beta1, "beta2": beta2, "eps": eps}
    theirs = torch_iterates(
        torch, torch.optim.Adam, params, grads, lr=lr, betas=(beta1, beta2), eps=eps
    )
    ours = our_iterates(adam_step, params, grads, learning_rate=lr, **options)
    assert_same_run(ours, theirs)


@FAST
@given(
    runs(max_steps=6),
    st.floats(1e-4, 1.0),
    st.floats(0.0, 0.99),
    st.floats(0.5, 0.9999),
    st.floats(1e-10, 1e-3),
    st.floats(0.0, 2.0),
)
def test_adamw_step_matches_torch_adamw(torch, run, lr, beta1, beta2, eps, weight_decay):
    params, grads = run
    options = {"beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": weight_decay}
    theirs = torch_iterates(
        torch,
        torch.optim.AdamW,
        params,
        grads,
        lr=lr,
        betas=(beta1, beta2),
        eps=eps,
        weight_decay=weight_decay,
    )
    ours = our_iterates(adamw_step, params, grads, learning_rate=lr, **options)
    assert_same_run(ours, theirs)


@FAST
@given(runs(), st.floats(1e-4, 1.0))
def test_adamw_without_decay_is_adam_bit_for_bit(run, lr):
    params, grads = run
    plain = our_iterates(adam_step, params, grads, learning_rate=lr)
    decoupled = our_iterates(adamw_step, params, grads, learning_rate=lr, weight_decay=0.0)
    for a, b in zip(plain, decoupled, strict=True):
        assert np.array_equal(a, b)


def test_adamw_differs_from_adam_with_an_l2_gradient(torch):
    """torch's Adam(weight_decay=λ) is Adam + L2; AdamW decays where Adam + L2 does not."""
    params = np.array([1.0, -1.0, 3.0])
    grads = [np.array([0.5, -20.0, 1e-3]), np.array([0.25, -10.0, 2e-3])]
    l2 = torch_iterates(
        torch, torch.optim.Adam, params, grads, lr=0.1, weight_decay=0.5, eps=1e-300
    )
    decoupled = our_iterates(
        adamw_step, params, grads, learning_rate=0.1, weight_decay=0.5, eps=1e-300
    )
    # the first Adam + L2 step moves every coordinate by exactly lr: the decay is lost
    close(l2[0], params - 0.1 * np.sign(grads[0] + 0.5 * params))
    # AdamW shrinks by 1 - lr * lambda = 0.95 first, then takes the same-sized step
    close(decoupled[0], 0.95 * params - 0.1 * np.sign(grads[0]))
    assert np.max(np.abs(l2[1] - decoupled[1])) > 0.05


def test_adamw_refuses_a_decay_that_overflows():
    with pytest.raises(ValueError, match="the decayed params overflowed float64"):
        adamw_step([1e308], [1.0], learning_rate=1.0, weight_decay=5.0)
    with pytest.raises(ValueError, match="weight_decay must be"):
        adamw_step([1.0], [1.0], weight_decay=-0.1)


def test_optimizer_defaults_match_torch_defaults(torch):
    rng = np.random.default_rng(0)
    params, grads = rng.normal(size=4), list(rng.normal(size=(6, 4)))
    for step, optimizer in (
        (adagrad_step, torch.optim.Adagrad),
        (rmsprop_step, torch.optim.RMSprop),
        (adam_step, torch.optim.Adam),
        (adamw_step, torch.optim.AdamW),
    ):
        assert_same_run(
            our_iterates(step, params, grads), torch_iterates(torch, optimizer, params, grads)
        )


def _wavy(x):
    """A smooth test function: sum(sin(x) x^2) + log(sum(exp(x)))."""
    return float(np.sum(np.sin(x) * x**2) - log_softmax(x)[0] + x[0])


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-3, 3)))
def test_numerical_gradient_matches_torch_autograd(torch, x):
    t = torch.tensor(x, requires_grad=True)
    (torch.sum(torch.sin(t) * t**2) + torch.logsumexp(t, 0)).backward()
    close(numerical_gradient(_wavy, x), t.grad.numpy(), rtol=1e-7, atol=1e-7)


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-3, 3)))
def test_numerical_gradient_matches_scipy_approx_fprime(scipy_optimize, x):
    # approx_fprime takes one-sided differences, accurate to O(h) only.
    expected = scipy_optimize.approx_fprime(x, _wavy, 1e-7)
    close(numerical_gradient(_wavy, x), expected, rtol=1e-5, atol=1e-5)


# --- 2. properties ----------------------------------------------------------------------


@FAST
@given(runs(max_steps=1), st.floats(1e-3, 10.0))
def test_sgd_step_is_a_gradient_descent_step(run, lr):
    params, (grad,) = run
    np.testing.assert_array_equal(
        sgd_step(params, grad, learning_rate=lr),
        gradient_descent_step(params, grad, learning_rate=lr),
    )


def _linear_data(seed, n, d):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    return x, x @ rng.normal(size=d) + 0.1 * rng.normal(size=n)


def _mse_grad(w, xb, yb):
    """Mean gradient of (x.w - y)^2 over a batch."""
    return 2 * xb.T @ (xb @ w - yb) / len(yb)


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.integers(1, 3), st.integers(0, 3))
def test_full_batch_minibatch_sgd_is_gradient_descent(seed, n, d, extra):
    x, y = _linear_data(seed, n, d)
    w0 = np.zeros(d)
    ours = minibatch_sgd(
        _mse_grad, x, y, w0, learning_rate=0.05, batch_size=n + extra, n_epochs=4, rng=seed
    )
    expected = gradient_descent(lambda w: _mse_grad(w, x, y), w0, learning_rate=0.05, n_steps=4)
    close(ours, expected, rtol=1e-10, atol=1e-12)


@FAST
@given(st.integers(1, 20), st.integers(1, 8), st.integers(0, 3), st.integers(0, 2**32 - 1))
def test_minibatch_sgd_visits_every_example_once_per_epoch(n, b, n_epochs, seed):
    seen = []

    def record(w, xb, yb):
        seen.append(xb.copy())
        np.testing.assert_array_equal(xb, yb)  # rows of x and y stay paired
        return np.zeros_like(w)

    x = np.arange(float(n))
    path = minibatch_sgd(
        record, x, x, 0.0, learning_rate=0.1, batch_size=b, n_epochs=n_epochs, rng=seed
    )
    per_epoch = iterations_per_epoch(n, b)
    assert path.shape == (n_epochs * per_epoch + 1,)
    assert len(seen) == n_epochs * per_epoch
    for e in range(n_epochs):
        batches = seen[e * per_epoch : (e + 1) * per_epoch]
        assert [len(bt) for bt in batches[:-1]] == [b] * (per_epoch - 1)
        np.testing.assert_array_equal(np.sort(np.concatenate(batches)), x)


def test_minibatch_sgd_is_reproducible_and_batch_one_is_noisier():
    x, y = _linear_data(0, 64, 2)
    kwargs = {"learning_rate": 0.02, "n_epochs": 3}
    sgd = minibatch_sgd(_mse_grad, x, y, np.zeros(2), batch_size=1, rng=7, **kwargs)
    again = minibatch_sgd(_mse_grad, x, y, np.zeros(2), batch_size=1, rng=7, **kwargs)
    np.testing.assert_array_equal(sgd, again)
    full = minibatch_sgd(_mse_grad, x, y, np.zeros(2), batch_size=64, rng=7, **kwargs)
    w_star = np.linalg.lstsq(x, y, rcond=None)[0]
    # three epochs of single-example steps get much closer than three full-batch steps
    assert np.linalg.norm(sgd[-1] - w_star) < np.linalg.norm(full[-1] - w_star) / 5


def test_minibatch_sgd_reports_divergence_with_the_step():
    x = np.ones(4)
    with pytest.raises(ValueError, match=r"diverged at step \d+ of 4000: learning_rate=3"):
        minibatch_sgd(
            lambda w, xb, yb: 2 * w, x, x, 1.0, learning_rate=3.0, batch_size=2, n_epochs=2000
        )


@FAST
@given(runs(), st.floats(1e-3, 1.0), st.booleans())
def test_momentum_zero_is_plain_sgd(run, lr, nesterov):
    params, grads = run
    ours = our_iterates(momentum_step, params, grads, learning_rate=lr, momentum=0.0)
    p = params
    for step, g in zip(ours, grads, strict=True):
        p = sgd_step(p, g, learning_rate=lr)
        np.testing.assert_array_equal(step, p)


@FAST
@given(st.floats(0.0, 0.99), st.integers(1, 30), small)
def test_momentum_velocity_under_a_constant_gradient_is_a_geometric_sum(mu, t, g):
    state = None
    for _ in range(t):
        _, state = momentum_step(0.0, g, state, learning_rate=0.1, momentum=mu)
    close(state.velocity, g * sum(mu**k for k in range(t)), rtol=1e-12, atol=1e-12)


@FAST
@given(runs(max_steps=1), st.floats(1e-3, 1.0))
def test_first_adaptive_steps_have_the_documented_length(run, lr):
    params, (grad,) = run
    big = np.abs(grad) > 1e-3  # where eps is negligible
    # AdaGrad and Adam move each coordinate by lr; RMSprop by lr / sqrt(1 - alpha)
    for new_params, length in (
        (adagrad_step(params, grad, learning_rate=lr)[0], lr),
        (adam_step(params, grad, learning_rate=lr)[0], lr),
        (rmsprop_step(params, grad, learning_rate=lr, alpha=0.75)[0], 2 * lr),
    ):
        moved = np.abs(new_params - params)
        assert np.all(moved <= length * (1 + 1e-12) + 1e-12)
        close(moved[big], length, rtol=1e-4, atol=1e-12)


@FAST
@given(runs(), st.floats(1e-3, 1e3))
def test_adam_is_invariant_to_rescaling_the_gradient(run, scale):
    params, grads = run
    grads = [np.where(np.abs(g) < 1e-3, 1.0, g) for g in grads]  # keep eps negligible
    plain = our_iterates(adam_step, params, grads, learning_rate=0.1, eps=1e-300)
    scaled = our_iterates(
        adam_step, params, [scale * g for g in grads], learning_rate=0.1, eps=1e-300
    )
    close(scaled, plain, rtol=1e-10, atol=1e-12)


def test_state_may_be_a_plain_tuple_and_adagrad_never_forgets():
    p, s = adam_step([1.0, 2.0], [0.5, -0.5])
    assert isinstance(s, AdamState) and s.step == 1
    from_tuple, from_state = adam_step(p, [1.0, 1.0], tuple(s)), adam_step(p, [1.0, 1.0], s)
    np.testing.assert_array_equal(from_tuple[0], from_state[0])
    assert from_tuple[1].step == from_state[1].step == 2
    state, steps = None, []
    for _ in range(5):
        theta, state = adagrad_step(0.0, 1.0, state, learning_rate=1.0)
        steps.append(-theta)
    close(steps, 1 / np.sqrt(np.arange(1, 6)), rtol=1e-9)  # the step shrinks like 1/sqrt(t)


def _adam_peak(step, params, grad, previous):
    tracemalloc.start()
    result = step(params, grad, previous, learning_rate=1e-3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def test_adam_step_memory_stays_within_five_parameter_arrays():
    """One line per equation costs temporaries: three outputs plus two at the peak."""
    params = np.random.default_rng(0).normal(size=1_000_000)
    grad = np.ones_like(params)
    state = adam_step(params, grad)[1]
    for previous in (None, state):
        peak = _adam_peak(adam_step, params, grad, previous)
        assert peak <= 5 * params.nbytes + 64 * 1024, f"peak {peak / params.nbytes:.2f}x params"


def test_memory_lean_adam_stays_within_three_parameter_arrays():
    params = np.random.default_rng(0).normal(size=1_000_000)
    grad = np.ones_like(params)
    state = adam_step(params, grad)[1]
    for previous in (None, state):
        peak = _adam_peak(adam_step_inplace, params, grad, previous)
        assert peak <= 3 * params.nbytes + 64 * 1024, f"peak {peak / params.nbytes:.2f}x params"


@FAST
@given(runs(), st.floats(1e-4, 1.0), st.floats(0.0, 0.999), st.floats(0.0, 0.9999))
def test_memory_lean_adam_gives_the_same_bits_as_the_readable_one(run, lr, beta1, beta2):
    params, grads = run
    ours = lean = params
    state = lean_state = None
    for grad in grads:
        kwargs = {"learning_rate": lr, "beta1": beta1, "beta2": beta2}
        ours, state = adam_step(ours, grad, state, **kwargs)
        lean, lean_state = adam_step_inplace(lean, grad, lean_state, **kwargs)
        np.testing.assert_array_equal(ours, lean)
        assert state.step == lean_state.step
        np.testing.assert_array_equal(state.m, lean_state.m)
        np.testing.assert_array_equal(state.v, lean_state.v)


def test_wrong_state_type_is_a_type_error():
    with pytest.raises(TypeError, match="AdamState"):
        adam_step([1.0], [1.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="non-negative"):
        rmsprop_step([1.0], [1.0], (np.array([-1.0]),))


def _loop_has_converged(losses, tol, patience):
    """The rule written as a plain loop: count consecutive small changes."""
    run = 0
    for t in range(1, len(losses)):
        run = run + 1 if abs(losses[t] - losses[t - 1]) < tol else 0
        if run == patience:
            return t
    return None


@FAST
@given(
    st.lists(st.sampled_from([0.0, 0.01, 0.1, 1.0, 2.0]), min_size=1, max_size=30),
    st.sampled_from([0.005, 0.05, 0.5, 1.5]),
    st.integers(1, 5),
)
def test_has_converged_matches_a_plain_loop(steps, tol, patience):
    losses = 100.0 - np.cumsum(steps)
    assert has_converged(losses, tol=tol, patience=patience) == _loop_has_converged(
        losses, tol, patience
    )


@FAST
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_convex_quadratics_pass_and_saddles_fail(d, seed):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(d, d))
    psd, c = m @ m.T, rng.normal(size=d)
    lo, hi = -rng.uniform(0.5, 2, size=d), rng.uniform(0.5, 2, size=d)
    assert is_convex_on(lambda x: x @ psd @ x + c @ x, lo, hi, n=200, rng=seed)
    saddle = np.diag(np.r_[1.0, -np.ones(d - 1)]) if d > 1 else -np.eye(1)
    assert not is_convex_on(lambda x: x @ saddle @ x, lo, hi, n=200, rng=seed)


def test_is_convex_on_sums_of_convex_losses():
    y = np.array([1.0, 0.0, 2.0])
    mse = lambda p: mean_squared_error(y, p)  # noqa: E731
    l1 = lambda p: float(np.abs(p).sum())  # noqa: E731
    assert is_convex_on(lambda p: mse(p) + 0.5 * l1(p), -5 * np.ones(3), 5 * np.ones(3), rng=1)
    assert not is_convex_on(lambda p: float(np.sum(np.cos(p))), -np.ones(3), np.ones(3), rng=1)


# --- 3. numerical_gradient on known gradients --------------------------------------------


@FAST
@given(st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_numerical_gradient_of_a_quadratic_form(d, seed):
    rng = np.random.default_rng(seed)
    a, x = rng.normal(size=(d, d)), rng.normal(size=d)
    close(numerical_gradient(lambda v: v @ a @ v, x), (a + a.T) @ x, rtol=1e-8, atol=1e-8)


@FAST
@given(hnp.arrays(np.float64, shapes, elements=st.floats(-5, 5)))
def test_numerical_gradient_recovers_softmax_sigmoid_and_mse_grads(z):
    flat = z.ravel()
    logsumexp = lambda v: float(-log_softmax(v)[0] + v[0])  # noqa: E731
    close(numerical_gradient(logsumexp, flat), softmax(flat), rtol=1e-7, atol=1e-8)
    total_sigmoid = lambda v: float(np.sum(sigmoid(v)))  # noqa: E731
    close(numerical_gradient(total_sigmoid, z), sigmoid_grad(z), rtol=1e-7, atol=1e-8)
    y = np.zeros_like(z)
    close(
        numerical_gradient(lambda p: mean_squared_error(y, p), z),
        mean_squared_error_grad(y, z),
        rtol=1e-7,
        atol=1e-8,
    )


@FAST
@given(hnp.arrays(np.float64, shapes, elements=small), st.data())
def test_partial_derivative_is_one_entry_of_the_gradient(x, data):
    i = data.draw(st.integers(-x.size, x.size - 1))
    f = lambda v: float(np.sum(np.tanh(v) * np.arange(v.size).reshape(v.shape)))  # noqa: E731
    assert partial_derivative(f, x, i) == numerical_gradient(f, x).ravel()[i]


def test_numerical_gradient_of_linear_functions_and_scalars():
    c = np.array([3.0, -0.5, 0.25])
    close(numerical_gradient(lambda v: c @ v, np.array([1.0, -2.0, 7.0])), c, rtol=1e-9)
    assert isinstance(numerical_gradient(np.square, 3.0), float)
    close(numerical_gradient(np.square, 3.0), 6.0, rtol=1e-9)


def test_has_converged_with_fewer_changes_than_patience():
    """Regression (found by hypothesis): four losses, patience 5, used to raise."""
    from dlterms import has_converged

    assert has_converged([0.0, 0.0, 0.0, 0.0], tol=0.005, patience=5) is None


# --- properties ---------------------------------------------------------------


@PROPERTY
@given(
    hnp.arrays(np.float64, st.integers(1, 4), elements=st.floats(0.1, 10)),
    hnp.arrays(np.float64, 4, elements=st.floats(-100, 100)),
    st.floats(0.01, 1.0),
)
def test_gradient_descent_converges_on_a_quadratic_for_small_steps(a, x0, fraction):
    # f(x) = sum(a x^2) / 2 has gradient a x; a step of eta < 1 / max(a) contracts.
    x0 = x0[: a.size]
    eta = fraction / a.max()
    path = gradient_descent(lambda x: a * x, x0, learning_rate=eta, n_steps=200)
    assert path.shape == (201, a.size)
    np.testing.assert_array_equal(path[0], x0)
    assert np.all(np.diff(np.abs(path), axis=0) <= 0)
    bound = (1 - eta * a.min()) ** 200 * np.abs(x0)
    assert np.all(np.abs(path[-1]) <= bound * (1 + 1e-9) + 1e-300)
    np.testing.assert_array_equal(path[1], gradient_descent_step(x0, a * x0, learning_rate=eta))


@PROPERTY
@given(st.floats(2.5, 100), st.floats(0.1, 10))
def test_gradient_descent_reports_divergence_with_the_step(factor, a):
    # eta > 2 / a makes |x| grow by |1 - eta a| > 1 per step, until it overflows.
    with pytest.raises(ValueError, match=r"diverged at step \d+ .*too large") as info:
        gradient_descent(lambda x: a * x, 1.0, learning_rate=factor / a, n_steps=100_000)
    step = int(re.search(r"step (\d+)", str(info.value)).group(1))
    # |x_t| = (factor - 1)^t passes 1e300 (where a * x or eta * grad may overflow) no sooner
    assert step >= np.log(1e300) / np.log(factor - 1)


def test_adam_step_near_the_float_limit_is_finite_or_refused():
    big = np.finfo(np.float64).max
    # (1 - beta1) * g with g = max is finite; the update of a moderate parameter is too
    params, state = adam_step(np.array([1.0, 2.0]), np.array([1e150, -1e150]))
    assert np.isfinite(params).all() and np.isfinite(state.v).all()
    # g**2 of max is beyond float64: the second moment cannot be stored
    with pytest.raises(ValueError, match=r"second moment v overflowed float64; scale the loss"):
        adam_step(np.array([1.0, 2.0]), np.array([big, -big]))


def test_functions_that_overflow_near_the_float_range_are_refused_by_name():
    # x**2 at 1e200 overflows inside f: a clear error naming the point, not a numpy warning
    with np.errstate(all="raise"):
        with pytest.raises(ValueError, match=r"f must return a finite number; got inf"):
            numerical_gradient(lambda x: np.sum(x**2), np.array([1e200, 1.0]), h=1e190)
        with pytest.raises(ValueError, match=r"f must return a finite number; got inf"):
            partial_derivative(lambda x: np.sum(x**2), np.array([1e200, 1.0]), 1)
        with pytest.raises(ValueError, match=r"f must return a finite number; got inf"):
            is_convex_on(lambda x: x @ x, [-1e200, 0.0], [1e200, 1.0], n=5, rng=0)
        # where f stays finite, the answer is finite
        assert numerical_gradient(np.sum, np.array([1e300, -1e300]), h=1e290).tolist() == [1.0, 1.0]


def test_adam_step_refuses_an_update_beyond_float64():
    # a state with m at the float limit and v = 0 asks for a step of max / eps
    big = np.finfo(np.float64).max
    state = AdamState(3, np.array([0.1, big]), np.array([1.0, 0.0]))
    with np.errstate(all="raise"):
        with pytest.raises(ValueError, match=r"the updated params overflowed float64"):
            adam_step(np.array([1e300, -1e300]), np.array([0.0, 0.0]), state)
