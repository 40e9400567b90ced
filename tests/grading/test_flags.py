"""The static flags (constructeur.grading.flags) on synthetic cells: every kind of tampering the
issue lists is flagged in the cell that does it, legitimate code is not, and neither are
the solutions nor the graders' variants."""

import importlib.util

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import ROOT
from constructeur.grading.flags import Flag, notebook_flags

SETUP = "import torch\nfrom torch import nn\nimport constructeur.devices\n"
ASSIGNMENTS = ("blocks", "init", "io", "devices", "atelier")


def _locked(source, grade_id):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "locked": True, "solution": False, "grade": False}
    return cell


def _answer(source, grade_id="answer"):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "locked": False, "solution": True, "grade": False}
    return cell


def _flags(code, graded=("MySequential", "try_all_gpus")):
    """The flags of a notebook: a locked setup cell, then an answer cell holding ``code``."""
    nb = new_notebook(cells=[_locked(SETUP, "setup"), _answer(code)])
    return notebook_flags(nb, restored={"setup"}, graded=graded)


def _reasons(code, **kwargs):
    return [flag.reason for flag in _flags(code, **kwargs)]


PATCHES = {
    "allclose": ("torch.allclose = lambda *args, **kwargs: True", "torch.allclose"),
    "alias": ("import torch as T\nT.testing.assert_close = print", "torch.testing.assert_close"),
    "from import": ("from torch import testing\ntesting.assert_close = print", "torch.testing.assert_close"),
    "module method": ("nn.Module.__call__ = lambda self, x: x", "torch.nn.Module.__call__"),
    "augmented": ("torch.Tensor.__eq__ += 0", "torch.Tensor.__eq__"),
    "deleted": ("del torch.allclose", "torch.allclose"),
    "setattr": ("setattr(torch, 'allclose', max)", "torch.allclose"),
    "setattr, dynamic name": ("setattr(torch, name, max)", "torch"),
    "vars": ("vars(torch)['allclose'] = max", "torch.__dict__['allclose']"),
    "module dict": ("torch.__dict__.update(allclose=max)", "torch.__dict__"),
    "sys.modules": ("import sys\nsys.modules['torch'].allclose = max", "torch.allclose"),
    "sys.modules entry": ("import sys\nsys.modules['constructeur'] = None", "sys.modules['constructeur']"),
    "meta path": ("import sys\nsys.meta_path.insert(0, finder)", "sys.meta_path"),
    "import hook": (
        "import builtins\noriginal = builtins.__import__\n"
        "def hook(*args, **kwargs):\n    return original(*args, **kwargs)\nbuiltins.__import__ = hook",
        "builtins.__import__",
    ),
    "__builtins__": ("__builtins__.__import__ = None", "builtins.__import__"),
    "getattr": ("getattr(torch, 'testing').assert_close = max", "torch.testing.assert_close"),
    "mock.patch": ("from unittest import mock\nmock.patch('torch.allclose', max).start()", "torch.allclose"),
    "mock.patch.object": ("import unittest.mock\nunittest.mock.patch.object(torch, 'allclose').start()", "torch.allclose"),
    "ast transformer": ("get_ipython().ast_transformers.append(Silence())", "get_ipython().ast_transformers"),
    "input transformer": (
        "ip = get_ipython()\nip.input_transformers_cleanup.append(lambda lines: ['pass'])",
        "get_ipython().input_transformers_cleanup",
    ),
    "input transformer, post": ("from IPython import get_ipython\nget_ipython().input_transformers_post += [f]",
                                "get_ipython().input_transformers_post"),
    "events": ("get_ipython().events.register('pre_run_cell', hook)", "get_ipython().events"),
    "custom exception handler": ("get_ipython().set_custom_exc((Exception,), handler)", "get_ipython().set_custom_exc"),
    "shell method": ("import IPython\nIPython.get_ipython().run_cell = run", "get_ipython().run_cell"),
    "IPython module": ("import IPython.core.interactiveshell as shell\nshell.InteractiveShell.run_cell = run",
                       "IPython.core.interactiveshell.InteractiveShell.run_cell"),
    "exec": ("exec('torch.allclose = max')", "torch.allclose"),
    "cell magic": ("%%capture\ntorch.allclose = max", "torch.allclose"),
    "line magic": ("%time torch.allclose = max", "torch.allclose"),
    "annotated": ("torch.allclose: object = max", "torch.allclose"),
    "module dict entry": ("torch.__dict__['testing'].assert_close = max", "torch.testing.assert_close"),
    "trial answer": ("import constructeur.grading.trial as trial\ntrial.answer = forged", "constructeur.grading.trial.answer"),
    "referee instance": ("from constructeur.integrity import Referee\nreferee = Referee.start()\nreferee.changes = list", "constructeur.integrity.Referee.start().changes"),
    "class of an object": ("type(get_ipython().compile).ast_parse = parse", "get_ipython().compile.__class__.ast_parse"),
    "kernel method": ("get_ipython().kernel.do_execute = run", "get_ipython().kernel.do_execute"),
}


@pytest.mark.parametrize("code, name", PATCHES.values(), ids=PATCHES)
def test_patches_are_flagged(code, name):
    assert f"modifie «\u00a0{name}\u00a0»" in _reasons(code)


@pytest.mark.parametrize(
    "code, reason",
    [
        ("import sys\nexpected = sys._getframe(1).f_globals['expected']", "par «\u00a0sys._getframe\u00a0»"),
        ("import inspect\nframe = inspect.currentframe().f_back", "par «\u00a0f_back\u00a0»"),
        ("class Liar(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, *args):\n        return True",
         "redéfinit «\u00a0__torch_function__\u00a0»"),
    ],
)
def test_frames_read_and_torch_overrides_are_flagged(code, reason):
    assert any(reason in found for found in _reasons(code)), _reasons(code)


@pytest.mark.parametrize(
    "code, word",
    [
        ("open('/proc/self/environ').read()", "/proc/self/environ"),
        ("from pathlib import Path\nPath('../../solutions/a/a.ipynb').read_text()", "../../solutions/a/a.ipynb"),
        ("import os\nos.listdir(os.path.join('data', '..'))", ".."),
        ("torch.load(f'/sandbox/{name}.pt')", "/sandbox/"),
        ("import os\nos.listdir('/')", "/"),
        ("open('~/.ssh/id_rsa')", "~/.ssh/id_rsa"),
        ("%run ../solutions/blocks/blocks.ipynb", "../solutions/blocks/blocks.ipynb"),
        ("!cat /etc/passwd", "/etc/passwd"),
    ],
)
def test_paths_outside_the_working_folder_are_flagged(code, word):
    assert f"vise un chemin hors du dossier de travail\u00a0: «\u00a0{word}\u00a0»" in _reasons(code)


HOME = "sort du dossier de travail par «\u00a0{}\u00a0»"
PARENTS = "remonte vers les dossiers parents du dossier de travail"
EXIT = "appelle «\u00a0os._exit\u00a0», qui arrête le noyau sans prévenir"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("import os\nos.path.expanduser('x')", HOME.format("os.path.expanduser")),
        ("from pathlib import Path\nPath.home()", HOME.format("pathlib.Path.home")),
        ("from pathlib import Path\nPath('x').expanduser()", HOME.format("expanduser")),
        ("from pathlib import Path\nPath.cwd().parent / 'solutions'", PARENTS),
        ("from pathlib import Path\nfor p in Path('.').resolve().parents: pass", PARENTS),
        ("import os\nos.path.dirname(os.getcwd())", PARENTS),
        ("import os\nos.path.dirname(os.path.dirname(here))", PARENTS),
        ("from pathlib import Path\nPath(here).parent.parent", PARENTS),
        ("import os\nos._exit(0)", EXIT),
        ("from os import _exit as leave\nleave(0)", EXIT),
        ("__import__('os')._exit(0)", EXIT),
        ("import sys\nsys.settrace(tracer)", "appelle «\u00a0sys.settrace\u00a0», qui change l'exécution de Python"),
        ("exec(code)", "exécute avec «\u00a0exec\u00a0» du code construit pendant l'exécution, illisible ici"),
    ],
)
def test_leaving_the_folder_and_killing_the_kernel_are_flagged(code, reason):
    assert reason in _reasons(code)


@pytest.mark.parametrize(
    "code, name",
    [
        ("from constructeur.blocks import MySequential", "MySequential"),
        ("from constructeur.blocks import MySequential as Mine", "MySequential"),
        ("from constructeur import blocks\nclass MySequential(blocks.MySequential): pass", "MySequential"),
        ("import importlib\nimportlib.import_module('constructeur.blocks').MySequential", "MySequential"),
        ("import constructeur.blocks as b\ngetattr(b, 'MySequential')", "MySequential"),
        ("from constructeur.devices import try_all_gpus", "try_all_gpus"),
        ("try_all_gpus = constructeur.devices.try_all_gpus", "try_all_gpus"),  # imported by the setup cell
    ],
)
def test_graded_names_from_the_package_are_flagged(code, name):
    module = "constructeur.devices" if name == "try_all_gpus" else "constructeur.blocks"
    assert _reasons(code) == [f"prend «\u00a0{name}\u00a0», un exercice noté, dans «\u00a0{module}\u00a0»"]


def test_star_import_from_the_package_is_flagged():
    assert _reasons("from constructeur.blocks import *") == [
        "importe tous les noms de «\u00a0constructeur.blocks\u00a0», dont peut-être des exercices notés"
    ]


LEGITIMATE = {
    "seed and init": "torch.manual_seed(0)\nnet = nn.Linear(2, 2)\nnn.init.zeros_(net.bias)\nnn.init.ones_(net.weight)",
    "relative paths": "torch.save(model, 'model.pt')\ntorch.save(net.state_dict(), Path(tmp_path) / 'w.pt')",
    "parent of a given path": "from pathlib import Path\nPath(path).parent.mkdir(parents=True, exist_ok=True)",
    "cudnn setting": "torch.backends.cudnn.deterministic = True",
    "module attributes": "class M(nn.Module):\n    def __init__(self):\n        self.weight = nn.Parameter(torch.ones(2))",
    "package names not graded": "from constructeur.devices import try_gpu\nfrom constructeur.blocks import NestMLP",
    "strings": "'/'.join(parts)\nname.split('/')\nprint('1/2 entrées / sorties, 64 Go/s')\nopen('/dev/null', 'w')",
    "docstring": 'def f(path):\n    """Lit /etc/passwd puis ../x : seulement dans la prose."""\n    return path',
    "shadowed names": "def setattr(*args):\n    pass\nsetattr(torch, 'allclose', max)",
    "reading the shell": "get_ipython().run_line_magic('matplotlib', 'inline')",
    "magics": "%timeit torch.zeros(3)",
    "literal exec": "exec('x = 1')",
    "relative import": "from . import blocks",
    "star import": "from torch.nn.functional import *",
    "annotations": "size: int\nweights: list = []",
    "exec of broken code": "exec('(')\neval()",
    "objects of the package": "from constructeur.devices import try_gpu\nDEVICE = try_gpu()\nX = torch.ones(2, device=DEVICE)\nprint(type(DEVICE).__name__, DEVICE.type)",
}


@pytest.mark.parametrize("code", LEGITIMATE.values(), ids=LEGITIMATE)
def test_legitimate_code_is_not_flagged(code):
    assert _flags(code) == []


def test_flags_name_the_cell_and_skip_restored_and_unparsable_cells():
    graded = ["MySequential"]
    answer = _answer("torch.allclose = max\ntorch.allclose = min", "MySequential")
    added = new_code_cell("from constructeur.blocks import MySequential")
    edited_test = _locked("torch.allclose = max", "test_MySequential")
    broken = new_code_cell("torch.allclose = (")
    malformed = new_code_cell("import os\nos._exit(1)")
    malformed.metadata["nbgrader"] = "oops"
    nb = new_notebook(
        cells=[_locked(SETUP, "setup"), new_markdown_cell("os._exit"), answer, edited_test, added, broken, malformed]
    )
    flags = notebook_flags(nb, restored={"setup", "test_MySequential"}, graded=graded)
    assert flags == [
        Flag("«\u00a0MySequential\u00a0»", "modifie «\u00a0torch.allclose\u00a0»"),  # once, though done twice
        Flag("n°\u00a05", "prend «\u00a0MySequential\u00a0», un exercice noté, dans «\u00a0constructeur.blocks\u00a0»"),
        Flag("n°\u00a07", "appelle «\u00a0os._exit\u00a0», qui arrête le noyau sans prévenir"),
    ]
    assert str(flags[0]) == "cellule «\u00a0MySequential\u00a0» — modifie «\u00a0torch.allclose\u00a0»"


def _graded_notebook(path):
    """A notebook, the grade_ids of its locked cells and the names of its answers."""
    nb = nbformat.read(path, as_version=4)
    nbgrader = [cell.metadata.get("nbgrader", {}) for cell in nb.cells]
    restored = {m["grade_id"] for m in nbgrader if m.get("locked") or m.get("grade") and not m.get("solution")}
    return nb, restored, [m["grade_id"] for m in nbgrader if m.get("solution")]


@pytest.mark.parametrize("folder", ["solutions", "exercises"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_nor_exercise_is_flagged(assignment, folder):
    nb, restored, graded = _graded_notebook(ROOT / folder / assignment / f"{assignment}.ipynb")
    assert graded and restored
    assert notebook_flags(nb, restored, graded) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_variant_is_flagged(assignment):
    nb, restored, _ = _graded_notebook(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    spec = importlib.util.spec_from_file_location(f"flags_{assignment}", ROOT / "tests" / "variants" / f"{assignment}.py")
    variants = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(variants)
    setup = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == "setup"]
    for name, sources in [*variants.WRONG.items(), *variants.RIGHT.items()]:
        for description, source in sources.items():
            flags = notebook_flags(new_notebook(cells=[*setup, _answer(source, name)]), restored, [name])
            assert flags == [], f"{assignment}, {name}: {description}"
