"""dlterms.sequential: PyTorch oracles, properties, finite differences and the Keras walk-through.

PyTorch (CPU, float64) is the independent implementation: a chain of
``torch.nn.functional.linear`` layers with ``cross_entropy`` on top, differentiated by
autograd, and ``torch.optim.Adam`` for a whole epoch of training. It is loaded through
``pytest.importorskip``. The walk-through tests train small models on the synthetic
drug-trial data and check what the course promises: the loss falls, the model beats
the majority-class baseline on held-out data, a fixed seed reproduces every number, and
a small training set overfits.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlterms import (
    accuracy_score,
    majority_class_predict,
    make_trial_data,
    sequential_forward,
    sequential_loss_grad,
    sparse_categorical_cross_entropy,
)
from dlterms.sequential import Dense, Sequential

FAST = settings(max_examples=30, deadline=None, database=None)

HIDDEN = ["relu", "sigmoid", "tanh", "leaky_relu", "linear"]
LINE = re.compile(
    r"^Epoch (\d+)/(\d+) - loss: \d+\.\d{4} - acc: [01]\.\d{4}"
    r"( - val_loss: \d+\.\d{4} - val_acc: [01]\.\d{4})?$"
)


@st.composite
def stacks(draw, *, softmax_last=True):
    """A random stack: inputs, labels, parameters and activation names."""
    seed = draw(st.integers(0, 2**32 - 1))
    widths = draw(st.lists(st.integers(1, 5), min_size=0, max_size=2))  # hidden layers
    k = draw(st.integers(2, 4))
    n = draw(st.integers(1, 6))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=len(widths), max_size=len(widths)))
    rng = np.random.default_rng(seed)
    sizes = [*widths, k]
    d0 = draw(st.integers(1, 4))
    params = [
        (rng.normal(size=(a, b)), rng.normal(size=b))
        for a, b in zip([d0, *sizes[:-1]], sizes, strict=True)
    ]
    last = "softmax" if softmax_last else draw(st.sampled_from(HIDDEN))
    names = [*hidden, last]  # one name per hidden layer, then the output layer's
    x = 2.0 * rng.normal(size=(n, d0))
    y = rng.integers(0, k, size=n)
    return x, y, params, names


def _torch_stack(torch, x, params, names):
    """Logits (before the final softmax) and the leaf tensors of the parameters."""
    f = torch.nn.functional
    act = {
        "relu": torch.relu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "leaky_relu": f.leaky_relu,
        "linear": lambda z: z,
        "softmax": lambda z: torch.softmax(z, dim=-1),
    }
    leaves = [
        (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
        for w, b in params
    ]
    h = torch.tensor(x)
    for i, ((w, b), name) in enumerate(zip(leaves, names, strict=True)):
        z = h @ w + b
        h = z if i == len(leaves) - 1 and name == "softmax" else act[name](z)
    return h, leaves


# --- PyTorch oracles -------------------------------------------------------------------------


@FAST
@given(stacks(softmax_last=False))
def test_forward_matches_torch(torch, case):
    x, _, params, names = case
    out, _ = _torch_stack(torch, x, params, names)
    np.testing.assert_allclose(
        sequential_forward(x, params, names), out.detach().numpy(), rtol=1e-12, atol=1e-12
    )


@FAST
@given(stacks())
def test_loss_and_gradient_match_torch_autograd(torch, case):
    x, y, params, names = case
    logits, leaves = _torch_stack(torch, x, params, names)
    loss_t = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    loss_t.backward()
    loss, grads = sequential_loss_grad(x, y, params, names)
    assert loss == pytest.approx(loss_t.item(), rel=1e-12, abs=1e-12)
    for (dw, db), (w, b) in zip(grads, leaves, strict=True):
        np.testing.assert_allclose(dw, w.grad.numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(db, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_one_epoch_of_adam_matches_torch(torch):
    """The same network, the same batches in the same order: the same weights after an epoch."""
    x, y = make_trial_data(50, rng=3)
    model = Sequential(
        [Dense(4, "relu", input_dim=1), Dense(3, "tanh"), Dense(2, "softmax")], rng=1
    )
    start = [(w.copy(), b.copy()) for w, b in model.params]
    model.compile(learning_rate=0.01)
    history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)

    names = ["relu", "tanh", "softmax"]
    _, leaves = _torch_stack(torch, x[:1], start, names)
    optimizer = torch.optim.Adam(
        [p for pair in leaves for p in pair], lr=0.01, betas=(0.9, 0.999), eps=1e-8
    )
    weighted = 0.0
    for lo in range(0, 50, 16):
        optimizer.zero_grad()
        h = torch.tensor(x[lo : lo + 16])
        for i, (w, b) in enumerate(leaves):
            h = h @ w + b
            h = torch.relu(h) if i == 0 else torch.tanh(h) if i == 1 else h
        loss = torch.nn.functional.cross_entropy(h, torch.tensor(y[lo : lo + 16]))
        loss.backward()
        optimizer.step()
        weighted += loss.item() * len(y[lo : lo + 16])
    for (w, b), (wt, bt) in zip(model.params, leaves, strict=True):
        np.testing.assert_allclose(w, wt.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, bt.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert history["loss"][0] == pytest.approx(weighted / 50, rel=1e-12)


# --- properties ------------------------------------------------------------------------------


@FAST
@given(stacks())
def test_softmax_output_is_a_distribution_and_loss_matches_keras_form(case):
    x, y, params, names = case
    p = sequential_forward(x, params, names)
    assert np.all(p >= 0) and np.allclose(p.sum(axis=1), 1.0)
    loss, _ = sequential_loss_grad(x, y, params, names)
    if p[np.arange(len(y)), y].min() > 1e-6:  # away from Keras's clip at 1e-7 they agree
        assert loss == pytest.approx(sparse_categorical_cross_entropy(y, p), rel=1e-9, abs=1e-6)


@FAST
@given(stacks())
def test_output_bias_gradient_sums_to_zero_and_shapes_match(case):
    x, y, params, names = case
    _, grads = sequential_loss_grad(x, y, params, names)
    assert [(dw.shape, db.shape) for dw, db in grads] == [(w.shape, b.shape) for w, b in params]
    assert grads[-1][1].sum() == pytest.approx(0.0, abs=1e-12)  # rows of p - onehot sum to 0


@FAST
@given(st.integers(1, 200), st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_trial_data_is_scaled_labelled_and_reproducible(n, seed, rate):
    x, y = make_trial_data(n, rng=seed, exception_rate=rate)
    assert x.shape == (n, 1) and y.shape == (n,) and y.dtype == np.int64
    assert x.min() >= 0.0 and x.max() <= 1.0
    age = np.round(13 + 87 * x[:, 0])
    assert np.allclose(13 + 87 * x[:, 0], age)  # whole ages
    x2, y2 = make_trial_data(n, rng=seed, exception_rate=rate)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    follows = y == (age >= 65)
    if rate == 0.0:
        assert follows.all()
    if rate == 1.0:
        assert not follows.any()


def test_trial_data_exception_rate_and_balance():
    x, y = make_trial_data(20_000, rng=0)
    age = 13 + 87 * x[:, 0]
    assert np.mean(y != (age >= 64.5)) == pytest.approx(0.05, abs=0.01)
    assert np.mean(age >= 64.5) == pytest.approx(0.5, abs=0.02)


# --- finite differences ----------------------------------------------------------------------


@settings(max_examples=15, deadline=None, database=None)
@given(stacks())
def test_gradient_matches_central_differences(case):
    x, y, params, names = case
    names = ["tanh" if n in ("relu", "leaky_relu") else n for n in names]  # smooth: no kinks
    _, grads = sequential_loss_grad(x, y, params, names)
    h = 1e-6
    for layer, (w, b) in enumerate(params):
        for which, array in ((0, w), (1, b)):
            numeric = np.zeros_like(array)
            for idx in np.ndindex(array.shape):
                bumped = []
                for sign in (1.0, -1.0):
                    trial = [(pw.copy(), pb.copy()) for pw, pb in params]
                    trial[layer][which][idx] += sign * h
                    bumped.append(sequential_loss_grad(x, y, trial, names)[0])
                numeric[idx] = (bumped[0] - bumped[1]) / (2 * h)
            np.testing.assert_allclose(grads[layer][which], numeric, rtol=1e-5, atol=1e-7)


# --- the walk-through ------------------------------------------------------------------------


def _model(seed=0):
    return Sequential(
        [Dense(16, "relu", input_dim=1), Dense(32, "relu"), Dense(2, "softmax")], rng=seed
    )


@pytest.fixture(scope="module")
def trained():
    """The course's model on 600 examples, with a 10% validation split (about 0.2 s)."""
    x, y = make_trial_data(600, rng=1)
    model = _model()
    model.compile(learning_rate=1e-3)
    history = model.fit(x, y, batch_size=10, epochs=8, validation_split=0.1, verbose=0)
    return model, history


def test_loss_falls_and_accuracy_rises(trained):
    _, history = trained
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert np.all(np.diff(history["loss"][:4]) < 0)
    assert history["acc"][-1] > history["acc"][0]


def test_predict_on_a_held_out_test_set_beats_the_majority_baseline(trained):
    model, _ = trained
    x_test, y_test = make_trial_data(400, rng=2)
    p = model.predict(x_test)
    assert p.shape == (400, 2) and np.allclose(p.sum(axis=1), 1.0)
    y_pred = p.argmax(axis=1)
    baseline = accuracy_score(y_test, majority_class_predict(make_trial_data(600, rng=1)[1], 400))
    accuracy = accuracy_score(y_test, y_pred)
    assert accuracy > baseline + 0.3 and accuracy > 0.85
    scores = model.evaluate(x_test, y_test)
    assert scores["acc"] == pytest.approx(accuracy)
    assert scores["loss"] == pytest.approx(sparse_categorical_cross_entropy(y_test, p), rel=1e-9)


def test_a_fixed_seed_reproduces_every_number(capsys):
    x, y = make_trial_data(200, rng=5)
    runs = []
    for _ in range(2):
        model = _model(seed=7)
        model.compile(learning_rate=1e-3)
        runs.append((model.fit(x, y, epochs=3, validation_split=0.2, rng=11), model.params))
    out = capsys.readouterr().out
    (h1, p1), (h2, p2) = runs
    assert h1 == h2  # floats compared exactly: bit-identical
    assert all(
        np.array_equal(a, b)
        for pa, pb in zip(p1, p2, strict=True)
        for a, b in zip(pa, pb, strict=True)
    )
    lines = out.splitlines()
    assert lines[:3] == lines[3:] and len(lines) == 6


def test_printed_lines_have_the_keras_form(capsys):
    x, y = make_trial_data(40, rng=0)
    model = _model()
    model.compile()
    model.fit(x, y, epochs=3, verbose=2)
    model.fit(x, y, epochs=2, validation_split=0.25, verbose=1)
    model.fit(x, y, epochs=2, verbose=0)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(LINE.match(line) for line in lines), lines
    assert [LINE.match(line).group(1, 2) for line in lines] == [
        ("1", "3"),
        ("2", "3"),
        ("3", "3"),
        ("1", "2"),
        ("2", "2"),
    ]
    assert "val_loss" in lines[3] and "val_loss" not in lines[0]


def test_history_keys_follow_the_metrics():
    x, y = make_trial_data(30, rng=0)
    model = _model()
    model.compile(metrics=[])
    assert list(model.fit(x, y, epochs=1, verbose=0)) == ["loss"]
    assert set(model.evaluate(x, y)) == {"loss"}
    model.compile(metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, validation_split=0.5, verbose=0)
    assert list(history) == ["loss", "acc", "val_loss", "val_acc"]


def test_a_small_training_set_overfits():
    """Few examples, noisy labels, a large step and many epochs: validation loss turns up.

    The training loss keeps falling to the end while the validation loss bottoms out
    early and then climbs as the model memorises the exceptions of the training half.
    """
    x, y = make_trial_data(60, rng=0, exception_rate=0.1)
    model = _model()
    model.compile(learning_rate=0.01)
    h = model.fit(x, y, batch_size=10, epochs=150, validation_split=0.5, verbose=0)
    best = int(np.argmin(h["val_loss"]))
    assert best < 50
    assert h["val_loss"][-1] > 2 * h["val_loss"][best]
    assert h["loss"][-1] < 0.5 * h["loss"][best]


def test_sgd_optimizer_and_lazy_build():
    x, y = make_trial_data(100, rng=0)
    model = Sequential([Dense(8, "tanh"), Dense(2, "softmax")], rng=0)
    assert model.params is None
    model.compile("sgd", learning_rate=0.5)
    history = model.fit(x, y, epochs=5, verbose=0)
    assert model.params[0][0].shape == (1, 8)
    assert history["loss"][-1] < history["loss"][0]


def test_fit_continues_from_the_trained_weights_and_compile_resets_the_optimizer():
    x, y = make_trial_data(100, rng=0)
    model = _model()
    model.compile(learning_rate=1e-3)
    first = model.fit(x, y, epochs=2, verbose=0)
    again = model.fit(x, y, epochs=1, verbose=0)
    assert again["loss"][0] < first["loss"][0]
    model.compile(learning_rate=1e-3)
    assert model._optimizer["state"] is None


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Dense(0), ValueError, "units must be an integer >= 1"),
        (lambda: Dense(2.0), TypeError, "units must be an integer"),
        (lambda: Dense(2, "swish"), ValueError, "activation must be one of"),
        (lambda: Dense(2, "relu", input_dim=0), ValueError, "input_dim"),
        (lambda: Sequential([]), ValueError, "at least one Dense"),
        (lambda: Sequential([(2, "relu")]), TypeError, "must be a Dense"),
        (lambda: Sequential([Dense(2, "sigmoid")]), ValueError, "must end in 'softmax'"),
        (
            lambda: Sequential([Dense(2, "softmax"), Dense(2, "softmax")]),
            ValueError,
            "nowhere else",
        ),
        (
            lambda: Sequential([Dense(2, "relu"), Dense(2, "softmax", input_dim=2)]),
            ValueError,
            "only the first layer",
        ),
    ],
)
def test_bad_configuration_raises(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_training_calls_raise():
    x, y = make_trial_data(20, rng=0)
    model = _model()
    with pytest.raises(ValueError, match="compiled before fit"):
        model.fit(x, y)
    with pytest.raises(ValueError, match="optimizer must be"):
        model.compile("rmsprop")
    with pytest.raises(ValueError, match="loss must be"):
        model.compile(loss="mse")
    with pytest.raises(ValueError, match="metrics may only"):
        model.compile(metrics=["auc"])
    with pytest.raises(ValueError, match="learning_rate"):
        model.compile(learning_rate=0.0)
    model.compile()
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.0)
    with pytest.raises(ValueError, match="empty training or validation"):
        model.fit(x[:1], y[:1], validation_split=0.5)
    with pytest.raises(ValueError, match="x must have 1 features"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="y must be < 2"):
        model.fit(x, np.full(20, 2))
    with pytest.raises(ValueError, match="verbose must be 0, 1 or 2"):
        model.fit(x, y, verbose=3)
    with pytest.raises(TypeError, match="shuffle"):
        model.fit(x, y, shuffle="yes")


def test_loss_grad_refuses_a_stack_that_does_not_end_in_softmax():
    params = [(np.ones((1, 2)), np.zeros(2))]
    with pytest.raises(ValueError, match="must end in 'softmax'"):
        sequential_loss_grad([[1.0]], [0], params, ["sigmoid"])
    with pytest.raises(ValueError, match="one activation per layer"):
        sequential_forward([[1.0]], params, ["relu", "softmax"])
    with pytest.raises(TypeError, match="list of names"):
        sequential_forward([[1.0]], params, "softmax")
