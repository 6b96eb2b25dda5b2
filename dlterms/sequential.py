"""The Keras walk-through in numpy: a stack of dense layers, compiled, fitted and evaluated.

Keras builds a classifier as ``Sequential([Dense(...), Dense(...)])``, then calls
``compile``, ``fit``, ``evaluate`` and ``predict``. This module rebuilds that workflow
from the reference functions, so every number it prints can be traced to tested code.

The exported functions are the pure core: :func:`make_trial_data` draws the course's
synthetic drug-trial data, :func:`sequential_forward` runs a stack of dense layers,
and :func:`sequential_loss_grad` returns the loss of one batch and its gradient by
backpropagation. Two small classes wrap them, because here state is the point:
:class:`Dense` is a layer's configuration, and :class:`Sequential` owns the weights
and the optimizer's moments between calls, as a Keras model does. They are used as
``dlterms.sequential.Dense`` and ``dlterms.sequential.Sequential`` and stay out of
``__all__``, which lists only functions with plain numeric results (the contract that
``tests/test_reference_common.py`` checks for every export).

Parameters are a list of ``(weight, bias)`` pairs, one per layer, with weights
shaped ``(d_in, d_out)`` as in :func:`dlterms.layers.dense`; activations are named as
in Keras's ``activation=`` argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dlterms._validation import (
    as_dense_params,
    as_float_array,
    as_index_array,
    as_rng,
    check_bool,
    check_choice,
    check_int,
    check_real,
)
from dlterms.activations import ACTIVATIONS as _REGISTRY
from dlterms.activations import check_activation
from dlterms.losses import cross_entropy, cross_entropy_grad
from dlterms.networks import _stack_backward, _stack_forward, init_mlp
from dlterms.optim import adam_step, gradient_descent_step

__all__ = ["make_trial_data", "sequential_forward", "sequential_loss_grad"]

#: Activation names a layer may use, as in Keras's ``activation=`` argument: the names
#: of :data:`dlterms.activations.ACTIVATIONS`, the one registry.
ACTIVATIONS = tuple(_REGISTRY)

#: The youngest and oldest participant of the synthetic trial, in years.
AGE_RANGE = (13, 100)
#: From this age on a participant counts as older, and usually has side effects.
OLDER_FROM = 65


# --------------------------------------------------------------------------- data


def make_trial_data(n, *, rng=None, exception_rate=0.05):
    r"""Sequential model (Keras) walk-through data: synthetic drug-trial ages scaled to $[0, 1]$.

    Parameters
    ----------
    n : int
        Number of participants, at least 1.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness, or a seed for one.
    exception_rate : float, default=0.05
        Probability $\rho \in [0, 1]$ that a participant goes against the trend of
        their age group.

    Returns
    -------
    x : ndarray of shape (n, 1)
        Each participant's age, min-max scaled: $(\text{age} - 13) / 87$.
    y : ndarray of int64, shape (n,)
        1 if the participant had side effects, else 0.

    Raises
    ------
    ValueError
        If `n` is below 1, `exception_rate` is outside $[0, 1]$, or a seed is negative.
    TypeError
        If `n` is not an int, `exception_rate` is not a number, or `rng` is not a
        Generator, an int or None.

    See Also
    --------
    Sequential : The model the walk-through fits to these data.

    majority_class_predict : The baseline a trained model has to beat.

    Notes
    -----
    An imaginary drug was tried on people aged 13 to 100. Each participant is
    younger (13 to 64) or older (65 to 100) with probability 1/2 and gets a whole
    age uniformly in that range. Older people tend to have side effects and younger
    people tend not to, except for a fraction $\rho$ in each group:

    $$y = [\text{age} \ge 65] \oplus e, \qquad e \sim \mathrm{Bernoulli}(\rho),$$

    so no model can beat an accuracy of about $1 - \rho$. The classes are balanced
    on average, and the order is already random, so a Keras-style
    ``validation_split``, which takes the last rows, gets a fair sample. Scaling uses
    the fixed range of the study rather than the sample's own minimum and maximum,
    so a training set and a test set drawn apart share one scale.

    Examples
    --------
    Two younger and two older participants; the 97-year-old is an exception, with
    no side effects:

    >>> x, y = make_trial_data(4, rng=0)
    >>> (13 + 87 * x[:, 0]).round().tolist(), y.tolist()  # ages, side effects
    ([39.0, 94.0, 88.0, 97.0], [0, 1, 1, 0])

    Without exceptions the same draw follows the age groups exactly:

    >>> make_trial_data(4, rng=0, exception_rate=0.0)[1].tolist()
    [0, 1, 1, 1]
    """
    n = check_int(n, "n", minimum=1)
    exception_rate = check_real(exception_rate, "exception_rate", low=0.0, high=1.0)
    rng = as_rng(rng)
    low, high = AGE_RANGE
    older = rng.random(n) < 0.5
    age = np.where(older, rng.integers(OLDER_FROM, high + 1, n), rng.integers(low, OLDER_FROM, n))
    exception = rng.random(n) < exception_rate
    # y = [age >= 65] xor e: the trend of the age group, flipped for the exceptions
    y = (older != exception).astype(np.int64)
    x = ((age - low) / (high - low)).reshape(n, 1)
    return x, y


# --------------------------------------------------------------------------- the core


def _as_stack(params, activations):
    """Validate ``(weight, bias)`` pairs that chain up, with one activation name per layer."""
    pairs = as_dense_params(params)
    if isinstance(activations, str) or not isinstance(activations, list | tuple):
        raise TypeError(f"activations must be a list of names, one per layer; got {activations!r}.")
    if len(activations) != len(pairs):
        raise ValueError(
            f"activations must name one activation per layer, {len(pairs)}; got {len(activations)}."
        )
    names = [_activation_name(a, f"activations[{i}]") for i, a in enumerate(activations)]
    return pairs, names


def _activation_name(name, label: str) -> str:
    """`name` if it is a known activation; None means "linear", as in Keras."""
    return check_activation("linear" if name is None else name, label)


def _as_inputs(x, weight: np.ndarray) -> np.ndarray:
    """`x` as a finite (n, d_in) array whose feature count matches the first layer."""
    x = as_float_array(x, "x", ndim=2, layout="(n, d_in)")
    if x.shape[1] != weight.shape[0]:
        raise ValueError(
            f"x must have {weight.shape[0]} features, the rows of the first weight; "
            f"got x of shape {x.shape}."
        )
    return x


def _as_labels(y, n: int, k: int) -> np.ndarray:
    """Class indices in [0, k), one per example."""
    y = as_index_array(y, "y")
    if y.shape != (n,):
        raise ValueError(f"y must hold one label per row of x, ({n},); got shape {y.shape}.")
    if y.max() >= k:
        raise ValueError(f"y must be < {k}, the width of the output layer; got {y.max()}.")
    return y


def _backprop(x, y, params, names):
    """Loss, gradients and logits of a softmax stack on one batch (inputs validated)."""
    hs, zs = _stack_forward(x, params, names)
    loss = cross_entropy(zs[-1], y)
    # softmax and cross-entropy fused: dL/dz_L = (p - onehot(y)) / n
    delta = cross_entropy_grad(zs[-1], y)
    _, grads = _stack_backward(hs, zs, params, names, delta)
    return loss, grads, zs[-1]


def _check_softmax_stack(names) -> None:
    if names[-1] != "softmax" or "softmax" in names[:-1]:
        raise ValueError(
            "a classifier stack must end in 'softmax' and use it nowhere else; "
            f"got activations {names}."
        )


def sequential_forward(x, params, activations):
    r"""Sequential model (Keras) forward pass: a batch through dense layers and their activations.

    Parameters
    ----------
    x : array_like of shape (n, d_0)
        Finite inputs, one row per example.
    params : list of (array_like, array_like or None)
        ``(weight, bias)`` per layer, weight shaped ``(d_{l-1}, d_l)`` and bias
        ``(d_l,)`` or None for none; consecutive shapes must chain up.
    activations : list of str or None
        One name per layer: "relu", "sigmoid", "tanh", "leaky_relu", "softmax" or
        "linear" (None also means "linear", as in Keras).

    Returns
    -------
    ndarray of shape (n, d_L)
        The last layer's output; with a softmax last layer each row is a
        probability distribution over the $d_L$ classes.

    Raises
    ------
    ValueError
        If an array is empty, not finite or has the wrong number of dimensions, the
        shapes do not chain up, the number of names differs from the number of
        layers, or a name is unknown.
    TypeError
        If an array does not hold real numbers, `params` is not a list of pairs, or
        a name is not a string.

    See Also
    --------
    sequential_loss_grad : The loss of such a stack and its gradient.

    mlp_forward : The same network with one activation shared by all hidden layers.

    dense, apply_activation : The two steps of every layer.

    Notes
    -----
    With $h^{(0)} = x$ and $L$ layers,

    $$h^{(l)} = f_l\bigl(h^{(l-1)} W^{(l)} + b^{(l)}\bigr), \qquad l = 1, \dots, L,$$

    which is what ``keras.Sequential([Dense(d_1, activation=f_1), ...])`` computes.
    Each step is a tested dense layer and a stable activation: softmax is
    max-shifted and sigmoid never overflows.

    Examples
    --------
    One ReLU unit that doubles its input, $h = \mathrm{ReLU}(2x)$, then a softmax over
    the logits $(h / 2, 0)$. For $x = \ln 3$ the logits are $(\ln 3, 0)$ and the
    probabilities $(3, 1) / 4$:

    >>> hidden = (np.array([[2.0]]), np.array([0.0]))
    >>> output = (np.array([[0.5, 0.0]]), np.array([0.0, 0.0]))
    >>> p = sequential_forward([[np.log(3.0)]], [hidden, output], ["relu", "softmax"])
    >>> p.round(4).tolist()
    [[0.75, 0.25]]

    A negative input switches the ReLU off, giving logits $(0, 0)$; an input of 1000
    gives logits $(1000, 0)$, and the softmax does not overflow:

    >>> sequential_forward([[-1.0], [1000.0]], [hidden, output], ["relu", "softmax"]).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    params, names = _as_stack(params, activations)
    x = _as_inputs(x, params[0][0])
    return _stack_forward(x, params, names)[0][-1]


def sequential_loss_grad(x, y, params, activations):
    r"""Sequential model (Keras) loss and gradient: a softmax stack's mean cross-entropy on a batch.

    Parameters
    ----------
    x : array_like of shape (n, d_0)
        Finite inputs, one row per example.
    y : array_like of int, shape (n,)
        The true class of each example, in ``[0, d_L)``.
    params : list of (array_like, array_like or None)
        ``(weight, bias)`` per layer, as for :func:`sequential_forward`; a None
        bias counts as zeros and still gets a gradient.
    activations : list of str or None
        One name per layer; the last must be "softmax" and no other may be.

    Returns
    -------
    loss : float
        The mean sparse categorical cross-entropy in nats.
    grads : list of (ndarray, ndarray)
        $(\partial L / \partial W^{(l)}, \partial L / \partial b^{(l)})$ per layer,
        shaped like `params`.

    Raises
    ------
    ValueError
        As for :func:`sequential_forward`; also if `y` has the wrong length or a
        label outside ``[0, d_L)``, or softmax is not exactly the last activation.
    TypeError
        As for :func:`sequential_forward`, or if `y` does not hold integers.

    See Also
    --------
    sequential_forward : The forward pass it differentiates.

    cross_entropy, cross_entropy_grad : The fused softmax loss and its gradient.

    mlp_backward : The same chain rule for a shared hidden activation.

    Notes
    -----
    With logits $z = h^{(L-1)} W^{(L)} + b^{(L)}$ and $p = \mathrm{softmax}(z)$,

    $$L = -\frac{1}{n}\sum_{i=1}^{n} \log p_{i, y_i}, \qquad
      \delta^{(L)} = \frac{\partial L}{\partial z} = \frac{p - \mathrm{onehot}(y)}{n},$$

    $$\delta^{(l)} = \bigl(\delta^{(l+1)} W^{(l+1)\top}\bigr) \odot f_l'(z^{(l)}), \qquad
      \frac{\partial L}{\partial W^{(l)}} = h^{(l-1)\top} \delta^{(l)}, \qquad
      \frac{\partial L}{\partial b^{(l)}} = \textstyle\sum_i \delta^{(l)}_i.$$

    The loss is computed from the logits through ``log_softmax``, so it equals
    Keras's ``sparse_categorical_crossentropy`` on the softmax output without its
    clip at $10^{-7}$; a confidently wrong prediction costs its full, finite loss.
    $\mathrm{ReLU}'(0) = 0$, as in PyTorch and TensorFlow.

    Examples
    --------
    One linear unit per class and all weights 0: $p = (1/2, 1/2)$, the loss is
    $\ln 2$, and $\delta = (1/2 - 1, 1/2) = (-1/2, 1/2)$ for label 0, so the weight
    gradient is $x\,\delta = (-1, 1)$ at $x = 2$.

    >>> params = [(np.zeros((1, 2)), np.zeros(2))]
    >>> loss, grads = sequential_loss_grad([[2.0]], [0], params, ["softmax"])
    >>> round(loss, 4), grads[0][0].tolist(), grads[0][1].tolist()
    (0.6931, [[-1.0, 1.0]], [-0.5, 0.5])

    A logit gap of 1000 against the truth costs exactly 1000, not $-\ln 10^{-7}$:

    >>> params = [(np.array([[1.0, -1.0]]), np.zeros(2))]
    >>> sequential_loss_grad([[500.0]], [1], params, ["softmax"])[0]
    1000.0
    """
    params, names = _as_stack(params, activations)
    _check_softmax_stack(names)
    x = _as_inputs(x, params[0][0])
    y = _as_labels(y, x.shape[0], params[-1][0].shape[1])
    loss, grads, _ = _backprop(x, y, params, names)
    return loss, grads


# --------------------------------------------------------------------------- optimizer


def _flatten(pairs) -> np.ndarray:
    return np.concatenate([a.ravel() for pair in pairs for a in pair])


def _unflatten(theta: np.ndarray, shapes) -> list[tuple[np.ndarray, np.ndarray]]:
    pieces, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        pieces.append(theta[start : start + size].reshape(shape))
        start += size
    return list(zip(pieces[::2], pieces[1::2], strict=True))


# --------------------------------------------------------------------------- the classes


@dataclass(frozen=True)
class Dense:
    """The configuration of one fully connected layer, like ``keras.layers.Dense``.

    Parameters
    ----------
    units : int
        Number of output units, at least 1.
    activation : str or None, default=None
        "relu", "sigmoid", "tanh", "leaky_relu", "softmax" or "linear"; None means
        "linear", as in Keras.
    input_dim : int, optional
        Number of input features; only the first layer may give it. Without it the
        model builds its weights when it first sees data.

    Raises
    ------
    ValueError
        If `units` or `input_dim` is below 1 or `activation` is unknown.
    TypeError
        If `units` or `input_dim` is not an int or `activation` is not a string.

    Examples
    --------
    >>> Dense(16, "relu", input_dim=1)
    Dense(units=16, activation='relu', input_dim=1)
    >>> Dense(2, "softmax").activation
    'softmax'
    """

    units: int
    activation: str | None = None
    input_dim: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "units", check_int(self.units, "units", minimum=1))
        object.__setattr__(self, "activation", _activation_name(self.activation, "activation"))
        if self.input_dim is not None:
            object.__setattr__(self, "input_dim", check_int(self.input_dim, "input_dim", minimum=1))


class Sequential:
    r"""A stack of dense layers that keeps its weights and optimizer state, used like Keras.

    ``compile`` picks the optimizer, ``fit`` trains in shuffled mini-batches and
    prints one line per epoch, ``evaluate`` scores labelled data and ``predict``
    returns class probabilities. The arithmetic is :func:`sequential_forward`,
    :func:`sequential_loss_grad` and an optimizer step; this class only remembers
    the parameters and the optimizer's moments from one call to the next.

    Parameters
    ----------
    layers : sequence of Dense
        The layers in order; the last must use "softmax" (the model is a classifier
        trained with sparse categorical cross-entropy) and no other may.
    rng : numpy.random.Generator or int or None, default=None
        Source of randomness for the initial weights and, unless ``fit`` is given
        its own, for shuffling.

    Attributes
    ----------
    layers : list of Dense
        The layer configurations, as given.
    params : list of (ndarray, ndarray) or None
        ``(weight, bias)`` per layer, or None until the input width is known. Weights
        start Glorot-normal (Keras uses Glorot-uniform, with the same variance) and
        biases at 0.
    activations : list of str
        One activation name per layer.

    Raises
    ------
    ValueError
        If `layers` is empty, a later layer gives `input_dim`, or softmax is not
        exactly the last activation.
    TypeError
        If a layer is not a :class:`Dense`.

    See Also
    --------
    sequential_forward, sequential_loss_grad : The computations, as pure functions.

    make_trial_data : The data of the walk-through.

    Notes
    -----
    Each step of ``fit`` takes a batch $B$, computes $g = \nabla_\theta L_B(\theta)$
    by backpropagation and lets the optimizer move $\theta$: Adam
    (:func:`adam_step`, on all parameters as one vector) by default, or plain
    gradient descent, $\theta \leftarrow \theta - \eta g$, with
    ``optimizer="sgd"``. One epoch is $\lceil n / |B| \rceil$ steps. As in Keras,
    the loss and accuracy printed for an epoch are means over its batches, each
    measured just before that batch's update; the validation numbers are measured
    on the weights at the end of the epoch.

    Examples
    --------
    >>> x, y = make_trial_data(200, rng=0)
    >>> model = Sequential([Dense(8, "relu", input_dim=1), Dense(2, "softmax")], rng=0)
    >>> model.compile(learning_rate=0.01)
    >>> history = model.fit(x, y, batch_size=20, epochs=3, rng=0)
    Epoch 1/3 - loss: 0.6251 - acc: 0.6050
    Epoch 2/3 - loss: 0.5657 - acc: 0.8200
    Epoch 3/3 - loss: 0.5111 - acc: 0.8800
    >>> history["loss"][-1] < history["loss"][0]
    True
    >>> model.predict(x[:2]).round(2).tolist()  # a 39- and a 94-year-old
    [[0.6, 0.4], [0.34, 0.66]]
    """

    def __init__(self, layers, *, rng=None):
        layers = list(layers)
        if not layers:
            raise ValueError("layers must hold at least one Dense layer; got none.")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Dense):
                raise TypeError(f"layers[{i}] must be a Dense; got {type(layer).__name__}.")
            if i > 0 and layer.input_dim is not None:
                raise ValueError(f"only the first layer may give input_dim; got it on layer {i}.")
        self.layers = layers
        self.activations = [layer.activation for layer in layers]
        _check_softmax_stack(self.activations)
        self._rng = as_rng(rng)
        self.params = None
        self._optimizer = None
        self._with_accuracy = True
        if layers[0].input_dim is not None:
            self._build(layers[0].input_dim)

    def _build(self, d_in: int) -> None:
        sizes = [d_in, *(layer.units for layer in self.layers)]
        self.params = init_mlp(sizes, rng=self._rng, scheme="glorot")

    def _prepare(self, x, y=None):
        """Validated inputs (and labels); builds the weights on first sight of data."""
        x = as_float_array(x, "x", ndim=2, layout="(n, d_in)")
        if self.params is None:
            self._build(x.shape[1])
        x = _as_inputs(x, self.params[0][0])
        if y is None:
            return x
        return x, _as_labels(y, x.shape[0], self.layers[-1].units)

    def compile(
        self,
        optimizer="adam",
        *,
        learning_rate=1e-4,
        loss="sparse_categorical_crossentropy",
        metrics=("accuracy",),
    ):
        """Choose the optimizer, loss and metrics; resets the optimizer's state.

        Parameters
        ----------
        optimizer : {"adam", "sgd"}, default="adam"
            Adam with $\\beta_1 = 0.9$, $\\beta_2 = 0.999$, $\\varepsilon = 10^{-8}$, or
            plain mini-batch gradient descent.
        learning_rate : float, default=1e-4
            Step size $\\eta > 0$ (the course's value; Keras's Adam defaults to 0.001).
        loss : {"sparse_categorical_crossentropy"}, default="sparse_categorical_crossentropy"
            Integer labels against softmax probabilities.
        metrics : sequence of {"accuracy", "acc"}, default=("accuracy",)
            Whether to report accuracy besides the loss.

        Raises
        ------
        ValueError
            If a name is not one of the above or `learning_rate` is not positive.
        TypeError
            If `learning_rate` is not a number.
        """
        check_choice(optimizer, "optimizer", ("adam", "sgd"))
        check_choice(loss, "loss", ("sparse_categorical_crossentropy",))
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        if any(m not in ("accuracy", "acc") for m in metrics):
            raise ValueError(f"metrics may only hold 'accuracy'; got {metrics!r}.")
        rate = check_real(learning_rate, "learning_rate", low=0.0, closed="neither")
        self._optimizer = {"name": optimizer, "learning_rate": rate, "state": None}
        self._with_accuracy = bool(metrics)

    def _step(self, x, y):
        """One optimizer step on a batch; returns the batch's loss and correct count."""
        loss, grads, logits = _backprop(x, y, self.params, self.activations)
        opt = self._optimizer
        theta, g = _flatten(self.params), _flatten(grads)
        if opt["name"] == "adam":
            theta, opt["state"] = adam_step(
                theta, g, opt["state"], learning_rate=opt["learning_rate"]
            )
        else:
            theta = gradient_descent_step(theta, g, learning_rate=opt["learning_rate"])
        shapes = [a.shape for pair in self.params for a in pair]
        self.params = _unflatten(theta, shapes)
        return loss, int(np.count_nonzero(np.argmax(logits, axis=1) == y))

    def fit(
        self,
        x,
        y,
        *,
        batch_size=10,
        epochs=20,
        shuffle=True,
        validation_split=0.0,
        verbose=2,
        rng=None,
    ):
        """Train for `epochs` passes over the data in mini-batches; return the history.

        Parameters
        ----------
        x : array_like of shape (n, d_0)
            Training inputs.
        y : array_like of int, shape (n,)
            Their class labels.
        batch_size : int, default=10
            Examples per step; the last batch of an epoch may be smaller.
        epochs : int, default=20
            Passes over the training data.
        shuffle : bool, default=True
            Draw a new order of the training examples before every epoch.
        validation_split : float, default=0.0
            Fraction in $[0, 1)$ of the data held out for validation: the *last*
            rows, taken before any shuffling, as in Keras.
        verbose : {0, 1, 2}, default=2
            0 prints nothing; 1 and 2 print one line per epoch.
        rng : numpy.random.Generator or int or None, default=None
            Randomness for shuffling; default: the model's own.

        Returns
        -------
        dict of str to list of float
            ``"loss"`` and ``"acc"`` per epoch, plus ``"val_loss"`` and ``"val_acc"``
            with a validation split (Keras 3 spells accuracy ``"accuracy"``).

        Raises
        ------
        ValueError
            If the model is not compiled, the data are invalid, an option is out of
            range, or the split leaves no training or no validation example.
        TypeError
            If an option has the wrong type.
        """
        if self._optimizer is None:
            raise ValueError("the model must be compiled before fit; call compile() first.")
        x, y = self._prepare(x, y)
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        epochs = check_int(epochs, "epochs", minimum=1)
        split = check_real(validation_split, "validation_split", low=0.0, high=1.0, closed="left")
        verbose = check_int(verbose, "verbose", minimum=0)
        if verbose > 2:
            raise ValueError(f"verbose must be 0, 1 or 2; got {verbose}.")
        check_bool(shuffle, "shuffle")
        rng = self._rng if rng is None else as_rng(rng)
        n_train = math.floor(x.shape[0] * (1.0 - split))
        if n_train < 1 or (split > 0 and n_train == x.shape[0]):
            raise ValueError(
                f"validation_split={split:g} of {x.shape[0]} examples leaves an empty "
                "training or validation set."
            )
        x_val, y_val = x[n_train:], y[n_train:]
        x, y = x[:n_train], y[:n_train]
        history = {"loss": [], "acc": []} if self._with_accuracy else {"loss": []}
        if split > 0:
            history.update(
                {"val_loss": [], "val_acc": []} if self._with_accuracy else {"val_loss": []}
            )
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n_train) if shuffle else np.arange(n_train)
            total_loss, correct = 0.0, 0
            for start in range(0, n_train, batch_size):
                batch = order[start : start + batch_size]
                loss, right = self._step(x[batch], y[batch])
                total_loss += loss * batch.size
                correct += right
            scores = {"loss": total_loss / n_train, "acc": correct / n_train}
            if split > 0:
                val = self.evaluate(x_val, y_val)
                scores.update(val_loss=val["loss"], val_acc=val["acc"])
            line = f"Epoch {epoch}/{epochs}"
            for key in history:
                history[key].append(scores[key])
                line += f" - {key}: {scores[key]:.4f}"
            if verbose:
                print(line)
        return history

    def evaluate(self, x, y):
        """Mean loss (and accuracy, if compiled with it) on labelled data.

        Parameters
        ----------
        x : array_like of shape (n, d_0)
            Inputs.
        y : array_like of int, shape (n,)
            Their class labels.

        Returns
        -------
        dict of str to float
            ``"loss"``, the mean cross-entropy, and ``"acc"``, the accuracy.
        """
        x, y = self._prepare(x, y)
        logits = _stack_forward(x, self.params, self.activations)[1][-1]
        scores = {"loss": cross_entropy(logits, y)}
        if self._optimizer is None or self._with_accuracy:
            scores["acc"] = float(np.mean(np.argmax(logits, axis=1) == y))
        return scores

    def predict(self, x):
        """Class probabilities for every row of `x`, shape ``(n, d_L)``."""
        return sequential_forward(self._prepare(x), self.params, self.activations)
