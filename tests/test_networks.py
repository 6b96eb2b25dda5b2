"""dlterms.networks: PyTorch oracles, hypothesis properties and finite-difference gradients.

PyTorch (CPU, float64) is the independent implementation: ``torch.nn.functional.linear``
chains for the forward passes, ``torch.nn.Linear`` for parameter counts and autograd for
the residual block's input gradient. It is loaded through ``pytest.importorskip``.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import as_tensor
from hypothesis import given, settings
from hypothesis import strategies as st

import dlterms
from dlterms import (
    bottleneck,
    count_parameters,
    dense,
    init_mlp,
    mlp_backward,
    mlp_forward,
    network_depth,
    network_width,
    residual,
    residual_block,
    residual_block_grad,
)

FAST = settings(max_examples=30, deadline=None, database=None)

layer_sizes = st.lists(st.integers(1, 6), min_size=2, max_size=5)
seeds = st.integers(0, 2**32 - 1)


def _random_params(sizes, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    return [
        (scale * rng.normal(size=(a, b)), rng.normal(size=b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _block(d, k, seed):
    """Input batch, block weights and an upstream gradient for a d -> k -> d block."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4))
    return (
        rng.normal(size=(n, d)),
        rng.normal(size=(d, k)),
        rng.normal(size=k),
        rng.normal(size=(k, d)),
        rng.normal(size=d),
        rng.normal(size=(n, d)),
    )


def _torch_block(torch, x, w1, b1, w2, b2, skip):
    f = torch.nn.functional
    branch = f.linear(
        torch.relu(f.linear(x, as_tensor(torch, w1).T, as_tensor(torch, b1))),
        as_tensor(torch, w2).T,
    )
    branch = branch + as_tensor(torch, b2)
    return x + branch if skip else branch


# --- PyTorch oracles ---------------------------------------------------------------------

#: Every name of the one activation registry, for hidden and output layers alike.
ALL_ACTIVATIONS = ["leaky_relu", "linear", "relu", "sigmoid", "softmax", "tanh"]


def _torch_activation(torch, name, h):
    if name == "softmax":
        return torch.softmax(h, dim=-1)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(h, 0.01)
    return h if name == "linear" else getattr(torch, name)(h)


@FAST
@given(
    layer_sizes,
    seeds,
    st.sampled_from(ALL_ACTIVATIONS),
    st.sampled_from(ALL_ACTIVATIONS),
    st.integers(1, 4),
)
def test_mlp_forward_matches_a_torch_linear_chain(torch, sizes, seed, act, out_act, n):
    params = _random_params(sizes, seed)
    x = np.random.default_rng(seed + 1).normal(size=(n, sizes[0]))
    h = as_tensor(torch, x)
    for i, (w, b) in enumerate(params):
        h = torch.nn.functional.linear(h, as_tensor(torch, w).T, as_tensor(torch, b))
        h = _torch_activation(torch, out_act if i == len(params) - 1 else act, h)
    ours = mlp_forward(x, params, activation=act, output_activation=out_act)
    np.testing.assert_allclose(ours, h.numpy(), rtol=1e-10, atol=1e-12)


def _torch_mlp(torch, x, params, act, out_act):
    """The forward pass as a torch graph; returns the output and the leaf tensors."""
    leaves = [as_tensor(torch, x, grad=True)]
    h = leaves[0]
    for i, (w, b) in enumerate(params):
        wt, bt = as_tensor(torch, w, grad=True), as_tensor(torch, b, grad=True)
        leaves += [wt, bt]
        h = torch.nn.functional.linear(h, wt.T, bt)
        h = _torch_activation(torch, out_act if i == len(params) - 1 else act, h)
    return h, leaves


@FAST
@given(
    layer_sizes,
    seeds,
    st.sampled_from(ALL_ACTIVATIONS),
    st.sampled_from(ALL_ACTIVATIONS),
    st.integers(0, 3),
)
def test_mlp_backward_matches_torch_autograd(torch, sizes, seed, act, out_act, n):
    params = _random_params(sizes, seed)
    rng = np.random.default_rng(seed + 2)
    x = rng.normal(size=(n, sizes[0]) if n else sizes[0])  # n = 0: a single 1-D example
    g = rng.normal(size=(n, sizes[-1]) if n else sizes[-1])
    out, leaves = _torch_mlp(torch, x, params, act, out_act)
    (out * as_tensor(torch, g)).sum().backward()
    grad_x, grads = mlp_backward(x, params, g, activation=act, output_activation=out_act)
    ours = [grad_x, *(a for pair in grads for a in pair)]
    for mine, leaf in zip(ours, leaves, strict=True):
        np.testing.assert_allclose(mine, leaf.grad.numpy(), rtol=1e-9, atol=1e-12)


@FAST
@given(st.lists(st.integers(1, 40), min_size=2, max_size=5), st.booleans())
def test_count_parameters_matches_torch_linear_layers(torch, sizes, bias):
    layers = [torch.nn.Linear(a, b, bias=bias) for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    assert count_parameters(sizes, bias=bias) == sum(
        p.numel() for layer in layers for p in layer.parameters()
    )


@FAST
@given(st.integers(1, 5), st.integers(1, 5), seeds, st.booleans())
def test_residual_block_and_its_gradient_match_torch_autograd(torch, d, k, seed, skip):
    x, w1, b1, w2, b2, g = _block(d, k, seed)
    xt = as_tensor(torch, x, grad=True)
    yt = _torch_block(torch, xt, w1, b1, w2, b2, skip)
    (yt * as_tensor(torch, g)).sum().backward()
    np.testing.assert_allclose(
        residual_block(x, w1, b1, w2, b2, skip=skip), yt.detach().numpy(), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        residual_block_grad(x, w1, b1, w2, b2, g, skip=skip),
        xt.grad.numpy(),
        rtol=1e-12,
        atol=1e-12,
    )


@FAST
@given(st.integers(2, 6), st.integers(0, 4), seeds, st.booleans())
def test_bottleneck_matches_torch(torch, d, extra, seed, skip):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, d))
    d_out = d if skip else d + extra
    x = rng.normal(size=(3, d))
    wd, bd = rng.normal(size=(d, k)), rng.normal(size=k)
    wu, bu = rng.normal(size=(k, d_out)), rng.normal(size=d_out)
    f = torch.nn.functional
    expected = f.linear(
        torch.relu(f.linear(as_tensor(torch, x), as_tensor(torch, wd).T, as_tensor(torch, bd))),
        as_tensor(torch, wu).T,
        as_tensor(torch, bu),
    )
    if skip:
        expected = expected + as_tensor(torch, x)
    np.testing.assert_allclose(
        bottleneck(x, wd, wu, bd, bu, skip=skip), expected.numpy(), rtol=1e-12, atol=1e-12
    )


# --- properties --------------------------------------------------------------------------


@FAST
@given(layer_sizes, seeds)
def test_init_mlp_shapes_agree_with_depth_width_and_count(sizes, seed):
    params = init_mlp(sizes, rng=seed)
    assert [w.shape for w, _ in params] == list(zip(sizes[:-1], sizes[1:], strict=True))
    assert all(np.all(b == 0) for _, b in params)
    assert network_depth(sizes) == network_depth(params) == len(sizes) - 1
    assert count_parameters(params) == count_parameters(sizes)
    assert count_parameters(sizes) == sum(w.size + b.size for w, b in params)
    for layer in range(-len(sizes), len(sizes)):
        assert network_width(params, layer=layer) == sizes[layer]
    if len(sizes) > 2:
        assert network_width(sizes) == max(sizes[1:-1])


def test_init_mlp_is_reproducible_and_has_the_documented_scale():
    a, b = init_mlp([400, 600, 10], rng=7), init_mlp([400, 600, 10], rng=7)
    for (wa, ba), (wb, bb) in zip(a, b, strict=True):
        assert np.array_equal(wa, wb) and np.array_equal(ba, bb)
    assert np.std(a[0][0]) == pytest.approx(np.sqrt(2 / 1000), rel=0.02)
    he = init_mlp([400, 600], rng=7, scheme="he")
    assert np.std(he[0][0]) == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert not np.array_equal(init_mlp([3, 3], rng=1)[0][0], init_mlp([3, 3], rng=2)[0][0])


def test_count_parameters_of_the_documented_examples():
    assert count_parameters([784, 128, 10]) == 101_770
    assert count_parameters([8, 6, 6, 4]) == 8 * 6 + 6 + 6 * 6 + 6 + 6 * 4 + 4
    assert network_depth([8, 6, 6, 6, 6, 6, 4]) == 6  # 5 hidden layers + output


@FAST
@given(layer_sizes, seeds, st.integers(1, 4))
def test_mlp_forward_returns_one_activation_per_layer(sizes, seed, n):
    params = _random_params(sizes, seed)
    x = np.random.default_rng(seed).normal(size=(n, sizes[0]))
    acts = mlp_forward(x, params, return_activations=True)
    assert len(acts) == network_depth(params) + 1
    assert [a.shape for a in acts] == [(n, s) for s in sizes]
    np.testing.assert_array_equal(acts[0], x)
    np.testing.assert_array_equal(acts[-1], mlp_forward(x, params))
    assert all(np.all(a >= 0) for a in acts[1:-1])  # ReLU hidden layers
    probs = mlp_forward(x, params, output_activation="softmax")
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-12)


@FAST
@given(layer_sizes, seeds)
def test_linear_activations_collapse_to_one_dense_layer(sizes, seed):
    params = _random_params(sizes, seed, scale=0.5)
    x = np.random.default_rng(seed).normal(size=(3, sizes[0]))
    weight, bias = params[0]
    for w, b in params[1:]:
        weight, bias = weight @ w, bias @ w + b
    np.testing.assert_allclose(
        mlp_forward(x, params, activation="linear"), dense(x, weight, bias), rtol=1e-9, atol=1e-9
    )


def test_single_example_and_batch_agree():
    params = _random_params([3, 5, 2], 0)
    x = np.random.default_rng(0).normal(size=(4, 3))
    batch = mlp_forward(x, params)
    for i in range(4):
        np.testing.assert_allclose(mlp_forward(x[i], params), batch[i], rtol=1e-14)


@FAST
@given(st.integers(1, 5), st.integers(1, 5), seeds)
def test_residual_block_with_zero_branch_is_the_identity_and_passes_the_gradient(d, k, seed):
    x, w1, b1, _, _, g = _block(d, k, seed)
    zero_w2, zero_b2 = np.zeros((k, d)), np.zeros(d)
    np.testing.assert_array_equal(residual_block(x, w1, b1, zero_w2, zero_b2), x)
    np.testing.assert_array_equal(residual_block_grad(x, w1, b1, zero_w2, zero_b2, g), g)
    assert np.all(residual_block_grad(x, w1, b1, zero_w2, zero_b2, g, skip=False) == 0)


@FAST
@given(st.integers(1, 5), st.integers(1, 5), seeds)
def test_residual_block_is_x_plus_the_plain_block(d, k, seed):
    x, w1, b1, w2, b2, g = _block(d, k, seed)
    np.testing.assert_allclose(
        residual_block(x, w1, b1, w2, b2),
        residual(x, lambda v: residual_block(v, w1, b1, w2, b2, skip=False)),
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        residual_block_grad(x, w1, b1, w2, b2, g) - g,
        residual_block_grad(x, w1, b1, w2, b2, g, skip=False),
        rtol=1e-12,
        atol=1e-12,
    )


def test_residual_refuses_a_branch_that_changes_the_shape():
    with pytest.raises(ValueError, match=r"fn must keep the shape of x"):
        residual(np.ones((2, 3)), lambda v: v[:, :2])
    with pytest.raises(ValueError, match=r"fn must keep the shape"):
        residual(np.ones(3), lambda v: np.ones((1, 3)))  # would broadcast: refused
    with pytest.raises(ValueError, match=r"weight2 must have shape"):
        residual_block(np.ones(3), np.ones((3, 2)), None, np.ones((2, 4)), None)
    with pytest.raises(TypeError, match=r"fn must be callable"):
        residual(np.ones(3), 2.0)


def test_residual_calls_fn_on_a_copy():
    x = np.array([1.0, 2.0])

    def clobber(v):
        v[:] = 100.0
        return np.zeros_like(v)

    assert residual(x, clobber).tolist() == [1.0, 2.0]
    assert x.tolist() == [1.0, 2.0]


def test_bottleneck_must_be_narrower_than_both_ends():
    x = np.ones((2, 4))
    with pytest.raises(ValueError, match=r"narrower than the layers around it"):
        bottleneck(x, np.ones((4, 4)), np.ones((4, 4)))
    with pytest.raises(ValueError, match=r"narrower"):
        bottleneck(x, np.ones((4, 3)), np.ones((3, 2)))  # k = 3 >= d_out = 2
    with pytest.raises(ValueError, match=r"d_out must equal d_in"):
        bottleneck(x, np.ones((4, 1)), np.ones((1, 6)), skip=True)
    with pytest.raises(ValueError, match=r"one row per bottleneck unit"):
        bottleneck(x, np.ones((4, 1)), np.ones((2, 4)))


def test_bottleneck_with_linear_code_is_a_rank_k_map():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(10, 6))
    y = bottleneck(x, rng.normal(size=(6, 2)), rng.normal(size=(2, 6)), activation="linear")
    assert np.linalg.matrix_rank(y) == 2


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: network_width([3, 2]), ValueError, r"no hidden layer"),
        (lambda: network_width([3, 4, 2], layer=3), ValueError, r"layer must be in \[-3, 2\]"),
        (lambda: network_depth("784-128-10"), TypeError, r"architecture must be a list"),
        (lambda: network_depth([3, 0, 2]), ValueError, r"layer_sizes\[1\] must be"),
        (lambda: count_parameters([3, 2], bias=1), TypeError, r"bias must be True or False"),
        (lambda: init_mlp([3, 2], scheme="xavier"), ValueError, r"scheme must be one of"),
        (
            lambda: mlp_forward([1.0], [(np.ones((1, 1)), None)], activation="mish"),
            ValueError,
            r"activation must be one of 'gelu', 'leaky_relu', 'linear', 'relu', 'sigmoid', "
            r"'silu', 'softmax', 'softplus', 'tanh'; got 'mish'\.",
        ),
        (lambda: mlp_forward([1.0], [np.ones((1, 1))]), TypeError, r"params\[0\] must be a"),
        (
            lambda: mlp_forward([1.0, 2.0], [(np.ones((2, 3)), None), (np.ones((2, 1)), None)]),
            ValueError,
            r"params\[1\] weight must have 3 rows",
        ),
        (
            lambda: mlp_forward([1.0, 2.0], [(np.ones((2, 3)), np.ones(2))]),
            ValueError,
            r"params\[0\] bias must have shape",
        ),
    ],
)
def test_bad_options_are_explained(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


# --- gradients against central finite differences -----------------------------------------


@pytest.mark.parametrize("skip", [True, False])
@pytest.mark.parametrize("seed", range(5))
def test_residual_block_grad_matches_finite_differences(seed, skip):
    x, w1, b1, w2, b2, g = _block(4, 3, seed)
    # these seeds keep every pre-activation away from the ReLU kink, where FD is undefined
    assert np.min(np.abs(x @ w1 + b1)) > 1e-3
    eps = 1e-6
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[idx] = eps
        up = np.sum(g * residual_block(x + step, w1, b1, w2, b2, skip=skip))
        down = np.sum(g * residual_block(x - step, w1, b1, w2, b2, skip=skip))
        numeric[idx] = (up - down) / (2 * eps)
    np.testing.assert_allclose(
        residual_block_grad(x, w1, b1, w2, b2, g, skip=skip), numeric, rtol=1e-6, atol=1e-7
    )


def _central_difference(f, array, eps=1e-6):
    """Gradient of the scalar f() with respect to `array`, which f reads (edited in place)."""
    numeric = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        saved = array[idx]
        array[idx] = saved + eps
        up = f()
        array[idx] = saved - eps
        down = f()
        array[idx] = saved
        numeric[idx] = (up - down) / (2 * eps)
    return numeric


@pytest.mark.parametrize("out_act", ["linear", "sigmoid", "softmax"])
@pytest.mark.parametrize("act", ["sigmoid", "linear"])  # smooth, so FD is exact to O(eps^2)
def test_mlp_backward_matches_finite_differences(act, out_act):
    params = _random_params([3, 4, 2, 3], 11)
    rng = np.random.default_rng(12)
    x, g = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))

    def loss():
        return np.sum(g * mlp_forward(x, params, activation=act, output_activation=out_act))

    grad_x, grads = mlp_backward(x, params, g, activation=act, output_activation=out_act)
    np.testing.assert_allclose(grad_x, _central_difference(loss, x), rtol=1e-6, atol=1e-8)
    for (w, b), (dw, db) in zip(params, grads, strict=True):
        np.testing.assert_allclose(dw, _central_difference(loss, w), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(db, _central_difference(loss, b), rtol=1e-6, atol=1e-8)


def test_mlp_backward_refuses_a_gradient_of_the_wrong_shape():
    params = _random_params([3, 2], 0)
    with pytest.raises(ValueError, match=r"grad_output must have the same shape"):
        mlp_backward(np.ones((2, 3)), params, np.ones((2, 3)))


# --- the edges of the float64 range (regression tests; generated extremes for every
# --- export run in test_reference_common.py) ------------------------------------------


@pytest.mark.usefixtures("warnings_are_errors")
def test_residual_block_grad_validates_bias2():
    w1, w2 = np.ones((2, 3)), np.ones((3, 2))
    for bad, match in [([np.nan, 1.0], "bias2 must be finite"), ([1.0], "bias2 must have")]:
        with pytest.raises(ValueError, match=match):
            dlterms.residual_block_grad([1.0, 2.0], w1, None, w2, bad, [1.0, 0.0])


def test_extreme_inputs_give_finite_outputs_and_gradients_or_a_clear_error():
    big = np.finfo(np.float64).max
    w1, w2 = np.array([[1.0], [-0.5]]), np.array([[0.5, 0.5]])
    # x @ w1 adds MAX twice on the way; the block's output MAX / 4 + MAX fits
    x = np.array([big, big])
    assert residual_block(x * 0.5, w1, None, w2, None).tolist() == [big * 0.5 + big / 8] * 2
    grad = residual_block_grad(x, w1, None, w2, None, [big / 4, big / 4])
    assert np.all(np.isfinite(grad))
    out = mlp_forward([[big, big]], [(w1, None)], activation="linear")
    assert out.tolist() == [[big / 2]]
    with pytest.raises(ValueError, match=r"x \+ fn\(x\) overflows float64"):
        residual(x, lambda v: v)
