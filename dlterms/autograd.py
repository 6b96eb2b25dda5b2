r"""Reverse-mode automatic differentiation on scalars, in the spirit of micrograd.

A :class:`Value` wraps one float. Every arithmetic operation on values returns a new
value that remembers its operands (``parents``) and the name of the operation
(``op``), so evaluating an expression records its computational graph as it runs,
the define-by-run way PyTorch records a tape. ``out.backward()`` then visits the
graph once in reverse topological order and applies the chain rule at each node,
adding every path's contribution into ``.grad``: a value used twice receives the
sum of both gradients.

:func:`grad` is the numeric entry point: the gradient of ``f(x_0, ..., x_{n-1})``
at a point, as a float64 array. :class:`Value` itself is used as
``dlterms.autograd.Value`` and stays out of ``__all__``, which lists only functions
with plain numeric results (the contract ``tests/test_reference_common.py`` checks
for every export).

Every value is a finite float64. An operation whose result, or a gradient whose
sum, would leave the float64 range raises a ValueError naming the operation,
rather than carrying an infinity or a NaN through the graph.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from dlterms._validation import as_float_array

__all__ = ["grad"]


def _finite(value: float, what: str) -> float:
    """`value` if it is a finite float, else a ValueError saying which result left float64."""
    if not math.isfinite(value):
        raise ValueError(f"{what} leaves the float64 range; got {value!r}.")
    return value


class Value:
    r"""A scalar that records its operations for reverse-mode automatic differentiation.

    Parameters
    ----------
    data : float
        A finite real number (Python or numpy scalar; not a bool).

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        $\partial \text{out} / \partial \text{self}$ after ``out.backward()``; 0.0
        before. Leaves (values made by the user) accumulate across calls of
        ``backward``, as ``.grad`` does in PyTorch; :meth:`zero_grad` resets them.
    parents : tuple of Value
        The operands this value was computed from; empty for a leaf.
    op : str
        The operation that produced it (``"+"``, ``"*"``, ``"exp"``, ...); ``""``
        for a leaf.

    Raises
    ------
    TypeError
        If `data` is not a real number.
    ValueError
        If `data` is NaN or infinite, or an operation's result leaves float64.

    See Also
    --------
    grad : The gradient of a function of several inputs, as an array.

    Notes
    -----
    Operations: ``+``, ``-``, ``*``, ``/``, ``**`` (a constant exponent), unary
    ``-``, and the methods :meth:`exp`, :meth:`log`, :meth:`tanh`, :meth:`relu` and
    :meth:`sigmoid`. Plain numbers mix in (``2 * x``, ``1 - x``) as constants.
    Each operation knows its local derivatives $\partial \text{node} / \partial
    \text{parent}$; ``backward`` multiplies them along every path and sums over
    paths (the multivariable chain rule). At the kink of ReLU, $x = 0$, the
    derivative used is 0, as in ``torch.relu``.

    Examples
    --------
    $y = x w + x$ uses $x$ twice, so $\partial y / \partial x = w + 1$:

    >>> x, w = Value(3.0), Value(-2.0)
    >>> y = x * w + x
    >>> y.data
    -3.0
    >>> y.backward()
    >>> x.grad, w.grad
    (-1.0, 3.0)

    A second ``backward`` adds to the leaves' gradients, as in PyTorch:

    >>> y.backward()
    >>> x.grad
    -2.0
    >>> y.zero_grad()
    >>> x.grad
    0.0

    >>> Value(0.0).log()
    Traceback (most recent call last):
    ...
    ValueError: log needs a positive value; got 0.0.
    """

    __slots__ = ("_backward_rule", "data", "grad", "op", "parents")

    def __init__(self, data):
        if isinstance(data, bool | np.bool_) or not isinstance(data, numbers.Real):
            raise TypeError(f"data must be a real number; got {data!r} ({type(data).__name__}).")
        try:
            value = float(data)
        except OverflowError:  # an int such as 10**400
            bits = data.bit_length()
            raise ValueError(f"data must fit in float64; got an integer of {bits} bits.") from None
        if not math.isfinite(value):
            raise ValueError(f"data must be a finite number; got {data!r}.")
        self.data = value
        self.grad = 0.0
        self.parents: tuple[Value, ...] = ()
        self.op = ""
        self._backward_rule = None

    @classmethod
    def _node(cls, data: float, parents, op: str, local) -> Value:
        """A result of `op`: `local()` gives d(result)/d(parent) for each parent."""
        out = cls(_finite(data, f"the result of {op}"))
        out.parents, out.op, out._backward_rule = tuple(parents), op, local
        return out

    def __repr__(self) -> str:
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # --- arithmetic: each returns the result and its local derivatives ------------------

    def __add__(self, other) -> Value:
        other = _as_value(other)
        return Value._node(self.data + other.data, (self, other), "+", lambda: (1.0, 1.0))

    def __sub__(self, other) -> Value:
        other = _as_value(other)
        return Value._node(self.data - other.data, (self, other), "-", lambda: (1.0, -1.0))

    def __mul__(self, other) -> Value:
        other = _as_value(other)
        a, b = self.data, other.data
        return Value._node(a * b, (self, other), "*", lambda: (b, a))

    def __truediv__(self, other) -> Value:
        other = _as_value(other)
        a, b = self.data, other.data
        if b == 0.0:
            raise ValueError("division by a Value of 0.0; the quotient is undefined.")
        q = a / b
        # d(a/b)/db = -a/b**2, written -(a/b)/b so that b**2 cannot overflow on its own
        return Value._node(q, (self, other), "/", lambda: (1.0 / b, -q / b))

    def __pow__(self, p) -> Value:
        if isinstance(p, Value | bool | np.bool_) or not isinstance(p, numbers.Real):
            raise TypeError(f"the exponent must be a real constant; got {type(p).__name__}.")
        a, p = self.data, float(p)
        if (a < 0.0 and not p.is_integer()) or (a == 0.0 and p < 0.0):
            raise ValueError(f"{a!r} ** {p!r} is not a real number.")
        try:
            power = a**p
        except OverflowError:
            raise ValueError(f"{a!r} ** {p!r} leaves the float64 range.") from None
        # d(a**p)/da = p * a**(p - 1); a**(p - 1) is computed as a power, not power / a
        return Value._node(power, (self,), f"**{p:g}", lambda: (_power_slope(a, p),))

    def __neg__(self) -> Value:
        return Value._node(-self.data, (self,), "neg", lambda: (-1.0,))

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other) -> Value:
        return _as_value(other) - self

    def __rtruediv__(self, other) -> Value:
        return _as_value(other) / self

    # --- elementary functions ---------------------------------------------------------

    def exp(self) -> Value:
        """$e^x$, whose derivative is itself."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp({self.data!r}) leaves the float64 range.") from None
        return Value._node(e, (self,), "exp", lambda: (e,))

    def log(self) -> Value:
        """Natural logarithm $\\ln x$ for $x > 0$, with derivative $1 / x$."""
        a = self.data
        if a <= 0.0:
            raise ValueError(f"log needs a positive value; got {a!r}.")
        return Value._node(math.log(a), (self,), "log", lambda: (1.0 / a,))

    def tanh(self) -> Value:
        """$\\tanh x$, with derivative $1 - \\tanh^2 x = 4 e^{-2|x|} / (1 + e^{-2|x|})^2$."""
        a = self.data
        # the exp form keeps the tiny slope far from 0, where 1 - tanh(x)**2 rounds to 0
        return Value._node(math.tanh(a), (self,), "tanh", lambda: (_sech_squared(a),))

    def relu(self) -> Value:
        """$\\max(0, x)$, with derivative 1 for $x > 0$ and 0 otherwise (0 at the kink)."""
        a = self.data
        return Value._node(max(a, 0.0), (self,), "relu", lambda: (1.0 if a > 0.0 else 0.0,))

    def sigmoid(self) -> Value:
        """$1 / (1 + e^{-x})$, with derivative $s (1 - s) = e^{-|x|} / (1 + e^{-|x|})^2$."""
        a = self.data
        e = math.exp(-abs(a))  # never overflows
        s = 1.0 / (1.0 + e) if a >= 0.0 else e / (1.0 + e)
        # the exp form keeps the tiny slope in both tails, where s * (1 - s) rounds to 0
        return Value._node(s, (self,), "sigmoid", lambda: (e / (1.0 + e) ** 2,))

    # --- the backward pass --------------------------------------------------------------

    def _topological_order(self) -> list[Value]:
        """Every node `self` depends on, each after all of its parents (iterative DFS)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node.parents if id(p) not in seen)
        return order

    def backward(self) -> None:
        r"""Fill in ``.grad`` of every value this one depends on, by the chain rule.

        Interior nodes get this pass's gradient; leaves add it to what they hold.
        The pass is all or nothing: if a local derivative fails (``x ** 0.5`` at 0),
        no ``.grad`` changes.
        """
        order = self._topological_order()
        g = {id(node): 0.0 for node in order}  # this pass's gradients, kept aside
        g[id(self)] = 1.0
        for node in reversed(order):  # each node's gradient is complete before it is used
            if not node.parents:
                continue
            for parent, local in zip(node.parents, node._backward_rule(), strict=True):
                # chain rule: d out/d parent += (d out/d node) * (d node/d parent)
                step = _finite(local * g[id(node)], f"the gradient through {node.op}")
                g[id(parent)] = _finite(g[id(parent)] + step, f"the gradient through {node.op}")
        new = [
            g[id(n)] if n.parents else _finite(n.grad + g[id(n)], "the accumulated gradient")
            for n in order
        ]
        for node, value in zip(order, new, strict=True):
            node.grad = value

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0.0 on this value and every value it depends on."""
        for node in self._topological_order():
            node.grad = 0.0


def _as_value(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _power_slope(a: float, p: float) -> float:
    if p == 0.0:
        return 0.0
    if a == 0.0 and p < 1.0:
        raise ValueError(f"x ** {p:g} has no finite derivative at x = 0.0.")
    try:
        return p * a ** (p - 1.0)
    except OverflowError:
        raise ValueError(f"the gradient through **{p:g} leaves the float64 range.") from None


def _sech_squared(a: float) -> float:
    e = math.exp(-2.0 * abs(a))
    return 4.0 * e / (1.0 + e) ** 2


def grad(f, x):
    r"""Gradient of a scalar function by reverse-mode automatic differentiation (autograd).

    Parameters
    ----------
    f : callable
        ``f(v_0, ..., v_{n-1})`` takes one :class:`Value` per entry of `x` and
        combines them with the operations of :class:`Value` (``+ - * / **``,
        ``exp``, ``log``, ``tanh``, ``relu``, ``sigmoid``) into one Value. A plain
        real number (a constant) is also accepted and has gradient 0.
    x : array_like of shape (n,)
        The finite point at which to differentiate, one entry per argument of `f`.

    Returns
    -------
    ndarray of shape (n,)
        $\nabla f(x)$: entry $i$ is $\partial f / \partial x_i$, exact up to
        rounding (no step size as in finite differences).

    Raises
    ------
    ValueError
        If `x` is not 1-D, is empty or holds NaN or infinity, or a value or gradient
        computed on the way leaves the float64 range (or is undefined, such as the
        log of a non-positive number).
    TypeError
        If `f` is not callable, `x` does not hold real numbers, or `f` returns
        something other than a Value or a real number.

    See Also
    --------
    numerical_gradient : The same gradient estimated by central differences.

    Notes
    -----
    One forward evaluation of $f$ records the computational graph; one backward
    pass over it in reverse topological order applies, at every node $u$ with
    parents $p$,

    $$\bar p \mathrel{+}= \bar u \, \frac{\partial u}{\partial p},
      \qquad \bar u = \frac{\partial f}{\partial u},\ \bar f = 1,$$

    so all $n$ partial derivatives cost about one more evaluation of $f$, whatever
    $n$ is. That is why reverse mode, the algorithm behind backpropagation,
    suits one loss and many parameters; forward mode would need $n$ passes.
    ``jax.grad`` and ``torch.autograd.grad`` compute the same numbers for array
    programs.

    References
    ----------
    .. [1] Baydin, Pearlmutter, Radul and Siskind (2018). Automatic
       differentiation in machine learning: a survey. JMLR 18(153), 1-43.
    .. [2] Karpathy, A. micrograd. https://github.com/karpathy/micrograd

    Examples
    --------
    $f(a, b) = a b + a^2$ at $(3, 4)$: $\partial f / \partial a = b + 2a = 10$ and
    $\partial f / \partial b = a = 3$.

    >>> grad(lambda a, b: a * b + a**2, [3.0, 4.0]).tolist()
    [10.0, 3.0]

    A sigmoid far in either tail keeps its tiny slope, $\approx e^{-40} \approx 4.2 \times
    10^{-18}$, where $s (1 - s)$ would round to 0 on the positive side:

    >>> float(grad(lambda z: z.sigmoid(), [-40.0])[0])
    4.248354255291589e-18
    >>> float(grad(lambda z: z.sigmoid(), [40.0])[0])
    4.248354255291589e-18
    >>> grad(lambda z: z.log(), [-1.0])
    Traceback (most recent call last):
    ...
    ValueError: log needs a positive value; got -1.0.
    """
    if not callable(f):
        raise TypeError(f"f must be callable; got {type(f).__name__}.")
    x = as_float_array(x, "x", ndim=1, layout="(n,), one entry per argument of f")
    inputs = [Value(float(v)) for v in x]
    out = f(*inputs)
    if isinstance(out, numbers.Real) and not isinstance(out, bool | np.bool_):
        _finite(float(out), "the output of f")
        return np.zeros_like(x)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value or a real number; got {type(out).__name__}.")
    out.backward()
    return np.array([v.grad for v in inputs])
