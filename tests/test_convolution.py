"""dlterms.convolution against PyTorch, SciPy and NumPy, plus properties and finite differences.

Oracles: PyTorch CPU float64 autograd for the backward passes, the layer and the receptive
field; ``scipy.signal.convolve2d`` / ``correlate2d`` for true convolution versus
cross-correlation; ``numpy.pad`` and ``numpy.ndim``. Each library is loaded through
``pytest.importorskip``, so a missing oracle skips its tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from _strategies import (
    ORACLE,
    PROPERTY,
    as_tensor,
    assert_close,
    eighths,
    images,
    moderate,
    small,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    avg_pool2d,
    conv2d,
    conv2d_backward,
    conv2d_output_size,
    conv_layer,
    convolve2d_true,
    max_pool2d,
    max_pool2d_backward,
    pad2d,
    receptive_field,
    relu,
    sigmoid,
    tensor_rank,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
FEW = settings(max_examples=10, deadline=None, database=None)
pairs = st.integers(1, 2) | st.tuples(st.integers(1, 3), st.integers(1, 3))
paddings = st.integers(0, 2) | st.tuples(st.integers(0, 2), st.integers(0, 2))


@pytest.fixture(scope="module")
def signal():
    return pytest.importorskip("scipy.signal")


def close(actual, expected, rtol=1e-10, atol=1e-10):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def _pair(value):
    return (value, value) if isinstance(value, int) else value


def conv_problem(data, max_side=6, elements=small):
    """Draw x, weight, stride, padding and a grad_out of the right shape for conv2d."""
    shape = (
        data.draw(st.integers(1, 2), label="N"),
        data.draw(st.integers(1, 3), label="C_in"),
        data.draw(st.integers(1, max_side), label="H"),
        data.draw(st.integers(1, max_side), label="W"),
    )
    x = data.draw(hnp.arrays(np.float64, shape, elements=elements), label="x")
    stride, padding = data.draw(pairs, label="stride"), data.draw(paddings, label="padding")
    p_h, p_w = _pair(padding)
    k_h = data.draw(st.integers(1, min(4, shape[2] + 2 * p_h)), label="kH")
    k_w = data.draw(st.integers(1, min(4, shape[3] + 2 * p_w)), label="kW")
    c_out = data.draw(st.integers(1, 3), label="C_out")
    weight = data.draw(hnp.arrays(np.float64, (c_out, shape[1], k_h, k_w), elements=elements))
    out_shape = conv2d(x, weight, stride=stride, padding=padding).shape
    grad_out = data.draw(hnp.arrays(np.float64, out_shape, elements=elements), label="grad_out")
    return x, weight, grad_out, stride, padding


def central_difference(f, x, h=1e-5):
    """Numerical gradient of the scalar function f at x, one coordinate at a time."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


# --- conv2d_backward ---------------------------------------------------------------


@FAST
@given(st.data())
def test_conv2d_backward_matches_torch_autograd(torch, data):
    F = torch.nn.functional
    x, weight, grad_out, stride, padding = conv_problem(data)
    tx, tw = as_tensor(torch, x, grad=True), as_tensor(torch, weight, grad=True)
    tb = as_tensor(torch, np.zeros(weight.shape[0]), grad=True)
    F.conv2d(tx, tw, tb, stride=stride, padding=padding).backward(as_tensor(torch, grad_out))
    grad_x, grad_weight, grad_bias = conv2d_backward(
        x, weight, grad_out, stride=stride, padding=padding
    )
    close(grad_x, tx.grad.numpy())
    close(grad_weight, tw.grad.numpy())
    close(grad_bias, tb.grad.numpy())


@FEW
@given(st.data())
def test_conv2d_backward_matches_central_differences(data):
    x, weight, grad_out, stride, padding = conv_problem(data, max_side=4)
    bias = data.draw(hnp.arrays(np.float64, weight.shape[0], elements=small))

    def loss(x_, w_, b_):  # L = sum(g * y): its gradient with respect to y is g
        return float(np.sum(grad_out * conv2d(x_, w_, b_, stride=stride, padding=padding)))

    grad_x, grad_weight, grad_bias = conv2d_backward(
        x, weight, grad_out, stride=stride, padding=padding
    )
    close(grad_x, central_difference(lambda v: loss(v, weight, bias), x), rtol=1e-6, atol=1e-6)
    close(grad_weight, central_difference(lambda v: loss(x, v, bias), weight), rtol=1e-6, atol=1e-6)
    close(grad_bias, central_difference(lambda v: loss(x, weight, v), bias), rtol=1e-6, atol=1e-6)


@FAST
@given(st.data())
def test_conv2d_backward_satisfies_the_bilinear_identity(data):
    # y is linear in x and in w, so <g, y> = <grad_x, x> = <grad_w, w> (Euler's theorem)
    eighths = st.integers(-80, 80).map(lambda i: i / 8)  # exact in binary: sums are exact
    x, weight, grad_out, stride, padding = conv_problem(data, elements=eighths)
    grad_x, grad_weight, _ = conv2d_backward(x, weight, grad_out, stride=stride, padding=padding)
    inner = np.sum(grad_out * conv2d(x, weight, stride=stride, padding=padding))
    assert np.sum(grad_x * x) == pytest.approx(inner, rel=1e-12, abs=1e-9)
    assert np.sum(grad_weight * weight) == pytest.approx(inner, rel=1e-12, abs=1e-9)


def test_conv2d_backward_rejects_a_grad_out_of_the_wrong_shape():
    x, w = np.ones((1, 1, 4, 4)), np.ones((2, 1, 3, 3))
    with pytest.raises(ValueError, match=r"grad_out must have shape .*\(1, 2, 2, 2\)"):
        conv2d_backward(x, w, np.ones((1, 2, 3, 3)))
    with pytest.raises(ValueError, match="input channels"):
        conv2d_backward(x, np.ones((2, 3, 3, 3)), np.ones((1, 2, 2, 2)))


# --- max_pool2d_backward ------------------------------------------------------------


def pool_problem(data, elements):
    shape = (
        data.draw(st.integers(1, 2)),
        data.draw(st.integers(1, 2)),
        data.draw(st.integers(1, 6)),
        data.draw(st.integers(1, 6)),
    )
    x = data.draw(hnp.arrays(np.float64, shape, elements=elements), label="x")
    kernel = data.draw(st.tuples(st.integers(1, shape[2]), st.integers(1, shape[3])))
    stride = data.draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    out_shape = max_pool2d(x, kernel, stride=stride).shape
    grad_out = data.draw(hnp.arrays(np.float64, out_shape, elements=small), label="grad_out")
    return x, grad_out, kernel, stride


@FAST
@given(st.data())
def test_max_pool2d_backward_matches_torch_including_ties(torch, data):
    F = torch.nn.functional
    # few distinct values, so windows often hold their maximum twice
    x, grad_out, kernel, stride = pool_problem(data, st.integers(-3, 3).map(float))
    tx = as_tensor(torch, x, grad=True)
    F.max_pool2d(tx, kernel, stride=stride).backward(as_tensor(torch, grad_out))
    close(max_pool2d_backward(x, grad_out, kernel, stride=stride), tx.grad.numpy())


@FEW
@given(st.data())
def test_max_pool2d_backward_matches_central_differences_without_ties(data):
    x, grad_out, kernel, stride = pool_problem(data, small)
    x = np.argsort(np.argsort(x, axis=None)).reshape(x.shape).astype(float)  # distinct values

    def loss(v):
        return float(np.sum(grad_out * max_pool2d(v, kernel, stride=stride)))

    expected = central_difference(loss, x, h=1e-3)  # values are >= 1 apart: no max changes
    close(max_pool2d_backward(x, grad_out, kernel, stride=stride), expected, rtol=1e-8, atol=1e-8)


@FAST
@given(st.data())
def test_max_pool2d_backward_conserves_the_gradient(data):
    x, grad_out, kernel, stride = pool_problem(data, small)
    grad_x = max_pool2d_backward(x, grad_out, kernel, stride=stride)
    assert grad_x.sum() == pytest.approx(grad_out.sum(), rel=1e-12, abs=1e-9)
    # the max is 1-homogeneous: <grad_x, x> = <grad_out, max_pool2d(x)>
    inner = np.sum(grad_out * max_pool2d(x, kernel, stride=stride))
    assert np.sum(grad_x * x) == pytest.approx(inner, rel=1e-9, abs=1e-9)
    # non-overlapping windows: at most one non-zero per window
    if stride is None:
        assert np.count_nonzero(grad_x) <= grad_out.size


# --- true convolution versus cross-correlation -----------------------------------------


@FAST
@given(st.integers(1, 7), st.integers(1, 7), st.data())
def test_convolve2d_true_matches_scipy_and_conv2d_matches_correlate2d(signal, h, w, data):
    x = data.draw(hnp.arrays(np.float64, (h, w), elements=small))
    k_shape = (data.draw(st.integers(1, h)), data.draw(st.integers(1, w)))
    kernel = data.draw(hnp.arrays(np.float64, k_shape, elements=small))
    close(convolve2d_true(x, kernel), signal.convolve2d(x, kernel, mode="valid"))
    ours = conv2d(x[None, None], kernel[None, None])[0, 0]
    close(ours, signal.correlate2d(x, kernel, mode="valid"))


def test_convolution_and_cross_correlation_differ_by_a_flip():
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    assert convolve2d_true(x, k)[0, 0] == 5.0  # 0*3 + 1*2 + 3*1 + 4*0
    assert conv2d(x[None, None], k[None, None])[0, 0, 0, 0] == 19.0  # 0*0 + 1*1 + 3*2 + 4*3
    np.testing.assert_array_equal(
        convolve2d_true(x, k), conv2d(x[None, None], k[::-1, ::-1][None, None])[0, 0]
    )
    with pytest.raises(ValueError, match="kernel height"):
        convolve2d_true(np.ones((2, 2)), np.ones((3, 1)))


# --- padding -------------------------------------------------------------------------


@FAST
@given(st.data())
def test_pad2d_matches_numpy_and_torch_and_conv2d_padding(torch, data):
    F = torch.nn.functional
    x, weight, _, stride, padding = conv_problem(data)
    value = data.draw(small)
    p_h, p_w = _pair(padding)
    expected = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)), constant_values=value)
    np.testing.assert_array_equal(pad2d(x, padding, value=value), expected)
    theirs = F.pad(as_tensor(torch, x), (p_w, p_w, p_h, p_h), value=value).numpy()
    np.testing.assert_array_equal(pad2d(x, padding, value=value), theirs)
    close(
        conv2d(pad2d(x, padding), weight, stride=stride),
        conv2d(x, weight, stride=stride, padding=padding),
    )


def test_same_padding_keeps_the_size_for_odd_kernels():
    x = np.ones((1, 1, 6, 5))
    for k in (1, 3, 5):
        y = conv2d(pad2d(x, (k - 1) // 2), np.ones((1, 1, k, k)))
        assert y.shape == x.shape


# --- the layer ------------------------------------------------------------------------


@FAST
@given(st.data(), st.sampled_from(["relu", "sigmoid", "linear"]))
def test_conv_layer_matches_torch(torch, data, activation):
    F = torch.nn.functional
    x, weight, _, stride, padding = conv_problem(data)
    bias = data.draw(hnp.arrays(np.float64, weight.shape[0], elements=small))
    z = F.conv2d(
        as_tensor(torch, x),
        as_tensor(torch, weight),
        as_tensor(torch, bias),
        stride=stride,
        padding=padding,
    )
    expected = {"relu": F.relu, "sigmoid": torch.sigmoid, "linear": lambda t: t}[activation](z)
    ours = conv_layer(x, weight, bias, stride=stride, padding=padding, activation=activation)
    close(ours, expected.numpy())
    linear = conv2d(x, weight, bias, stride=stride, padding=padding)
    own = {"relu": relu, "sigmoid": sigmoid, "linear": lambda a: a}[activation]
    np.testing.assert_array_equal(ours, own(linear))


def test_conv_layer_rejects_unknown_activations():
    x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    with pytest.raises(ValueError, match="activation must be one of"):
        conv_layer(x, w, activation="softmax")
    with pytest.raises(TypeError, match="activation must be one of"):
        conv_layer(x, w, activation=None)


# --- receptive field -------------------------------------------------------------------


@FAST
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3)), min_size=1, max_size=4))
def test_receptive_field_matches_the_support_of_a_torch_gradient(torch, layers):
    F = torch.nn.functional
    kernels, strides = [k for k, _ in layers], [s for _, s in layers]
    field = receptive_field(kernels, strides)
    # Ones-kernels on a long 1-D input: the gradient of one final unit is positive exactly
    # on the input pixels that unit can see; the field is their span (a stride larger than
    # its kernel skips pixels inside it).
    x = torch.ones((1, 1, 1, field + 40), dtype=torch.float64, requires_grad=True)
    y = x
    for k, s in layers:
        y = F.conv2d(y, torch.ones((1, 1, 1, k), dtype=torch.float64), stride=(1, s))
    assert y.shape[-1] >= 1
    y[..., 0].sum().backward()
    seen = np.flatnonzero(x.grad.numpy()[0, 0, 0] > 0)
    assert seen[-1] - seen[0] + 1 == field


def test_receptive_field_examples_and_errors():
    assert receptive_field([3]) == 3
    assert receptive_field([3, 3], [1, 1]) == receptive_field((3, 3)) == 5
    assert receptive_field(np.array([2, 2, 2]), np.array([2, 2, 2])) == 8  # 1 + 1 + 2 + 4
    with pytest.raises(ValueError, match="one entry per layer"):
        receptive_field([3, 3], [1])
    with pytest.raises(ValueError, match="at least one layer"):
        receptive_field([])
    with pytest.raises(ValueError, match=r"kernel_sizes\[1\] must be an integer >= 1"):
        receptive_field([3, 0])
    with pytest.raises(TypeError, match="sequence of ints"):
        receptive_field(3)


# --- tensor rank ---------------------------------------------------------------------------


@FAST
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=6, min_side=0, max_side=3)))
def test_tensor_rank_matches_numpy_and_torch(torch, x):
    assert tensor_rank(x) == np.ndim(x) == torch.from_numpy(x).dim()
    if x.size:  # nested lists, not only arrays (an empty list cannot show its inner axes)
        assert tensor_rank(x.tolist()) == np.ndim(x)
    assert isinstance(tensor_rank(x), int)


def test_tensor_rank_counts_axes_not_matrix_rank():
    ones = np.ones((3, 3))
    assert tensor_rank(ones) == 2 and np.linalg.matrix_rank(ones) == 1
    assert tensor_rank(["a", "b"]) == 1  # tensors may hold strings
    assert tensor_rank(True) == 0
    with pytest.raises(TypeError, match="numbers, booleans or strings"):
        tensor_rank([{"a": 1}])


# --- against independent implementations -----------------------------------


@ORACLE
@given(st.data())
def test_conv2d_matches_torch(torch, data):
    F = torch.nn.functional
    x = images(data)
    stride = data.draw(st.integers(1, 3) | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = data.draw(st.integers(0, 2) | st.tuples(st.integers(0, 2), st.integers(0, 2)))
    p_h, p_w = (padding, padding) if isinstance(padding, int) else padding
    k_h = data.draw(st.integers(1, x.shape[2] + 2 * p_h))
    k_w = data.draw(st.integers(1, x.shape[3] + 2 * p_w))
    c_out = data.draw(st.integers(1, 3))
    weight = data.draw(hnp.arrays(np.float64, (c_out, x.shape[1], k_h, k_w), elements=small))
    bias = data.draw(st.none() | hnp.arrays(np.float64, c_out, elements=small))
    expected = F.conv2d(
        as_tensor(torch, x),
        as_tensor(torch, weight),
        None if bias is None else as_tensor(torch, bias),
        stride=stride,
        padding=padding,
    ).numpy()
    assert_close(conv2d(x, weight, bias, stride=stride, padding=padding), expected)


def _conv2d_loop(x, weight, stride, padding):
    """The textbook definition, one output pixel at a time."""
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    c_out, _, k_h, k_w = weight.shape
    h_out = (x.shape[2] - k_h) // stride + 1
    w_out = (x.shape[3] - k_w) // stride + 1
    y = np.zeros((x.shape[0], c_out, h_out, w_out))
    for n in range(x.shape[0]):
        for o in range(c_out):
            for i in range(h_out):
                for j in range(w_out):
                    patch = x[n, :, i * stride : i * stride + k_h, j * stride : j * stride + k_w]
                    y[n, o, i, j] = np.sum(patch * weight[o])
    return y


@ORACLE
@given(st.data())
def test_conv2d_matches_a_plain_loop(data):
    x = images(data, max_side=5)
    stride, padding = data.draw(st.integers(1, 2)), data.draw(st.integers(0, 1))
    k = data.draw(st.integers(1, min(x.shape[2:]) + 2 * padding))
    weight = data.draw(hnp.arrays(np.float64, (2, x.shape[1], k, k), elements=small))
    expected = _conv2d_loop(x, weight, stride, padding)
    assert_close(conv2d(x, weight, stride=stride, padding=padding), expected)


@ORACLE
@given(st.data())
def test_max_and_avg_pool2d_match_torch(torch, data):
    F = torch.nn.functional
    x = images(data, max_side=8, elements=moderate)
    kernel = data.draw(st.tuples(st.integers(1, x.shape[2]), st.integers(1, x.shape[3])))
    stride = data.draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    for ours, theirs in [
        (max_pool2d, F.max_pool2d),
        (avg_pool2d, F.avg_pool2d),
    ]:
        expected = theirs(as_tensor(torch, x), kernel, stride=stride).numpy()
        assert_close(ours(x, kernel, stride=stride), expected)


# --- properties ---------------------------------------------------------------


conv_sizes = st.tuples(
    st.integers(1, 2), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)
)


@PROPERTY
@given(conv_sizes, st.integers(1, 3), st.integers(0, 2), st.data())
def test_conv2d_is_linear_in_x_and_sized_by_the_formula(sizes, stride, padding, data):
    n, c_in, c_out, k_h, k_w = sizes
    h = data.draw(st.integers(max(1, k_h - 2 * padding), 7))
    w = data.draw(st.integers(max(1, k_w - 2 * padding), 7))
    x1, x2 = (data.draw(hnp.arrays(np.float64, (n, c_in, h, w), elements=eighths)) for _ in "12")
    weight = data.draw(hnp.arrays(np.float64, (c_out, c_in, k_h, k_w), elements=eighths))
    a, b = data.draw(eighths), data.draw(eighths)

    def f(x):
        return conv2d(x, weight, stride=stride, padding=padding)

    np.testing.assert_allclose(f(a * x1 + b * x2), a * f(x1) + b * f(x2), rtol=1e-9, atol=1e-6)
    h_out = conv2d_output_size(h, k_h, stride=stride, padding=padding)
    w_out = conv2d_output_size(w, k_w, stride=stride, padding=padding)
    assert f(x1).shape == (n, c_out, h_out, w_out)


@PROPERTY
@given(st.integers(1, 50), st.integers(1, 50), st.integers(1, 5), st.integers(0, 5))
def test_conv2d_output_size_counts_window_positions(n, k, s, p):
    if k > n + 2 * p:
        with pytest.raises(ValueError, match="kernel_size"):
            conv2d_output_size(n, k, stride=s, padding=p)
    else:
        assert conv2d_output_size(n, k, stride=s, padding=p) == len(range(0, n + 2 * p - k + 1, s))


@PROPERTY
@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=4, max_dims=4, max_side=6), elements=moderate),
    st.data(),
)
def test_pooling_shape_matches_output_size_and_max_bounds_mean(x, data):
    k = (data.draw(st.integers(1, x.shape[2])), data.draw(st.integers(1, x.shape[3])))
    stride = data.draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    s = k if stride is None else stride
    expected = (
        *x.shape[:2],
        conv2d_output_size(x.shape[2], k[0], stride=s[0]),
        conv2d_output_size(x.shape[3], k[1], stride=s[1]),
    )
    biggest, mean = max_pool2d(x, k, stride=stride), avg_pool2d(x, k, stride=stride)
    assert biggest.shape == mean.shape == expected
    assert np.all(biggest >= mean - 1e-9 * np.abs(mean))
    np.testing.assert_allclose(avg_pool2d(x, 1), x)


def test_avg_pool_of_equal_tiny_values_is_exact():
    """Regression: dividing subnormals before summing rounded the mean above the max."""
    tiny = np.full((1, 1, 1, 2), 1.5e-323)
    assert avg_pool2d(tiny, (1, 2)).item() == 1.5e-323
    assert avg_pool2d(np.full((1, 1, 2, 2), -1.7e308), 2).item() == -1.7e308


def test_conv2d_near_the_float_limit_scales_instead_of_overflowing():
    # 2**1022 * 1 + 2**1022 * 1 + (-2**1022) * 1 = 2**1022: the first partial sum
    # overflows, the exact output does not
    big = 2.0**1022
    x = np.array([[[[big, big, -big]]]])
    w = np.ones((1, 1, 1, 3))
    with np.errstate(all="raise"):
        assert conv2d(x, w).tolist() == [[[[big]]]]
        assert conv_layer(x, w, activation="linear").tolist() == [[[[big]]]]
        assert convolve2d_true(x[0, 0], w[0, 0]).tolist() == [[big]]
        # three 1 x 1 windows: the bias and weight gradients sum big + big - big
        gx, gw, gb = conv2d_backward(np.ones((1, 1, 1, 3)), [[[[0.5]]]], x)
    assert gx.tolist() == [[[[big / 2, big / 2, -big / 2]]]]
    assert gw.tolist() == [[[[big]]]] and gb.tolist() == [big]
    # a bias of 2**1023 with a large output: the exact sum is 2**1023 + 2**1022 < max
    assert conv2d(x, w, [-(2.0**1023)]).tolist() == [[[[-(2.0**1022)]]]]


def test_conv2d_and_its_gradient_refuse_outputs_beyond_float64():
    x = np.full((1, 1, 1, 2), 2.0**1023)
    w = np.ones((1, 1, 1, 2))
    with pytest.raises(ValueError, match=r"the convolution output overflows float64.*rescale"):
        conv2d(x, w)
    with pytest.raises(ValueError, match=r"the weight gradient overflows float64.*rescale"):
        conv2d_backward(x, w, np.full((1, 1, 1, 1), 4.0))
