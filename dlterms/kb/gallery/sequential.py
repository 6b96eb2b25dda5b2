"""Figures for dlterms.sequential: the Keras-style Sequential model's training run."""

from __future__ import annotations

import numpy as np

import dlterms
from dlterms.kb.figures import BLUE, ORANGE, figure
from dlterms.kb.gallery._draw import MUTED
from dlterms.sequential import Dense, Sequential

__all__: list[str] = []


def _walkthrough_run():
    """The tutorial's run: 2,100 trial participants, 10% held out, Adam at 1e-4, 20 epochs."""
    x, y = dlterms.make_trial_data(2100, rng=0)
    model = Sequential(
        [Dense(16, "relu", input_dim=1), Dense(32, "relu"), Dense(2, "softmax")], rng=1
    )
    model.compile(optimizer="adam", learning_rate=1e-4)
    history = model.fit(x, y, batch_size=10, epochs=20, validation_split=0.1, verbose=0)
    # the training rows' majority class predicted for every training row
    baseline = dlterms.accuracy_score(y[:1890], dlterms.majority_class_predict(y[:1890], 1890))
    return history, baseline


@figure(
    "keras-sequential-model",
    alt="Training curves of the walk-through model, a 1-16-32-2 stack of dense layers fitted "
    "with Adam (learning rate 0.0001) for 20 epochs to 1,890 synthetic trial participants, "
    "with 210 more held out for validation. Left: the cross-entropy loss falls steadily, from "
    "0.66 to 0.29 on the training data and from 0.62 to 0.23 on the validation data. Right: "
    "accuracy climbs from 0.55 to 0.93 on the training data and from 0.69 to 0.96 on the "
    "validation data, far above the majority-class baseline of 0.50 (dashed).",
    caption="Loss and accuracy per epoch while fitting the walk-through model: training and "
    "validation curves improve together, so the model is learning without overfitting.",
)
def _training_curves(fig):
    history, baseline = _walkthrough_run()
    epochs = np.arange(1, len(history["loss"]) + 1)
    left, right = fig.subplots(1, 2, sharex=True)
    for ax, key, label in ((left, "loss", "loss (cross-entropy)"), (right, "acc", "accuracy")):
        ax.plot(epochs, history[key], color=BLUE, marker="o", markersize=3, label="training")
        ax.plot(
            epochs,
            history[f"val_{key}"],
            color=ORANGE,
            marker="s",
            markersize=3,
            label="validation",
        )
        ax.set(xlabel="epoch", ylabel=label, xticks=[1, 5, 10, 15, 20])
    right.axhline(baseline, color=MUTED, linestyle="--", linewidth=1.2)
    right.text(20, baseline + 0.015, "majority-class baseline", color="#666666", ha="right")
    left.set(title="loss falls", ylim=(0.0, 0.8))
    right.set(title="accuracy rises", ylim=(0.4, 1.0))
    left.legend(loc="upper right")
