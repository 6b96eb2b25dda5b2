"""dlterms: a deep-learning glossary whose every entry runs.

The reference functions are small, vectorised numpy implementations, one
module per topic, re-exported here. :func:`lookup` and :func:`search` read
the glossary's read copy, a JSON file that ``dlterms check`` and the build
write after checking every entry (see :mod:`dlterms.kb.readcopy`); they import
that reader only when called, so ``import dlterms`` stays as light as numpy.

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
# One module per topic; each lists its public functions in its own sorted __all__,
# and every one of them is re-exported here. A new topic module is added to
# REFERENCE_MODULES and imported below.
from dlterms import (
    activations,
    attention,
    autoencoders,
    autograd,
    clustering,
    convolution,
    data,
    decoding,
    efficiency,
    generative,
    gradients,
    language_models,
    layers,
    losses,
    metrics,
    networks,
    neurons,
    optim,
    paradigms,
    recurrent,
    regularization,
    reinforcement,
    schedules,
    sequence,
    sequential,
    tensors,
    tokenization,
    training,
    transformer,
    tuning,
)
from dlterms.activations import *  # noqa: F403
from dlterms.attention import *  # noqa: F403
from dlterms.autoencoders import *  # noqa: F403
from dlterms.autograd import *  # noqa: F403
from dlterms.clustering import *  # noqa: F403
from dlterms.convolution import *  # noqa: F403
from dlterms.data import *  # noqa: F403
from dlterms.decoding import *  # noqa: F403
from dlterms.efficiency import *  # noqa: F403
from dlterms.generative import *  # noqa: F403
from dlterms.gradients import *  # noqa: F403
from dlterms.language_models import *  # noqa: F403
from dlterms.layers import *  # noqa: F403
from dlterms.losses import *  # noqa: F403
from dlterms.metrics import *  # noqa: F403
from dlterms.networks import *  # noqa: F403
from dlterms.neurons import *  # noqa: F403
from dlterms.optim import *  # noqa: F403
from dlterms.paradigms import *  # noqa: F403
from dlterms.recurrent import *  # noqa: F403
from dlterms.regularization import *  # noqa: F403
from dlterms.reinforcement import *  # noqa: F403
from dlterms.schedules import *  # noqa: F403
from dlterms.sequence import *  # noqa: F403
from dlterms.sequential import *  # noqa: F403
from dlterms.tensors import *  # noqa: F403
from dlterms.tokenization import *  # noqa: F403
from dlterms.training import *  # noqa: F403
from dlterms.transformer import *  # noqa: F403
from dlterms.tuning import *  # noqa: F403

REFERENCE_MODULES = (
    activations,
    attention,
    autoencoders,
    autograd,
    clustering,
    convolution,
    data,
    decoding,
    efficiency,
    generative,
    gradients,
    language_models,
    layers,
    losses,
    metrics,
    networks,
    neurons,
    optim,
    paradigms,
    recurrent,
    regularization,
    reinforcement,
    schedules,
    sequence,
    sequential,
    tensors,
    tokenization,
    training,
    transformer,
    tuning,
)

__all__ = sorted({name for m in REFERENCE_MODULES for name in m.__all__} | {"lookup", "search"})
# END reference re-exports

if TYPE_CHECKING:  # pragma: no cover
    from dlterms.kb.model import Entry

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
    from dlterms.kb.readcopy import reading_glossary  # stdlib only: no YAML, no checks

    return reading_glossary().lookup(name)


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
    >>> search("mse")[0].term
    'Mean squared error'
    >>> search("cross entropy")[0].id
    'cross-entropy-loss'
    """
    from dlterms.kb.readcopy import reading_glossary  # stdlib only: no YAML, no checks

    return reading_glossary().search(query, limit=limit)
