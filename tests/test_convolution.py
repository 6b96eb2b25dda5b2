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
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    avg_pool2d,
    conv2d,
    conv2d_backward,
    conv2d_output_size,
    conv_layer,
    conv_transpose2d,
    convolve2d_true,
    depthwise_separable_conv2d,
    global_avg_pool2d,
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
@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=4
    )
)
def test_receptive_field_matches_the_support_of_a_torch_gradient(torch, layers):
    F = torch.nn.functional
    kernels, strides, dilations = (list(column) for column in zip(*layers, strict=True))
    field = receptive_field(kernels, strides, dilations)
    # All-ones kernels on a long 1-D input, through the real conv stack: the gradient of
    # one final unit is positive exactly on the input pixels that unit can see; the field
    # is their span (a stride or dilation can skip pixels inside it).
    x = torch.ones((1, 1, 1, field + 40), dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d in layers:
        w = torch.ones((1, 1, 1, k), dtype=torch.float64)
        y = F.conv2d(y, w, stride=(1, s), dilation=(1, d))
    assert y.shape[-1] >= 1
    y[..., 0].sum().backward()
    seen = np.flatnonzero(x.grad.numpy()[0, 0, 0] > 0)
    assert seen[-1] - seen[0] + 1 == field
    assert len(seen) <= field
    if all(s == 1 for s in strides) and all(d == 1 for d in dilations):
        assert len(seen) == field  # no gaps: every pixel in the span is seen


def test_receptive_field_counts_every_pixel_of_a_dilated_stack_without_gaps(torch):
    # 3-tap kernels with dilations 1, 2, 4 (WaveNet, DeepLab): 15 pixels, all seen
    x = torch.ones((1, 1, 1, 40), dtype=torch.float64, requires_grad=True)
    y = x
    for d in (1, 2, 4):
        y = torch.nn.functional.conv2d(y, torch.ones((1, 1, 1, 3), dtype=torch.float64), dilation=d)
    y[..., 0].sum().backward()
    assert np.count_nonzero(x.grad.numpy()) == receptive_field([3, 3, 3], dilations=[1, 2, 4]) == 15
    # one dilated layer alone has gaps: 3 taps spread over 9 pixels
    assert receptive_field([3], dilations=[4]) == 9


def test_receptive_field_examples_and_errors():
    assert receptive_field([3]) == 3
    assert receptive_field([3, 3], [1, 1]) == receptive_field((3, 3)) == 5
    assert receptive_field(np.array([2, 2, 2]), np.array([2, 2, 2])) == 8  # 1 + 1 + 2 + 4
    with pytest.raises(ValueError, match="one entry per layer"):
        receptive_field([3, 3], [1])
    with pytest.raises(ValueError, match="dilations must have one entry per layer"):
        receptive_field([3, 3], dilations=[1])
    with pytest.raises(ValueError, match=r"dilations\[0\] must be an integer >= 1"):
        receptive_field([3], dilations=[0])
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


# --- dilation and groups ----------------------------------------------------------------


def grouped_problem(data, max_side=7):
    """Draw x, weight, bias, stride, padding, dilation, groups that fit conv2d."""
    groups = data.draw(st.integers(1, 3), label="groups")
    c_in = groups * data.draw(st.integers(1, 2), label="C_in / groups")
    c_out = groups * data.draw(st.integers(1, 2), label="C_out / groups")
    n = data.draw(st.integers(1, 2), label="N")
    h, w = data.draw(st.integers(1, max_side)), data.draw(st.integers(1, max_side))
    x = data.draw(hnp.arrays(np.float64, (n, c_in, h, w), elements=small), label="x")
    stride, padding = data.draw(pairs, label="stride"), data.draw(paddings, label="padding")
    dilation = data.draw(pairs, label="dilation")
    (p_h, p_w), (d_h, d_w) = _pair(padding), _pair(dilation)
    # the dilated kernel d (k - 1) + 1 must fit in the padded input
    k_h = data.draw(st.integers(1, max(1, min(4, (h + 2 * p_h - 1) // d_h + 1))), label="kH")
    k_w = data.draw(st.integers(1, max(1, min(4, (w + 2 * p_w - 1) // d_w + 1))), label="kW")
    weight = data.draw(
        hnp.arrays(np.float64, (c_out, c_in // groups, k_h, k_w), elements=small), label="w"
    )
    bias = data.draw(st.none() | hnp.arrays(np.float64, c_out, elements=small), label="bias")
    return x, weight, bias, stride, padding, dilation, groups


@FAST
@given(st.data())
def test_conv2d_with_dilation_and_groups_matches_torch(torch, data):
    F = torch.nn.functional
    x, weight, bias, stride, padding, dilation, groups = grouped_problem(data)
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    expected = F.conv2d(
        as_tensor(torch, x),
        as_tensor(torch, weight),
        None if bias is None else as_tensor(torch, bias),
        **options,
    ).numpy()
    ours = conv2d(x, weight, bias, **options)
    assert_close(ours, expected)
    (p_h, p_w), (s_h, s_w), (d_h, d_w) = _pair(padding), _pair(stride), _pair(dilation)
    assert ours.shape[2:] == (
        conv2d_output_size(x.shape[2], weight.shape[2], stride=s_h, padding=p_h, dilation=d_h),
        conv2d_output_size(x.shape[3], weight.shape[3], stride=s_w, padding=p_w, dilation=d_w),
    )


def test_dilation_equals_a_kernel_with_zeros_between_its_taps():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(1, 2, 7, 7)), rng.normal(size=(3, 2, 2, 3))
    spread = np.zeros((3, 2, 3, 7))  # taps every 2 rows and every 3 columns
    spread[:, :, ::2, ::3] = w
    close(conv2d(x, w, dilation=(2, 3)), conv2d(x, spread))


def test_groups_split_the_channels_into_independent_convolutions():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 4, 5, 5)), rng.normal(size=(6, 2, 3, 3))
    halves = [conv2d(x[:, 2 * g : 2 * g + 2], w[3 * g : 3 * g + 3]) for g in range(2)]
    close(conv2d(x, w, groups=2), np.concatenate(halves, axis=1))


def test_conv2d_rejects_channels_that_groups_do_not_divide():
    x = np.ones((1, 4, 3, 3))
    with pytest.raises(ValueError, match="groups must divide both channel counts"):
        conv2d(x, np.ones((3, 2, 1, 1)), groups=2)
    with pytest.raises(ValueError, match=r"C_in / groups = 2 input channels"):
        conv2d(x, np.ones((2, 4, 1, 1)), groups=2)
    with pytest.raises(ValueError, match="groups must be an integer >= 1"):
        conv2d(x, np.ones((2, 4, 1, 1)), groups=0)
    with pytest.raises(ValueError, match="kernel width must be at most the padded input width"):
        conv2d(x, np.ones((1, 4, 1, 2)), dilation=3)  # the kernel spans 4 > 3 columns
    with pytest.raises(ValueError, match="kernel_size must fit"):
        conv2d_output_size(3, 2, dilation=3)


# --- depthwise separable ------------------------------------------------------------------


@FAST
@given(st.data())
def test_depthwise_separable_conv2d_matches_torch_grouped_then_pointwise(torch, data):
    F, nn = torch.nn.functional, torch.nn
    c_in, mult, c_out = (data.draw(st.integers(1, 3)) for _ in "abc")
    h, w = data.draw(st.integers(3, 6)), data.draw(st.integers(3, 6))
    k = data.draw(st.integers(1, 3))
    stride, padding = data.draw(st.integers(1, 2)), data.draw(st.integers(0, 1))
    x = data.draw(hnp.arrays(np.float64, (2, c_in, h, w), elements=small))
    dw = data.draw(hnp.arrays(np.float64, (c_in * mult, 1, k, k), elements=small))
    pw = data.draw(hnp.arrays(np.float64, (c_out, c_in * mult, 1, 1), elements=small))
    db = data.draw(hnp.arrays(np.float64, c_in * mult, elements=small))
    pb = data.draw(hnp.arrays(np.float64, c_out, elements=small))
    z = F.conv2d(
        as_tensor(torch, x),
        as_tensor(torch, dw),
        as_tensor(torch, db),
        stride=stride,
        padding=padding,
        groups=c_in,
    )
    expected = F.conv2d(z, as_tensor(torch, pw), as_tensor(torch, pb)).numpy()
    ours = depthwise_separable_conv2d(x, dw, pw, db, pb, stride=stride, padding=padding)
    assert_close(ours, expected)
    # the weight counts of the two torch layers are the sizes of our two weights
    depthwise = nn.Conv2d(c_in, c_in * mult, k, groups=c_in, bias=False)
    pointwise = nn.Conv2d(c_in * mult, c_out, 1, bias=False)
    full = nn.Conv2d(c_in, c_out, k, bias=False)
    count = sum(p.numel() for layer in (depthwise, pointwise) for p in layer.parameters())
    assert count == dw.size + pw.size == c_in * mult * (k * k + c_out)
    assert sum(p.numel() for p in full.parameters()) == c_out * c_in * k * k


def test_depthwise_separable_conv2d_saves_weights_and_rejects_bad_shapes():
    # 64 -> 64 channels with 3 x 3 kernels: 1/64 + 1/9 of the weights
    assert (64 * 9 + 64 * 64) / (64 * 64 * 9) == pytest.approx(1 / 64 + 1 / 9)
    x = np.ones((1, 2, 3, 3))
    with pytest.raises(ValueError, match=r"depthwise_weight must have shape \(C_in \* M, 1"):
        depthwise_separable_conv2d(x, np.ones((2, 2, 3, 3)), np.ones((1, 2, 1, 1)))
    with pytest.raises(ValueError, match=r"depthwise_weight must have shape"):
        depthwise_separable_conv2d(x, np.ones((3, 1, 3, 3)), np.ones((1, 3, 1, 1)))
    with pytest.raises(ValueError, match=r"pointwise_weight must have shape \(C_out, 2, 1, 1\)"):
        depthwise_separable_conv2d(x, np.ones((2, 1, 3, 3)), np.ones((1, 2, 3, 3)))


# --- transposed convolution ----------------------------------------------------------------


def transpose_problem(data, elements=small):
    c_in, c_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    x = data.draw(
        hnp.arrays(np.float64, (data.draw(st.integers(1, 2)), c_in, h, w), elements=elements)
    )
    k_h, k_w = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    weight = data.draw(hnp.arrays(np.float64, (c_in, c_out, k_h, k_w), elements=elements))
    (s_h, s_w), (d_h, d_w) = (
        data.draw(st.tuples(st.integers(1, 3), st.integers(1, 3))) for _ in "sd"
    )
    o_h = data.draw(st.integers(0, max(s_h, d_h) - 1))
    o_w = data.draw(st.integers(0, max(s_w, d_w) - 1))
    full_h = (h - 1) * s_h + d_h * (k_h - 1) + 1 + o_h
    full_w = (w - 1) * s_w + d_w * (k_w - 1) + 1 + o_w
    p_h = data.draw(st.integers(0, (full_h - 1) // 2))
    p_w = data.draw(st.integers(0, (full_w - 1) // 2))
    options = dict(
        stride=(s_h, s_w), padding=(p_h, p_w), output_padding=(o_h, o_w), dilation=(d_h, d_w)
    )
    return x, weight, options


@FAST
@given(st.data())
def test_conv_transpose2d_matches_torch(torch, data):
    F = torch.nn.functional
    x, weight, options = transpose_problem(data)
    bias = data.draw(st.none() | hnp.arrays(np.float64, weight.shape[1], elements=small))
    expected = F.conv_transpose2d(
        as_tensor(torch, x),
        as_tensor(torch, weight),
        None if bias is None else as_tensor(torch, bias),
        **options,
    ).numpy()
    assert_close(conv_transpose2d(x, weight, bias, **options), expected)


@FAST
@given(st.data())
def test_conv_transpose2d_is_the_adjoint_of_conv2d(data):
    # <conv2d(z, w), x> = <z, conv_transpose2d(x, w)>: exact in eighths
    x, weight, options = transpose_problem(data, elements=eighths)
    # an output_padding of at least the stride (allowed when the dilation is larger)
    # gives a size that a conv2d with these options does not map back to x's size
    assume(all(o < s for o, s in zip(options["output_padding"], options["stride"], strict=True)))
    y = conv_transpose2d(x, weight, **options)
    z = data.draw(
        hnp.arrays(np.float64, y.shape[:1] + (weight.shape[1],) + y.shape[2:], elements=eighths)
    )
    forward = dict(options)
    del forward["output_padding"]
    down = conv2d(z, weight, **forward)
    assert down.shape == x.shape  # output_padding picks exactly this input size back
    assert np.sum(down * x) == np.sum(z * y)


def test_conv2d_backward_input_gradient_is_a_transposed_convolution():
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=(1, 2, 7, 6)), rng.normal(size=(3, 2, 3, 3))
    g = rng.normal(size=conv2d(x, w, stride=2, padding=1).shape)
    grad_x = conv2d_backward(x, w, g, stride=2, padding=1)[0]
    close(grad_x, conv_transpose2d(g, w, stride=2, padding=1, output_padding=(0, 1)))


def test_conv_transpose2d_errors_and_overflow():
    x = np.ones((1, 1, 2, 2))
    with pytest.raises(ValueError, match="output_padding must be smaller than the stride"):
        conv_transpose2d(x, np.ones((1, 1, 2, 2)), stride=2, output_padding=2)
    with pytest.raises(ValueError, match="padding must leave at least one output pixel"):
        conv_transpose2d(x, np.ones((1, 1, 1, 1)), padding=1)
    with pytest.raises(ValueError, match=r"weight must have shape \(C_in, C_out, kH, kW\)"):
        conv_transpose2d(x, np.ones((2, 1, 2, 2)))
    # two copies of 2**1022 overlap: the partial products 2**1023 * 0.75 add past the max,
    # while the bias brings the exact sum back
    big = 2.0**1023
    with np.errstate(all="raise"):
        out = conv_transpose2d([[[[big, big]]]], [[[[0.75, 0.75]]]], [-big])
    assert out.tolist() == [[[[-big / 4, big / 2, -big / 4]]]]
    with pytest.raises(ValueError, match="the transposed convolution output overflows float64"):
        conv_transpose2d([[[[big, big]]]], [[[[1.0, 1.0]]]])


# --- global average pooling -------------------------------------------------------------------


@FAST
@given(st.data())
def test_global_avg_pool2d_matches_torch_adaptive_avg_pool(torch, data):
    F = torch.nn.functional
    x = images(data, max_side=8, elements=moderate)
    expected = F.adaptive_avg_pool2d(as_tensor(torch, x), 1).numpy()
    assert_close(global_avg_pool2d(x, keepdims=True), expected)
    assert_close(global_avg_pool2d(x), expected[:, :, 0, 0])
    assert global_avg_pool2d(x).shape == x.shape[:2]


def test_global_avg_pool2d_accepts_any_size_and_refuses_bad_keepdims():
    assert global_avg_pool2d(np.full((1, 3, 5, 7), 2.0)).tolist() == [[2.0, 2.0, 2.0]]
    assert global_avg_pool2d(np.full((1, 1, 4, 4), 1.7e308)).tolist() == [[1.7e308]]
    with pytest.raises(TypeError, match="keepdims"):
        global_avg_pool2d(np.ones((1, 1, 2, 2)), keepdims=1)
