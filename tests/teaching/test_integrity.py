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
    "class": ("class MySequential(nn.Module):\n    def forward(self, X):\n        return X\n", "MySequential"),
    "function": ("def try_gpu(i=0):\n    return i\n", "try_gpu"),
    "lambda": ("try_gpu = lambda i=0: i\n", "try_gpu"),
    "function using another name of the package": (
        "from constructeur.devices import try_gpu\n\ndef to_device(obj, device):\n    return obj.to(try_gpu())\n",
        "to_device",
    ),
}
TAKEN = {
    "imported class": (
        "import constructeur.blocks\nMySequential = constructeur.blocks.MySequential\n", "MySequential", "vient du module"
    ),
    "subclass": ("class MySequential(constructeur.blocks.MySequential):\n    pass\n", "MySequential", "hérite de"),
    "__module__ set": (
        "MySequential = constructeur.blocks.MySequential\nMySequential.__module__ = '__main__'\n",
        "MySequential",
        "reprend le code",
    ),
    "copied class dict": (
        "methods = {k: v for k, v in vars(constructeur.blocks.MySequential).items() if not k.startswith('__')}\n"
        "MySequential = type('MySequential', (nn.Module,), methods)\n"
        "MySequential.__module__ = '__main__'\n",
        "MySequential",
        "reprend le code",
    ),
    "class wrapping the reference": (
        "class MySequential(nn.Module):\n    def __init__(self, *modules):\n        super().__init__()\n"
        "        self.inner = constructeur.blocks.MySequential(*modules)\n",
        "MySequential",
        "fait appel à constructeur",
    ),
    "function with __module__ set": (
        "try_gpu = constructeur.devices.try_gpu\ntry_gpu.__module__ = '__main__'\n", "try_gpu", "reprend le code"
    ),
    "wrapped function": (
        "@functools.wraps(constructeur.devices.try_gpu)\ndef try_gpu(i=0):\n    return i\ntry_gpu.__module__ = '__main__'\n",
        "try_gpu",
        "reprend le code",
    ),
    "function calling the reference under another name": (
        "from constructeur.devices import to_device as reference\n\ndef to_device(obj, device):\n"
        "    return [reference(item, device) for item in obj]\n",
        "to_device",
        "fait appel à constructeur.devices.to_device",
    ),
}


@pytest.fixture(autouse=True)
def package_untouched():
    """Some sources set ``__module__`` on the package's own objects: it is put back."""
    objects = [constructeur.blocks.MySequential, constructeur.devices.try_gpu]
    modules = [obj.__module__ for obj in objects]
    yield
    for obj, module in zip(objects, modules):
        obj.__module__ = module


@pytest.mark.parametrize("source, name", WRITTEN.values(), ids=WRITTEN)
def test_answers_written_in_the_notebook_pass(source, name):
    assert provenance_problem(_notebook(source)[name], name) is None


@pytest.mark.parametrize("source, name, reason", TAKEN.values(), ids=TAKEN)
def test_answers_taken_from_the_package_fail(source, name, reason):
    namespace = _notebook(source)
    problem = provenance_problem(namespace[name], name)
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


def test_referee_notices_its_own_references_replaced():
    referee = Referee(None)
    referee._functions["torch.allclose"] = lambda *args, **kwargs: True
    assert referee.allclose(torch.zeros(1), torch.ones(1))  # what a cheat would get…
    assert "torch.allclose" in " ".join(referee.changes())  # …and what it would show


@pytest.fixture
def shell():
    """An IPython shell of this process, with a referee started as a setup cell would."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("from constructeur.integrity import Referee\nDEVICE = 'cpu'\nreferee = Referee.start()")
    yield shell
    for event in ("pre_run_cell", "pre_execute"):
        shell.events.callbacks[event].clear()
    InteractiveShell.clear_instance()


CHANGES = {
    "AST transformer": ("import ast\nget_ipython().ast_transformers.append(ast.NodeTransformer())", "ast_transformers"),
    "input transformer": ("get_ipython().input_transformers_cleanup.append(lambda lines: lines)", "cleanup"),
    "kernel method": ("ip = get_ipython()\nip.run_code = ip.run_code", "run_code"),
    "setup name": ("DEVICE = 'cuda'", "DEVICE"),
}


@pytest.mark.parametrize("code, named", CHANGES.values(), ids=CHANGES)
def test_referee_fails_the_cells_after_a_change(shell, code, named):
    assert shell.run_cell("x = 1").success  # the setup cell's names are taken before this cell
    referee = shell.user_ns["referee"]
    referee._before_cell()
    shell.run_cell(code)
    with pytest.raises(AssertionError, match=f"les tests ne sont plus fiables.*{named}"):
        referee._before_cell()  # what IPython calls before the next cell


def test_referee_reports_added_hooks(shell):
    shell.run_cell("get_ipython().events.register('pre_execute', lambda: None)")
    referee = shell.user_ns["referee"]
    assert referee.changes() == []  # a hook alone does not fail the cells
    with pytest.raises(AssertionError, match="pre_execute"):
        referee.assert_intact()


def test_setup_cell_run_again_retires_the_first_referee(shell):
    shell.run_cell("referee = Referee.start()")
    assert shell.run_cell("x = 1").success
    callbacks = shell.events.callbacks["pre_run_cell"]
    assert [c.__self__ for c in callbacks if hasattr(c, "__self__")] == [shell.user_ns["referee"]]
    shell.user_ns["referee"].assert_intact()
