"""How a test cell is written so that its verdict is reached outside the learner's process.

A test cell defines three ordinary functions and hands them to ``check``:

- ``given(rng)`` draws the test's inputs with the ``torch.Generator`` it receives (fresh,
  unpredictable seeds when grading) and returns them as data (see ``wire``);
- ``measure(given)`` runs the learner's code on them and returns what it observed, as data
  (outputs, shapes, parameter names, gradients after a backward, exception types...). It
  sees the notebook's names, ``torch``, ``nn`` and the helpers below, nothing of the cell;
- ``judge(given, seen)`` decides, with ``assert`` and French messages.

In the learner's notebook the three run there, one after the other, and the learner sees
the judge's message. When nbgrader grades, ``execution.GuardedExecute`` takes the test
cell's source from the gradebook, runs ``given`` and ``judge`` in the grader's process and
only ``measure`` in the sandboxed kernel, through ``answer``: the kernel never sees an
expected value, never says « passed », and what it sends back is data, checked on the
grader's side (``remote``).

Example:
    >>> def given(rng):
    ...     return {"X": torch.randn(3, generator=rng)}
    >>> def measure(given):
    ...     return {"out": given["X"] * 2}
    >>> def judge(given, seen):
    ...     assert torch.allclose(seen["out"], 2 * given["X"]), "la sortie n'est pas le double"
    >>> check(given, measure, judge)
"""

import ast
import contextlib
import secrets
import textwrap

import torch
from torch import nn

from ..device_guard import SameDevice
from ..integrity import provenance_problem
from .wire import decode, encode

MIME = "application/vnd.constructeur.answer+json"  # the display that carries the kernel's answer
__all__ = ["check", "raised", "written_here", "with_state", "SameDevice"]

_collected = None  # while a source is being read for its test: the list ``check`` fills


def check(given, measure, judge):
    """Run the test: in the learner's notebook, here and now; when a source is being read
    by the grader (``collect``), only note its three functions."""
    if _collected is not None:
        _collected.append((given, measure, judge))
        return
    generator = torch.Generator().manual_seed(secrets.randbits(63))
    payload = encode(given(generator))
    with full_float32():
        seen = decode(encode(measure(decode(payload))))  # what the grader would receive
    judge(decode(payload), seen)  # inputs of its own, as in the grader: measure may change its


@contextlib.contextmanager
def full_float32():
    """No TensorFloat-32 while the learner's code is measured: a GPU then computes float32
    products as the grader's CPU does, within the tests' tolerances."""
    settings = torch.backends.cuda.matmul, torch.backends.cudnn
    saved = [setting.allow_tf32 for setting in settings]
    for setting in settings:
        setting.allow_tf32 = False
    try:
        yield
    finally:
        for setting, value in zip(settings, saved):
            setting.allow_tf32 = value


def raised(action):
    """The exception ``action()`` raises, as data (``{"type", "message", "kinds"}``, kinds
    being the names of its class and of every class it derives from), or None."""
    try:
        action()
    except Exception as error:  # any exception is an observation here
        kinds = [kind.__name__ for kind in type(error).__mro__]
        return {"type": type(error).__name__, "message": str(error), "kinds": kinds}
    return None


def written_here(obj, name=None):
    """Why ``obj`` was not written in the notebook (French), or None if it was."""
    return provenance_problem(obj, name or getattr(obj, "__name__", repr(obj)))


def with_state(module, state):
    """``module`` with the tensors of ``state`` (a state_dict, as data) copied into it."""
    module.load_state_dict(state)
    return module


def collect(source, namespace=None):
    """The ``(given, measure, judge)`` that a test cell's ``source`` hands to ``check``
    (None for a cell that does not call it at its top level), read by running the source
    in ``namespace``."""
    global _collected
    calls = [node.value for node in ast.parse(source).body if isinstance(node, ast.Expr)]
    if not any(isinstance(call, ast.Call) and getattr(call.func, "id", None) == "check" for call in calls):
        return None
    namespace = {"torch": torch, "nn": nn, **{name: globals()[name] for name in __all__}, **(namespace or {})}
    _collected = []
    try:
        exec(compile(source, "<test>", "exec"), namespace)  # the course's own source, trusted
        found = _collected
    finally:
        _collected = None
    return found[0] if len(found) == 1 else None


def function_source(source, function):
    """The source of ``function``'s definition, at the top level of ``source``."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function.__name__:
            node.decorator_list = []
            return textwrap.dedent(ast.get_source_segment(source, node))
    raise ValueError(f"{function.__name__} n'est pas défini au premier niveau de la cellule")


def answer(measure_source, payload):
    """In the learner's kernel: run the test's ``measure`` on the inputs of ``payload`` and
    display what it observed (or the exception it raised), as data, for the grader."""
    from IPython import get_ipython
    from IPython.display import display

    shell = get_ipython()
    namespace = {**(shell.user_ns if shell is not None else {}), "torch": torch, "nn": nn}
    namespace.update({name: globals()[name] for name in __all__})
    try:
        exec(compile(measure_source, "<mesure>", "exec"), namespace)
        measure = namespace[ast.parse(measure_source).body[0].name]
        with full_float32():
            result = {"seen": encode(measure(decode(payload)))}
    except Exception as error:  # the learner's code raised: that is what is sent back
        result = {"raised": {"type": type(error).__name__, "message": str(error)}}
    display({MIME: result}, raw=True)
