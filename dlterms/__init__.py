"""dlterms: a deep-learning glossary whose every entry runs.

The reference functions are small, vectorised numpy implementations, one
module per topic, re-exported here. :func:`lookup` and :func:`search` read
the glossary that ships with the package; they import the loader only when
called, so ``import dlterms`` stays as light as numpy itself.

Examples
--------
>>> import dlterms
>>> dlterms.lookup("MSE").term
'Mean squared error'
>>> dlterms.softmax([0.0, 0.0]).tolist()
[0.5, 0.5]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# --- reference functions (numpy only) -------------------------------------
# BEGIN reference re-exports
from dlterms.activations import (
    log_softmax,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_jvp,
)
from dlterms.clustering import kmeans
from dlterms.data import iterations_per_epoch, one_hot, random_undersample
from dlterms.layers import (
    avg_pool2d,
    batch_norm,
    conv2d,
    conv2d_output_size,
    dense,
    dropout,
    max_pool2d,
)
from dlterms.losses import cross_entropy, mean_absolute_error, mean_squared_error
from dlterms.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_score,
    prediction_bias,
    recall_score,
)
from dlterms.optim import gradient_descent, gradient_descent_step
from dlterms.tensors import broadcast_shapes

__all__ = [
    "accuracy_score",
    "avg_pool2d",
    "batch_norm",
    "broadcast_shapes",
    "confusion_matrix",
    "conv2d",
    "conv2d_output_size",
    "cross_entropy",
    "dense",
    "dropout",
    "gradient_descent",
    "gradient_descent_step",
    "iterations_per_epoch",
    "kmeans",
    "log_softmax",
    "lookup",
    "max_pool2d",
    "mean_absolute_error",
    "mean_squared_error",
    "one_hot",
    "precision_score",
    "prediction_bias",
    "random_undersample",
    "recall_score",
    "relu",
    "relu_grad",
    "search",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jvp",
]
# END reference re-exports

if TYPE_CHECKING:  # pragma: no cover
    from dlterms.glossary import Entry

__version__ = "0.1.0"


def lookup(name: str) -> Entry:
    """Return the glossary entry whose term, id or alias is `name`.

    Matching ignores case, spacing and punctuation, and follows aliases.

    Parameters
    ----------
    name : str
        A term, an alias such as ``"MSE"``, or an entry id.

    Returns
    -------
    Entry
        The entry, with its fields and its resolved ``functions``.

    Raises
    ------
    KeyError
        If no entry has that name; the message suggests close matches.

    Examples
    --------
    >>> entry = lookup("mse")
    >>> entry.id, entry.term
    ('mean-squared-error', 'Mean squared error')
    """
    from dlterms.glossary import default_glossary

    return default_glossary().lookup(name)


def search(query: str, *, limit: int = 10) -> list[Entry]:
    """Return the entries that best match the words of `query`, best first.

    Parameters
    ----------
    query : str
        One or more words.
    limit : int, default=10
        The most entries to return.

    Returns
    -------
    list of Entry
        Ranked by relevance: names first, then definitions, then the rest.

    Examples
    --------
    >>> [e.id for e in search("gradient")][:2]
    ['gradient-descent', 'learning-rate']
    """
    from dlterms.glossary import default_glossary

    return default_glossary().search(query, limit=limit)
