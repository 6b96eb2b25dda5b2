"""Run the doctests a reader meets: ``example.code`` and the linked functions' Examples.

Both run in-process with :class:`doctest.DocTestRunner` and ``NORMALIZE_WHITESPACE``,
as the test suite runs them, and stop at the first failing example. Contributor code
runs with a time limit (:data:`TIME_LIMIT_SECONDS`, where the platform has
``SIGALRM`` and this is the main thread), so an endless loop is reported, not waited
for.
"""

from __future__ import annotations

import contextlib
import doctest
import inspect
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["TIME_LIMIT_SECONDS", "Failure", "docstring_failure", "doctest_failure", "shorten"]

#: Longest one doctest may run before it is stopped and reported.
TIME_LIMIT_SECONDS = 10.0

_FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.FAIL_FAST


@dataclass(frozen=True)
class Failure:
    """The first example of a doctest that fails: where, what ran, what was expected and got."""

    lineno: int
    """0-based line of the example within the doctest's text."""
    source: str
    want: str
    got: str


def shorten(text: str, width: int = 60) -> str:
    """One line of at most `width` characters.

    Examples
    --------
    >>> shorten("array([1.,\\n       2.])")
    'array([1., 2.])'
    >>> shorten("x" * 70, 10)
    'xxxxxxxxx…'
    """
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


class _TimeLimit(BaseException):
    """Raised inside a doctest that runs past its time limit."""

    def __str__(self) -> str:
        return f"no result within {TIME_LIMIT_SECONDS:g} s, so it was stopped"


@contextlib.contextmanager
def _time_limit() -> Iterator[None]:
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _FirstFailure(doctest.DocTestRunner):
    def __init__(self) -> None:
        super().__init__(optionflags=_FLAGS)
        self.failure: Failure | None = None

    def _record(self, example: doctest.Example, got: str) -> None:
        if self.failure is None:
            self.failure = Failure(example.lineno, example.source.rstrip("\n"), example.want, got)

    def report_failure(self, out, test, example, got) -> None:
        self._record(example, got)

    def report_unexpected_exception(self, out, test, example, exc_info) -> None:
        if isinstance(exc_info[1], _TimeLimit):
            self._record(example, str(exc_info[1]))
        else:
            self._record(example, "".join(traceback.format_exception_only(*exc_info[:2])))


def _run(test: doctest.DocTest) -> Failure | None:
    runner = _FirstFailure()
    try:
        with _time_limit():
            runner.run(test, out=lambda text: None, clear_globs=True)
    except _TimeLimit:  # the alarm rang between two examples
        return runner.failure or Failure(0, "", "", str(_TimeLimit()))
    return runner.failure


def doctest_failure(code: str, name: str) -> Failure | None:
    """The first failing example of a doctest session `code`, run in fresh globals."""
    test = doctest.DocTestParser().get_doctest(code, {"__name__": name}, name, None, 0)
    return _run(test)


def docstring_failure(func: Callable[..., Any]) -> tuple[Failure, str, int] | None:
    """The first failing example of `func`'s docstring, with its source file and line.

    The examples run in a copy of the function's module globals, as pytest runs them.
    """
    module = inspect.getmodule(func)
    finder = doctest.DocTestFinder(recurse=False)
    globs = dict(vars(module)) if module else {}
    for test in finder.find(func, func.__qualname__, module=module, globs=globs):
        failure = _run(test)
        if failure is not None:
            line = (test.lineno or 0) + failure.lineno + 1
            try:
                filename = inspect.getsourcefile(func) or test.filename
            except TypeError:
                filename = test.filename
            return failure, filename or "?", line
    return None
