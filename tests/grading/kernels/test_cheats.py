"""The exercises' tests resist the common cheats (issue 9): put in a learner's notebook,
each cheat gains nothing over the honest score of the same notebook without it, graded as
``constructeur check`` grades (``grade_notebook``, in a copy of the course).

- patching ``torch.allclose``, directly or from an import hook on ``builtins.__import__``,
  in a notebook whose answers are wrong;
- taking the package's reference answers: imported, subclassed, imported with
  ``__module__`` set to ``"__main__"``, or called from a function of one's own, in every
  assignment;
- an IPython AST transformer that wraps every later cell in ``try``/``except``, or an input
  transformer that turns every later cell into ``pass``, in an untouched notebook.
"""

import importlib.util

import nbformat
import pytest

from helpers import ROOT, copy_course, require_sandbox
from constructeur.grading.check import grade_notebook
from constructeur.grading.course import Course
from constructeur.grading.results import Kind


ALLCLOSE = "import torch\ntorch.allclose = lambda *args, **kwargs: True\n"
IMPORT_HOOK = """import builtins
import torch

original_import = builtins.__import__


def cheating_import(*args, **kwargs):
    torch.allclose = lambda *args, **kwargs: True
    return original_import(*args, **kwargs)


builtins.__import__ = cheating_import
"""
AST_TRANSFORMER = """import ast


class Silence(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])
        guarded = ast.Try(body=node.body or [ast.Pass()], handlers=[handler], orelse=[], finalbody=[])
        return ast.fix_missing_locations(ast.Module(body=[guarded], type_ignores=[]))


get_ipython().ast_transformers.append(Silence())
"""
INPUT_TRANSFORMER = "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n"

ASSIGNMENTS = Course(ROOT).assignments()

# The package's reference answers, imported, subclassed, with `__module__` set, or called.
REFERENCES = {
    "blocks": {
        "MySequential": "from constructeur.blocks import MySequential\n",
        "ParallelModule": "import constructeur.blocks\n\n\nclass ParallelModule(constructeur.blocks.ParallelModule):\n    pass\n",
    },
    "init": {
        "parameter_shapes": "from constructeur.params import parameter_shapes\n\nparameter_shapes.__module__ = '__main__'\n",
    },
    "io": {
        "save_tensors": "from constructeur.io import save_tensors\n\nsave_tensors.__module__ = '__main__'\n",
        "load_tensors": "from constructeur.io import load_tensors\n",
    },
    "devices": {
        "try_gpu": "from constructeur.devices import try_gpu\n\ntry_gpu.__module__ = '__main__'\n",
        "try_all_gpus": "try_all_gpus = constructeur.devices.try_all_gpus\n",
        "to_device": "def to_device(obj, device):\n    return constructeur.devices.to_device(obj, device)\n",
    },
    "atelier": {
        "save_resumable": "from constructeur.resume import save_resumable\n\nsave_resumable.__module__ = '__main__'\n",
        "load_resumable": "import constructeur.resume\n\n\ndef load_resumable(path, model, optimizer):\n"
                          "    return constructeur.resume.load_resumable(path, model, optimizer)['step']\n",
    },
}


# Wrong answers of `blocks` that only a comparison of values catches (tests/variants/blocks.py).
CAUGHT_BY_VALUES = {
    "MySequential": "modules sorted by name, so '10' runs before '2'",
    "ParallelModule": "outputs in the wrong order",
    "replicate": "off by one: n - 1 modules",
    "TensorReduction": "wrong indices: X[b, i] squared instead of X[b, i] X[b, j]",
    "HalfFourier": "transform of the first half instead of half of the transform",
}


def wrong_answers():
    """The answers of CAUGHT_BY_VALUES, by graded name."""
    spec = importlib.util.spec_from_file_location("cheats_blocks", ROOT / "tests" / "variants" / "blocks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: module.WRONG[name][description] for name, description in CAUGHT_BY_VALUES.items()}


def learner_notebook(root, assignment, answers=None, cheat=None):
    """The released notebook of ``assignment`` in the course at ``root``, with ``answers``
    (graded name -> source) in its answer cells and ``cheat`` at the top of the first one."""
    nb = nbformat.read(root / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    first = True
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        if answers and grade_id in answers:
            cell.source = answers[grade_id]
        if cheat and first:
            cell.source = cheat + "\n\n" + cell.source
        first = False
    return nb


@pytest.fixture(scope="module")
def grade(tmp_path_factory):
    """grade(assignment, answers, cheat): the Grading of such a learner notebook (cheating
    code: only where the sandbox starts)."""
    require_sandbox()
    root = tmp_path_factory.mktemp("course")
    copy_course(root, ASSIGNMENTS)
    gradings = {}

    def grade(assignment, answers=None, cheat=None):
        key = (assignment, repr(answers), cheat)
        if key not in gradings:
            folder = root / "learners" / str(len(gradings))
            folder.mkdir(parents=True)
            path = folder / f"{assignment}.ipynb"
            nbformat.write(learner_notebook(ROOT, assignment, answers, cheat), path)
            gradings[key] = grade_notebook(path)
        return gradings[key]

    return grade


def _failures(grading):
    return " ".join(cell.failure or "" for cell in grading.cells)


def _flags(grading):
    return " ".join(finding.reason for finding in grading.findings if finding.kind == Kind.FLAG)


@pytest.mark.parametrize("cheat, named", [(ALLCLOSE, "torch.allclose"), (IMPORT_HOOK, "builtins.__import__")],
                         ids=["allclose", "import_hook"])
def test_patched_comparison_gains_nothing(grade, cheat, named):
    honest = grade("blocks", wrong_answers())
    cheating = grade("blocks", wrong_answers(), cheat)
    assert honest.score < honest.max_score
    assert cheating.score <= honest.score, f"{cheating.score} points avec la triche, {honest.score} sans"
    assert named in _flags(cheating), cheating.findings  # the judge compares in the grader; a human is told


def test_every_assignment_has_its_reference_cheats():
    assert sorted(REFERENCES) == sorted(ASSIGNMENTS)


@pytest.mark.parametrize("assignment", sorted(REFERENCES))
def test_reference_answers_gain_nothing(grade, assignment):
    honest = grade(assignment)
    cheating = grade(assignment, REFERENCES[assignment])
    assert cheating.score <= honest.score, f"{cheating.score} points avec la triche, {honest.score} sans"
    for name in REFERENCES[assignment]:
        failures = [c.failure for c in cheating.cells if c.exercise == name]
        assert failures and all("écrivez-la vous-même" in (failure or "") for failure in failures), failures


@pytest.mark.parametrize("cheat", [AST_TRANSFORMER, INPUT_TRANSFORMER], ids=["ast_transformer", "input_transformer"])
def test_silenced_tests_gain_nothing(grade, cheat):
    honest = grade("blocks")
    cheating = grade("blocks", cheat=cheat)
    assert cheating.score <= honest.score, f"{cheating.score} points avec la triche, {honest.score} sans"
    assert "input_transformers_cleanup" in _flags(cheating) or "ast_transformers" in _flags(cheating), cheating.findings
