"""The referee of the exercises' test cells (constructeur.integrity), in this process: what
it takes for written in the notebook, and the changes it notices (the kernel side, with
IPython's transformers and hooks, is tested through grading in test_cheats.py)."""

import functools

import pytest
import torch

import constructeur.blocks
import constructeur.devices
from constructeur.integrity import Referee, provenance_problem


def _notebook(source):
    """The names that ``source`` defines when run as a notebook cell (in ``__main__``)."""
    namespace = {"__name__": "__main__", "nn": torch.nn, "constructeur": constructeur, "functools": functools}
    exec(compile(source, "<cellule>", "exec"), namespace)
    return namespace


WRITTEN = {
    "class": "class MySequential(nn.Module):\n    def forward(self, X):\n        return X\n",
    "function": "def try_gpu(i=0):\n    return i\n",
    "lambda": "try_gpu = lambda i=0: i\n",
}
TAKEN = {
    "imported class": ("import constructeur.blocks\nMySequential = constructeur.blocks.MySequential\n", "vient du module"),
    "subclass": ("class MySequential(constructeur.blocks.MySequential):\n    pass\n", "hérite de constructeur.blocks"),
    "__module__ set": (
        "MySequential = constructeur.blocks.MySequential\nMySequential.__module__ = '__main__'\n",
        "reprend le code",
    ),
    "copied class dict": (
        "methods = {k: v for k, v in vars(constructeur.blocks.MySequential).items() if not k.startswith('__')}\n"
        "MySequential = type('MySequential', (nn.Module,), methods)\n"
        "MySequential.__module__ = '__main__'\n",
        "reprend le code",
    ),
    "function with __module__ set": (
        "try_gpu = constructeur.devices.try_gpu\ntry_gpu.__module__ = '__main__'\n",
        "reprend le code",
    ),
    "wrapped function": (
        "@functools.wraps(constructeur.devices.try_gpu)\ndef try_gpu(i=0):\n    return i\ntry_gpu.__module__ = '__main__'\n",
        "reprend le code",
    ),
}


@pytest.mark.parametrize("source", WRITTEN.values(), ids=WRITTEN)
def test_answers_written_in_the_notebook_pass(source):
    namespace = _notebook(source)
    name = "MySequential" if "MySequential" in namespace else "try_gpu"
    assert provenance_problem(namespace[name], name) is None


@pytest.mark.parametrize("source, reason", TAKEN.values(), ids=TAKEN)
def test_answers_taken_from_the_package_fail(source, reason):
    namespace = _notebook(source)
    name = "MySequential" if "MySequential" in namespace else "try_gpu"
    original = getattr(namespace[name], "__module__", None)
    try:
        problem = provenance_problem(namespace[name], name)
    finally:
        namespace[name].__module__ = original  # the package's objects were changed in place
    assert problem is not None and reason in problem, problem
    with pytest.raises(AssertionError, match="vous-même"):
        Referee(None).assert_written_here(namespace[name], name)


def test_referee_notices_replaced_functions(monkeypatch):
    referee = Referee(None)
    assert referee.changes() == []
    monkeypatch.setattr(torch, "allclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(torch.Tensor, "__eq__", lambda *args: True)
    found = referee.changes()
    assert len(found) == 1 and "torch.allclose" in found[0] and "torch.Tensor.__eq__" in found[0]
    assert referee.allclose(torch.zeros(1), torch.ones(1)) is False
    with pytest.raises(AssertionError, match="torch.allclose"):
        referee.assert_intact()
