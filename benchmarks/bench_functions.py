"""Reference functions side by side with the libraries people would otherwise use.

Every case runs in one process, interleaving dlterms, its numpy-based peer
(SciPy / scikit-learn) and PyTorch CPU on the same input, so machine noise
hits all three alike; only ratios of medians are reported, never an absolute
time on its own. For elementwise and reduction functions the bandwidth is also
compared with ``np.copyto`` of the same array (the memory-bandwidth bound), and
the peak extra memory of one dlterms call is measured with tracemalloc, as a
multiple of the input size.

    python benchmarks/bench_functions.py [--scale 1.0] [--repeats 7] [--out DIR]

``--scale`` shrinks every input (the smoke test uses a tiny scale).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import dlterms

sys.path.insert(0, str(Path(__file__).resolve().parent))  # optim_inplace, beside this file

__all__ = ["CASES", "Case", "Result", "run_case", "main"]


@dataclass(frozen=True)
class Case:
    """One benchmark: how to make the input, and the three implementations to compare."""

    name: str
    make: Callable[[np.random.Generator, float], tuple]
    ours: Callable[..., object]
    peer_name: str = ""
    peer: Callable[..., object] | None = None
    torch: Callable[..., object] | None = None
    streaming: bool = False  # elementwise or a reduction: report bandwidth against np.copyto
    notes: str = ""


def _n(base: int, scale: float, floor: int = 8) -> int:
    return max(floor, int(base * scale))


def _labels(rng, scale, k=2):
    n = _n(10**7, scale)
    return rng.integers(0, k, n), rng.integers(0, k, n)


def _conv_input(rng, scale):
    n = _n(32, scale, 1)
    return rng.standard_normal((n, 3, 64, 64)), rng.standard_normal((16, 3, 3, 3))


def _torch():
    import torch

    return torch


def _t(a):
    return _torch().from_numpy(np.ascontiguousarray(a))


def _sk():
    import sklearn.metrics

    return sklearn.metrics


def _special():
    import scipy.special

    return scipy.special


def _adam_cases() -> list[Case]:
    """``dlterms.adam_step`` (one line per equation) and its memory-lean in-place twin."""
    from optim_inplace import adam_step_inplace

    def make(rng, scale):
        n = _n(10**7, scale)
        return rng.standard_normal(n), rng.standard_normal(n)

    def torch_adam(p, g):
        torch = _torch()
        opt = torch.optim.Adam([p], lr=1e-3, foreach=False)
        p.grad = g
        opt.step()
        return p

    return [
        Case(
            f"adam_step{label} (1e7 params)",
            make,
            lambda p, g, step=step: step(p, g, None, learning_rate=1e-3),
            torch=torch_adam,
            streaming=True,
            notes=f"torch.optim.Adam, one step from fresh state; {note}",
        )
        for label, step, note in (
            ("", dlterms.adam_step, "readable, one temporary per equation"),
            (" in place", adam_step_inplace, "benchmarks/optim_inplace.py, same bits"),
        )
    ]


def _kmeans_peer(x, init):
    from sklearn.cluster import KMeans

    return KMeans(8, init=init, n_init=1, max_iter=20, algorithm="lloyd", tol=0).fit(x)


CASES: list[Case] = [
    Case(
        "softmax (1000×10000)",
        lambda rng, s: (rng.standard_normal((_n(1000, s), 10000)),),
        lambda z: dlterms.softmax(z),
        "scipy.special.softmax",
        lambda z: _special().softmax(z, axis=-1),
        lambda z: _torch().softmax(z, -1),
        streaming=True,
    ),
    Case(
        "log_softmax (1000×10000)",
        lambda rng, s: (rng.standard_normal((_n(1000, s), 10000)),),
        lambda z: dlterms.log_softmax(z),
        "scipy.special.log_softmax",
        lambda z: _special().log_softmax(z, axis=-1),
        lambda z: _torch().log_softmax(z, -1),
        streaming=True,
    ),
    Case(
        "cross_entropy (1000×10000)",
        lambda rng, s: (
            rng.standard_normal((_n(1000, s), 10000)),
            rng.integers(0, 10000, _n(1000, s)),
        ),
        lambda z, y: dlterms.cross_entropy(z, y),
        "sklearn.metrics.log_loss",
        lambda z, y: _sk().log_loss(
            y, _special().softmax(z, axis=-1), labels=np.arange(z.shape[1])
        ),
        lambda z, y: _torch().nn.functional.cross_entropy(z, y),
        streaming=True,
        notes="the sklearn peer needs softmax first: it takes probabilities",
    ),
    Case(
        "sigmoid (1e7)",
        lambda rng, s: (rng.standard_normal(_n(10**7, s)),),
        lambda x: dlterms.sigmoid(x),
        "scipy.special.expit",
        lambda x: _special().expit(x),
        lambda x: _torch().sigmoid(x),
        streaming=True,
    ),
    Case(
        "mean_squared_error (1e7)",
        lambda rng, s: (rng.standard_normal(_n(10**7, s)), rng.standard_normal(_n(10**7, s))),
        lambda a, b: dlterms.mean_squared_error(a, b),
        "sklearn.metrics.mean_squared_error",
        lambda a, b: _sk().mean_squared_error(a, b),
        lambda a, b: _torch().nn.functional.mse_loss(a, b),
        streaming=True,
    ),
    Case(
        "mean_absolute_error (1e7)",
        lambda rng, s: (rng.standard_normal(_n(10**7, s)), rng.standard_normal(_n(10**7, s))),
        lambda a, b: dlterms.mean_absolute_error(a, b),
        "sklearn.metrics.mean_absolute_error",
        lambda a, b: _sk().mean_absolute_error(a, b),
        lambda a, b: _torch().nn.functional.l1_loss(a, b),
        streaming=True,
    ),
    Case(
        "confusion_matrix (1e7 labels)",
        _labels,
        lambda t, p: dlterms.confusion_matrix(t, p),
        "sklearn.metrics.confusion_matrix",
        lambda t, p: _sk().confusion_matrix(t, p),
        lambda t, p: _torch().bincount(t * 2 + p, minlength=4),
        streaming=True,
        notes="torch has no confusion matrix; the peer is bincount of the pair code",
    ),
    Case(
        "precision_score (1e7 labels)",
        _labels,
        lambda t, p: dlterms.precision_score(t, p),
        "sklearn.metrics.precision_score",
        lambda t, p: _sk().precision_score(t, p),
        streaming=True,
    ),
    Case(
        "recall_score (1e7 labels)",
        _labels,
        lambda t, p: dlterms.recall_score(t, p),
        "sklearn.metrics.recall_score",
        lambda t, p: _sk().recall_score(t, p),
        streaming=True,
    ),
    Case(
        "accuracy_score (1e7 labels)",
        _labels,
        lambda t, p: dlterms.accuracy_score(t, p),
        "sklearn.metrics.accuracy_score",
        lambda t, p: _sk().accuracy_score(t, p),
        lambda t, p: (t == p).double().mean(),
        streaming=True,
    ),
    Case(
        "one_hot (1e6 labels, 10 classes)",
        lambda rng, s: (rng.integers(0, 10, _n(10**6, s)),),
        lambda y: dlterms.one_hot(y, 10),
        "sklearn OneHotEncoder",
        lambda y: _onehot_sklearn(y),
        lambda y: _torch().nn.functional.one_hot(y, 10),
        streaming=True,
    ),
    Case(
        "conv2d (32×3×64×64, 16 filters 3×3)",
        _conv_input,
        lambda x, w: dlterms.conv2d(x, w, padding=1),
        "scipy.signal.correlate (per channel)",
        lambda x, w: _scipy_conv(x, w),
        lambda x, w: _torch().nn.functional.conv2d(x, w, padding=1),
    ),
    Case(
        "max_pool2d (32×3×64×64, 2×2)",
        lambda rng, s: (_conv_input(rng, s)[0],),
        lambda x: dlterms.max_pool2d(x, 2),
        "numpy reshape + max",
        lambda x: x.reshape(*x.shape[:2], x.shape[2] // 2, 2, x.shape[3] // 2, 2).max(axis=(3, 5)),
        lambda x: _torch().nn.functional.max_pool2d(x, 2),
        streaming=True,
    ),
    Case(
        "batch_norm (4096×1024)",
        lambda rng, s: (rng.standard_normal((_n(4096, s), 1024)),),
        lambda x: dlterms.batch_norm(x),
        "sklearn StandardScaler",
        lambda x: _standard_scaler(x),
        lambda x: _torch().nn.functional.batch_norm(x, None, None, training=True),
        streaming=True,
    ),
    Case(
        "kmeans (100000×16, k=8, 20 iterations)",
        lambda rng, s: (rng.standard_normal((_n(100_000, s), 16)),),
        lambda x: dlterms.kmeans(x, 8, init=x[:8], n_iter=20),
        "sklearn.cluster.KMeans (lloyd)",
        lambda x: _kmeans_peer(x, x[:8]),
        notes="same initial centroids; both stop early when assignments settle",
    ),
]


def _onehot_sklearn(y):
    from sklearn.preprocessing import OneHotEncoder

    return OneHotEncoder(categories=[np.arange(10)], sparse_output=False).fit_transform(y[:, None])


def _standard_scaler(x):
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(x)


def _scipy_conv(x, w):
    from scipy.signal import correlate

    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    return np.stack(
        [
            sum(correlate(xp[n, c], w[o, c], mode="valid") for c in range(x.shape[1]))
            for n in range(x.shape[0])
            for o in range(w.shape[0])
        ]
    )


@dataclass
class Result:
    name: str
    ours: float
    peer: float | None = None
    torch: float | None = None
    copy: float | None = None
    nbytes: int = 0
    out_nbytes: int = 0
    peak_extra: float = 0.0
    peer_name: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def peer_ratio(self) -> float | None:
        return self.ours / self.peer if self.peer else None

    @property
    def torch_ratio(self) -> float | None:
        return self.ours / self.torch if self.torch else None

    @property
    def bandwidth_fraction(self) -> float | None:
        """Achieved bytes/s (inputs read + output written) over np.copyto's bytes/s."""
        if not self.copy:
            return None
        ours_bps = (self.nbytes + self.out_nbytes) / self.ours
        copy_bps = 2 * self.nbytes / self.copy
        return ours_bps / copy_bps


def _time(fn, args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def _nbytes(value) -> int:
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value)
    return int(getattr(value, "nbytes", 0))


def _peak_extra(fn, args) -> float:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / max(1, _nbytes(args))


def run_case(case: Case, *, scale: float = 1.0, repeats: int = 7, seed: int = 0) -> Result:
    """Time one case: interleaved runs, medians; peak memory from one extra call."""
    rng = np.random.default_rng(seed)
    args = case.make(rng, scale)
    runners = {"ours": (case.ours, args)}
    if case.peer is not None:
        runners["peer"] = (case.peer, args)
    if case.torch is not None:
        try:
            torch_args = tuple(_t(a) for a in args)
            runners["torch"] = (case.torch, torch_args)
        except ImportError:
            pass
    if case.streaming:
        src = args[0]
        dst = np.empty_like(src)
        runners["copy"] = (lambda: np.copyto(dst, src), ())
    times: dict[str, list[float]] = {k: [] for k in runners}
    for fn, a in runners.values():  # warm-up: imports, caches, first-touch of pages
        fn(*a)
    for _ in range(repeats):
        for key, (fn, a) in runners.items():
            times[key].append(_time(fn, a))
    med = {k: statistics.median(v) for k, v in times.items()}
    out = case.ours(*args)
    return Result(
        case.name,
        med["ours"],
        med.get("peer"),
        med.get("torch"),
        med.get("copy"),
        nbytes=_nbytes(args),
        out_nbytes=_nbytes(out if isinstance(out, tuple) else (out,)),
        peak_extra=_peak_extra(case.ours, args),
        peer_name=case.peer_name,
        notes=case.notes,
    )


def all_cases() -> list[Case]:
    return CASES + _adam_cases()


def _fmt(x: float | None, unit: str = "×") -> str:
    return "—" if x is None else f"{x:.2f}{unit}"


def table(results: list[Result]) -> str:
    """The Markdown results table, with a verdict per target."""
    lines = [
        "| function | vs numpy-based peer | peer | vs PyTorch CPU | bandwidth / copy "
        "| peak extra memory |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {_fmt(r.peer_ratio)} | {r.peer_name or '—'} | {_fmt(r.torch_ratio)} "
            f"| {_fmt(r.bandwidth_fraction and 100 * r.bandwidth_fraction, ' %')} "
            f"| {_fmt(r.peak_extra)} |"
        )
    peer = [r.peer_ratio for r in results if r.peer_ratio]
    torch = [r.torch_ratio for r in results if r.torch_ratio]
    mem = [r.peak_extra for r in results]
    lines += [
        "",
        "| target | measured | met |",
        "| --- | --- | --- |",
        _target("median ratio vs numpy-based peer ≤ 1.0×", _median(peer), 1.0),
        _target("worst ratio vs numpy-based peer ≤ 2×", max(peer, default=None), 2.0),
        _target("median ratio vs PyTorch CPU ≤ 3×", _median(torch), 3.0),
        _target("worst peak extra memory ≤ 3× input", max(mem, default=None), 3.0),
    ]
    return "\n".join(lines) + "\n"


def _target(label: str, value: float | None, bound: float) -> str:
    if value is None:
        return f"| {label} | — | — |"
    return f"| {label} | {value:.2f}× | {'yes' if value <= bound else 'no'} |"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def plot(results: list[Result], path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.35 * len(results) + 1.2), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(results))
    peer = [r.peer_ratio or np.nan for r in results]
    torch = [r.torch_ratio or np.nan for r in results]
    ax.barh(y - 0.2, peer, height=0.38, label="dlterms / numpy-based peer")
    ax.barh(y + 0.2, torch, height=0.38, label="dlterms / PyTorch CPU")
    ax.axvline(1.0, color="#444", lw=0.8)
    ax.set_xscale("log")
    ax.set_yticks(y, [r.name for r in results])
    ax.invert_yaxis()
    ax.set_xlabel("time ratio (lower is faster for dlterms; 1 = same speed)")
    ax.legend(loc="lower right")
    fig.savefig(path, metadata={"Date": None})


def main(argv: list[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="write results.md and plot here")
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("--plot", type=Path, default=None, help="also write the plot here")
    args = parser.parse_args(argv)
    results = []
    for case in all_cases():
        if args.k and args.k not in case.name:
            continue
        r = run_case(case, scale=args.scale, repeats=args.repeats)
        print(
            f"{r.name:<42} peer {_fmt(r.peer_ratio):>7}  torch {_fmt(r.torch_ratio):>7}  "
            f"mem {_fmt(r.peak_extra):>6}",
            flush=True,
        )
        results.append(r)
    md = table(results)
    print()
    print(md)
    notes = Path(__file__).parent / "results" / "notes.md"
    if notes.exists():  # the explanation of every target missed, kept beside the results
        print(notes.read_text(encoding="utf-8"))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "functions.md").write_text(md, encoding="utf-8")
        plot(results, args.out / "functions.svg")
    if args.plot:
        args.plot.parent.mkdir(parents=True, exist_ok=True)
        plot(results, args.plot)
    return results


if __name__ == "__main__":
    main()
