"""dlterms.training: PyTorch oracles, hypothesis properties and a real overfitting run.

Oracles: ``torch.utils.data.DataLoader`` for the batches (order, sizes, ``drop_last``)
and the iteration counts; torch autograd in float64 for a whole epoch of mini-batch
gradient descent on the same batch order; central finite differences for one
full-batch step. Checkpoints must round-trip bit for bit, and a run resumed from one
must continue exactly like the run that was never interrupted.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlterms import (
    accumulate_gradients,
    count_iterations,
    cross_entropy,
    fit_mlp,
    generalization_gap,
    init_mlp,
    iterations_per_epoch,
    load_checkpoint,
    minibatches,
    mlp_forward,
    save_checkpoint,
)

FAST = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
seeds = st.integers(0, 2**32 - 1)


def _blobs(n, seed, separation=1.0):
    """Two overlapping Gaussian classes in 2-D, centred at (-s, 0) and (s, 0)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    return rng.normal(size=(n, 2)) + np.c_[(2 * y - 1) * separation, np.zeros(n)], y


def _epoch_order(seed, epoch, n):
    """The order fit_mlp documents for epoch `epoch` of a run seeded with `seed`."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(epoch,))).permutation(n)


def _same_params(a, b):
    return len(a) == len(b) and all(
        np.array_equal(p, q)
        for pa, pb in zip(a, b, strict=True)
        for p, q in zip(pa, pb, strict=True)
    )


# --- the data loader ---------------------------------------------------------------


@FAST
@given(st.integers(1, 30), st.integers(1, 12), st.booleans(), st.integers(1, 3))
def test_minibatches_match_torch_dataloader_without_shuffling(torch, n, b, drop_last, d):
    x = np.arange(n * d, dtype=float).reshape(n, d)
    y = np.arange(n) * 10
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
        batch_size=b,
        shuffle=False,
        drop_last=drop_last,
    )
    ours = minibatches(x, y, batch_size=b, shuffle=False, drop_last=drop_last)
    assert len(ours) == len(loader) == iterations_per_epoch(n, b, drop_last=drop_last)
    for (xb, yb), (xt, yt) in zip(ours, loader, strict=True):
        np.testing.assert_array_equal(xb, xt.numpy())
        np.testing.assert_array_equal(yb, yt.numpy())


@FAST
@given(st.integers(1, 30), st.integers(1, 12), st.booleans(), seeds)
def test_shuffled_batches_follow_a_torch_sampler_with_the_same_permutation(
    torch, n, b, drop_last, seed
):
    x = np.arange(n, dtype=float)[:, None]
    order = np.random.default_rng(seed).permutation(n)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x)),
        batch_size=b,
        sampler=order.tolist(),
        drop_last=drop_last,
    )
    ours = minibatches(x, np.arange(n), batch_size=b, rng=seed, drop_last=drop_last)
    for (xb, _), (xt,) in zip(ours, loader, strict=True):
        np.testing.assert_array_equal(xb, xt.numpy())


@FAST
@given(st.integers(1, 40), st.integers(1, 50), seeds, st.booleans())
def test_every_example_appears_once_per_epoch(n, b, seed, drop_last):
    x = np.arange(n, dtype=np.int32)[:, None] * np.ones(3, dtype=np.int32)
    y = np.arange(n).astype(np.float32)
    batches = minibatches(x, y, batch_size=b, rng=seed, drop_last=drop_last)
    seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([])
    kept = (n // b) * b if drop_last else n
    assert seen.size == kept and np.unique(seen).size == kept  # each at most once
    assert all(len(yb) == b for _, yb in batches[:-1]) and all(len(yb) <= b for _, yb in batches)
    for xb, yb in batches:  # rows stay paired and keep their dtype
        assert xb.dtype == np.int32 and yb.dtype == np.float32
        np.testing.assert_array_equal(xb[:, 0], yb)


@FAST
@given(st.integers(2, 40), st.integers(1, 8), seeds)
def test_shuffling_is_repeatable_with_a_seed_and_changes_with_it(n, b, seed):
    x, y = np.arange(n, dtype=float)[:, None], np.arange(n)

    def order(rng):
        return np.concatenate([yb for _, yb in minibatches(x, y, batch_size=b, rng=rng)])

    np.testing.assert_array_equal(order(seed), order(seed))
    np.testing.assert_array_equal(order(np.random.default_rng(seed)), order(seed))
    if n >= 8:  # 8! orders: two seeds agreeing would be a 1-in-40320 coincidence
        assert any(not np.array_equal(order(seed), order(seed + k)) for k in (1, 2))


def test_minibatches_return_copies():
    x, y = np.zeros((4, 2)), np.zeros(4)
    (xb, yb), *_ = minibatches(x, y, batch_size=4, shuffle=False)
    xb[:] = 1.0
    assert not np.shares_memory(xb, x) and x.sum() == 0.0


@FAST
@given(st.integers(1, 60), st.integers(1, 70), st.integers(0, 5), st.booleans())
def test_count_iterations_matches_torch_and_the_batches_of_every_epoch(
    torch, n, b, epochs, drop_last
):
    loader = torch.utils.data.DataLoader(range(n), batch_size=b, drop_last=drop_last)
    x, y = np.zeros((n, 1)), np.zeros(n)
    counted = sum(
        len(minibatches(x, y, batch_size=b, rng=e, drop_last=drop_last)) for e in range(epochs)
    )
    assert count_iterations(n, b, epochs, drop_last=drop_last) == epochs * len(loader) == counted


def test_count_iterations_is_exact_for_huge_counts():
    assert count_iterations(10**30 + 1, 10**10, 3) == 3 * (10**20 + 1)
    assert count_iterations(10, 4, 0) == 0


# --- training: oracles --------------------------------------------------------------


def _torch_epoch(torch, x, y, params, lr, order, b):
    """One epoch of mini-batch SGD with autograd: ReLU MLP, softmax cross-entropy."""
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
        batch_size=b,
        sampler=order.tolist(),
    )
    leaves = [torch.tensor(p, requires_grad=True) for pair in params for p in pair]
    losses = []
    for xb, yb in loader:
        h = xb
        for i in range(0, len(leaves), 2):
            h = h @ leaves[i] + leaves[i + 1]
            h = torch.relu(h) if i < len(leaves) - 2 else h
        loss = torch.nn.functional.cross_entropy(h, yb)
        grads = torch.autograd.grad(loss, leaves)
        with torch.no_grad():
            leaves = [(p - lr * g).requires_grad_() for p, g in zip(leaves, grads, strict=True)]
        losses.append(loss.item())
    return [p.detach().numpy() for p in leaves], losses


@FAST
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=3),
    st.integers(2, 4),
    st.integers(1, 9),
    st.integers(1, 5),
    seeds,
    st.booleans(),
    st.floats(0.01, 1.0),
)
def test_one_epoch_matches_torch_autograd_sgd_on_the_same_batches(
    torch, hidden, k, n, b, seed, shuffle, lr
):
    rng = np.random.default_rng(seed)
    sizes = [*hidden, k]
    x, y = rng.normal(size=(n, sizes[0])), rng.integers(0, k, size=n)
    history = fit_mlp(
        x, y, x, y, layer_sizes=sizes, learning_rate=lr, batch_size=b, n_epochs=1,
        rng=seed, shuffle=shuffle,
    )  # fmt: skip
    order = _epoch_order(seed, 0, n) if shuffle else np.arange(n)
    expected, losses = _torch_epoch(torch, x, y, init_mlp(sizes, rng=seed), lr, order, b)
    ours = [p for pair in history.params for p in pair]
    for mine, theirs in zip(ours, expected, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(history.batch_loss, losses, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        history.train_loss[0], cross_entropy(mlp_forward(x, history.params), y), rtol=1e-12
    )


def test_a_full_batch_step_follows_the_finite_difference_gradient():
    x, y = _blobs(6, 3)
    sizes, lr, eps = [2, 3, 2], 0.5, 1e-6
    start = init_mlp(sizes, rng=7)
    after = fit_mlp(
        x, y, x, y, layer_sizes=sizes, learning_rate=lr, batch_size=6, n_epochs=1, rng=7
    ).params
    for layer, which in np.ndindex(len(sizes) - 1, 2):
        base = start[layer][which]
        numeric = np.empty_like(base)
        for idx in np.ndindex(base.shape):
            losses = []
            for sign in (1, -1):
                shifted = [list(pair) for pair in start]
                shifted[layer][which] = base.copy()
                shifted[layer][which][idx] += sign * eps
                losses.append(cross_entropy(mlp_forward(x, shifted), y))
            numeric[idx] = (losses[0] - losses[1]) / (2 * eps)
        # theta_1 = theta_0 - eta * grad, so grad = (theta_0 - theta_1) / eta
        analytic = (base - after[layer][which]) / lr
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


# --- training: behaviour ------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_small_training_set_is_overfitted_after_enough_epochs(seed):
    """16 noisy points, 32 hidden units, 150 epochs: training loss keeps falling, while
    validation loss bottoms out early and then climbs (the onset of overfitting)."""
    x_train, y_train = _blobs(16, 1)
    x_val, y_val = _blobs(400, 2)
    h = fit_mlp(
        x_train, y_train, x_val, y_val, layer_sizes=[2, 32, 2], learning_rate=0.05,
        batch_size=4, n_epochs=150, rng=seed,
    )  # fmt: skip
    assert h.train_loss[-1] < h.train_loss[0] / 10
    assert np.mean(np.diff(h.train_loss) < 0) > 0.9  # falls in almost every epoch
    best = int(np.argmin(h.val_loss))
    assert 3 <= best <= 50, best
    assert h.val_loss[-1] > h.val_loss[best] + 0.15  # the validation loss turned up
    gap = generalization_gap(h.train_loss, h.val_loss)
    assert gap[-1] > gap[best] + 0.2
    assert h.batch_loss.shape == (count_iterations(16, 4, 150),)


def test_resuming_from_a_checkpoint_continues_bit_for_bit(tmp_path):
    x_train, y_train = _blobs(10, 4)
    x_val, y_val = _blobs(20, 5)
    kwargs = {"layer_sizes": [2, 5, 3, 2], "learning_rate": 0.2, "batch_size": 3, "rng": 11}
    whole = fit_mlp(x_train, y_train, x_val, y_val, n_epochs=6, **kwargs)
    first = fit_mlp(x_train, y_train, x_val, y_val, n_epochs=2, **kwargs)
    save_checkpoint(tmp_path / "ckpt.npz", first.params, epoch=2, seed=11)
    params, meta = load_checkpoint(tmp_path / "ckpt.npz")
    rest = fit_mlp(
        x_train, y_train, x_val, y_val, n_epochs=4, initial_params=params,
        first_epoch=meta["epoch"], **kwargs,
    )  # fmt: skip
    assert _same_params(rest.params, whole.params)
    for field in ("batch_loss", "train_loss", "val_loss", "val_accuracy"):
        joined = np.concatenate([getattr(first, field), getattr(rest, field)])
        np.testing.assert_array_equal(joined, getattr(whole, field))
    # without first_epoch the resumed run would replay epoch 0's shuffles instead
    replayed = fit_mlp(x_train, y_train, x_val, y_val, n_epochs=4, initial_params=params, **kwargs)
    assert not _same_params(replayed.params, whole.params)


def test_frozen_layers_keep_their_values_and_the_head_still_learns():
    x, y = _blobs(12, 6)
    pretrained = init_mlp([2, 4, 2], rng=1)
    before = [(w.copy(), b.copy()) for w, b in pretrained]
    h = fit_mlp(
        x, y, x, y, layer_sizes=[2, 4, 2], learning_rate=0.1, batch_size=4, n_epochs=5,
        initial_params=pretrained, frozen_layers=1, rng=0,
    )  # fmt: skip
    assert _same_params(pretrained, before)  # the input is not modified
    assert _same_params(h.params[:1], before[:1])
    assert not np.array_equal(h.params[1][0], before[1][0])
    assert h.params[0][0] is not pretrained[0][0]


def test_an_int_seed_starts_from_init_mlp_and_repeats_exactly():
    x, y = _blobs(8, 0)
    runs = [
        fit_mlp(x, y, x, y, layer_sizes=[2, 3, 2], learning_rate=0.1, batch_size=3,
                n_epochs=2, rng=5)
        for _ in range(2)
    ]  # fmt: skip
    assert _same_params(runs[0].params, runs[1].params)
    first_step = fit_mlp(
        x, y, x, y, layer_sizes=[2, 3, 2], learning_rate=1e-300, batch_size=8, n_epochs=1, rng=5
    )
    np.testing.assert_allclose(first_step.batch_loss[0], cross_entropy(
        mlp_forward(x, init_mlp([2, 3, 2], rng=5)), y), rtol=1e-15)  # fmt: skip


def test_divergence_is_reported_instead_of_returning_nan():
    x, y = _blobs(8, 0)
    with pytest.raises(ValueError, match="diverged in epoch"):
        fit_mlp(x * 1e150, y, x, y, layer_sizes=[2, 3, 2], learning_rate=1e155,
                batch_size=8, n_epochs=3, rng=0)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"layer_sizes": [2, 3, 1]}, "below layer_sizes"),
        ({"layer_sizes": [3, 2]}, "features"),
        ({"frozen_layers": 2}, "frozen_layers"),
        ({"initial_params": [(np.ones((2, 2)), None)]}, "initial_params"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"n_epochs": 0}, "n_epochs"),
    ],
)
def test_fit_mlp_refuses_inconsistent_options(change, message):
    x, y = _blobs(4, 0)
    options = {"layer_sizes": [2, 3, 2], "learning_rate": 0.1, "batch_size": 2, "n_epochs": 1}
    with pytest.raises(ValueError, match=message):
        fit_mlp(x, y, x, y, **{**options, **change})


@FAST
@given(hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6)), seeds)
def test_generalization_gap_is_validation_minus_training(train, seed):
    val = np.random.default_rng(seed).normal(size=train.shape)
    np.testing.assert_array_equal(generalization_gap(train, val), val - train)
    assert generalization_gap(train, train).tolist() == [0.0] * train.size


# --- checkpoints --------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)


@FAST
@given(st.lists(st.integers(1, 4), min_size=2, max_size=13), st.data())
def test_checkpoints_round_trip_bit_for_bit(tmp_path_factory, sizes, data):
    params = [
        (data.draw(hnp.arrays(np.float64, (a, b), elements=finite)),
         data.draw(hnp.arrays(np.float64, (b,), elements=finite)))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]  # fmt: skip
    path = tmp_path_factory.mktemp("ckpt") / "net.npz"
    meta = {"epoch": 7, "lr": 0.125, "done": False, "note": "warm-up", "curve": np.ones(3)}
    assert save_checkpoint(path, params, **meta) == sum(w.size + b.size for w, b in params)
    restored, loaded = load_checkpoint(str(path))
    assert len(restored) == len(params)  # also with 10+ layers: params.10 after params.9
    for (w, b), (w2, b2) in zip(params, restored, strict=True):
        assert w2.dtype == b2.dtype == np.float64
        assert w.tobytes() == w2.tobytes() and b.tobytes() == b2.tobytes()
    assert {k: v for k, v in loaded.items() if k != "curve"} == {
        "epoch": 7, "lr": 0.125, "done": False, "note": "warm-up"
    }  # fmt: skip
    assert type(loaded["epoch"]) is int and loaded["curve"].tolist() == [1.0, 1.0, 1.0]


def test_checkpoint_keys_are_stable_and_nothing_is_pickled(tmp_path):
    path = tmp_path / "ckpt.npz"
    save_checkpoint(path, [(np.ones((2, 3)), None), (np.ones((3, 1)), np.ones(1))], epoch=1)
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
    assert names == [
        "meta.epoch.npy",
        "params.0.bias.npy",
        "params.0.weight.npy",
        "params.1.bias.npy",
        "params.1.weight.npy",
    ]
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed away
    params, _ = load_checkpoint(path)
    assert params[0][1].tolist() == [0.0, 0.0, 0.0]  # a None bias is stored as zeros


def test_loading_refuses_pickles_foreign_keys_and_gaps(tmp_path):
    np.savez(tmp_path / "pickled.npz", **{"params.0.weight": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match="pickle"):
        load_checkpoint(tmp_path / "pickled.npz")
    np.savez(tmp_path / "foreign.npz", weights=np.ones((2, 2)))
    with pytest.raises(ValueError, match="not a dlterms checkpoint"):
        load_checkpoint(tmp_path / "foreign.npz")
    gap = {"params.0.weight": np.ones((1, 1)), "params.0.bias": np.ones(1)}
    np.savez(tmp_path / "gap.npz", **gap, **{"params.2.weight": np.ones((1, 1))})
    with pytest.raises(ValueError, match="layers 0, 1"):
        load_checkpoint(tmp_path / "gap.npz")
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "missing.npz")


def test_saving_refuses_bad_paths_and_metadata(tmp_path):
    params = [(np.ones((1, 1)), None)]
    with pytest.raises(ValueError, match=r"\.npz"):
        save_checkpoint(tmp_path / "ckpt.pt", params)
    with pytest.raises(TypeError, match="path"):
        save_checkpoint(3, params)
    with pytest.raises(TypeError, match="metadata 'model'"):
        save_checkpoint(tmp_path / "c.npz", params, model=object())
    with pytest.raises(ValueError, match="metadata 'loss'"):
        save_checkpoint(tmp_path / "c.npz", params, loss=float("nan"))
    assert not list(tmp_path.iterdir())


# --- gradient accumulation ---------------------------------------------------------


def _linear_grad(w, x_batch, y_batch):
    """Mean gradient of (x w - y)^2 / 2 over a batch: x^T (x w - y) / n."""
    return x_batch.T @ (x_batch @ w - y_batch) / len(x_batch)


@st.composite
def _regression_batches(draw):
    n, d = draw(st.integers(1, 12)), draw(st.integers(1, 3))
    small = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    x = draw(hnp.arrays(np.float64, (n, d), elements=small))
    y = draw(hnp.arrays(np.float64, (n,), elements=small))
    w = draw(hnp.arrays(np.float64, (d,), elements=small))
    cuts = sorted(draw(st.sets(st.integers(1, n - 1), max_size=n - 1))) if n > 1 else []
    bounds = [0, *cuts, n]
    micro = [(x[a:b], y[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    return w, x, y, micro


@FAST
@given(_regression_batches())
def test_accumulated_micro_batches_give_the_full_batch_gradient(case):
    w, x, y, micro = case
    full = _linear_grad(w, x, y)
    np.testing.assert_allclose(
        accumulate_gradients(_linear_grad, w, micro), full, rtol=1e-12, atol=1e-9
    )


@FAST
@given(_regression_batches())
def test_accumulation_matches_torch_backward_adding_into_grad(torch, case):
    """torch: backward() on each micro-batch loss scaled by n_k / N, then read .grad."""
    w, x, y, micro = case
    n = len(x)
    weight = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    for xb, yb in micro:
        pred = torch.from_numpy(xb) @ weight
        loss = 0.5 * ((pred - torch.from_numpy(yb)) ** 2).mean()
        (loss * len(xb) / n).backward()  # adds into weight.grad
    ours = accumulate_gradients(_linear_grad, w, micro)
    np.testing.assert_allclose(ours, weight.grad.numpy(), rtol=1e-12, atol=1e-9)
    # and one backward() on the whole batch gives the same
    whole = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    (0.5 * ((torch.from_numpy(x) @ whole - torch.from_numpy(y)) ** 2).mean()).backward()
    np.testing.assert_allclose(ours, whole.grad.numpy(), rtol=1e-12, atol=1e-9)


def test_dividing_by_the_number_of_micro_batches_is_wrong_for_uneven_sizes():
    x, y = np.ones((5, 1)), np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    w = np.zeros(1)
    micro = minibatches(x, y, batch_size=2, shuffle=False)  # sizes 2, 2, 1
    naive = sum(_linear_grad(w, xb, yb) for xb, yb in micro) / len(micro)
    right = accumulate_gradients(_linear_grad, w, micro)
    assert right == pytest.approx(-4.0)  # -mean(y)
    assert naive[0] == pytest.approx(-(1.5 + 3.5 + 10.0) / 3)  # -5: the 10 counts double
    # equal sizes: the naive average is right
    even = minibatches(x[:4], y[:4], batch_size=2, shuffle=False)
    naive_even = sum(_linear_grad(w, xb, yb) for xb, yb in even) / 2
    assert accumulate_gradients(_linear_grad, w, even) == pytest.approx(naive_even[0])


def test_accumulation_near_the_float_limit_stays_finite():
    big = np.finfo(np.float64).max
    micro = [(np.zeros((2, 1)), np.zeros(2)), (np.zeros((3, 1)), np.zeros(3))]
    result = accumulate_gradients(lambda w, xb, yb: np.full(2, big), np.zeros(2), micro)
    assert np.all(result == big)


def test_accumulation_checks_its_inputs():
    grad = _linear_grad
    with pytest.raises(ValueError, match="at least one micro-batch"):
        accumulate_gradients(grad, [0.0], [])
    with pytest.raises(TypeError, match="micro_batches must be a list"):
        accumulate_gradients(grad, [0.0], np.zeros((2, 2)))
    with pytest.raises(TypeError, match=r"micro_batches\[0\] must be a tuple"):
        accumulate_gradients(grad, [0.0], [np.zeros((2, 1))])
    with pytest.raises(ValueError, match=r"one row per example each; got 3 and 2 rows"):
        accumulate_gradients(grad, [0.0], [(np.zeros((3, 1)), np.zeros(2))])
    with pytest.raises(ValueError, match=r"must have the same shape as params"):
        accumulate_gradients(lambda w, xb, yb: np.zeros(3), [0.0], [(np.zeros((1, 1)), [1.0])])
    with pytest.raises(ValueError, match="finite"):
        accumulate_gradients(lambda w, xb, yb: w * np.inf, [1.0], [(np.zeros((1, 1)), [1.0])])
