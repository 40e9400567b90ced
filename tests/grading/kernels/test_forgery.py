"""No learner code forges a trial's verdict (issue 15): each cheat family, written as a
learner would write it in the released ``blocks`` notebook, gains no point on any test
cell that is a trial, through the check (``grade_notebook``), through one class grading
of all the cheats (``grade_class``, one student per cheat) and through a plain ``nbgrader
autograde`` configured by the course; and the static look flags it wherever it can see it.

Each cheat sits in the ``MySequential`` answer cell, after the honest stub (or after a
wrong ``MySequential`` whose only fault is its output values, for the cheats that make a
comparison lie); its score on every trial cell is compared with the score of the same
notebook without the cheat. The trial cells are those of the course's source notebook
that ``trial.collect`` reads as a trial, so the test widens by itself as cells are
converted. Families:

- the referee's private references, reached through the instance, its class, its
  functions' ``__code__``, or ``gc`` (this last one is not statically visible: the object
  is found at run time);
- the kernel's execution path made to skip test cells: ``do_execute``, ``run_cell``, the
  shell's compiler class, a cleanup input transformer; a ``post_run_cell`` hook that
  clears the test's outputs (its error); ``sys.settrace`` jumping over the test's lines;
- a tensor subclass whose ``__torch_function__`` makes comparisons pass; an answer that
  reads the expected value from the calling test's frame; a thread that swaps the
  referee's references while the tests run; the execution-path cheat hidden in base64;
- aimed at trials: ``constructeur.grading.trial`` patched in the kernel (``answer``
  sending a forged answer that claims every rule and carries NaN; ``written_here`` and
  ``check`` neutered), a forged answer displayed with ``trial.MIME`` from a hook in place
  of the real one, an input transformer rewriting the grader's request, a payload bigger
  than the grader reads, and one whose tensors are a pickle.

What a forged answer cannot do is compute, on the grader's fresh inputs, the values the
exercise asks for: that would be writing the answer (``bench/forgery.py`` measures the
limit cases: the package's reference taken with ``written_here`` neutered).
"""

import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from constructeur.grading.check import grade_notebook
from constructeur.grading.course import Course
from constructeur.grading.grade import grade_class
from constructeur.grading.results import Kind
from helpers import ROOT, copy_course, require_sandbox

ASSIGNMENT = "blocks"
ANSWER = "MySequential"  # the answer cell the cheats are written in
VENV_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

# A MySequential right in everything but its output (it forgets the activations): what a
# lying comparison would turn into points.
WRONG = '''class MySequential(nn.Module):
    """Applique les modules reçus l'un après l'autre (sauf les activations : faux)."""

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X):
        for module in self._modules.values():
            if not isinstance(module, nn.ReLU):
                X = module(X)
        return X

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]
'''

NEUTER = "referee.changes = lambda *args, **kwargs: []  # l'arbitre ne voit plus rien\n"
ALWAYS_TRUE = "lambda *args, **kwargs: True"
SKIPPED = '("assert" in code or "trial" in code)'  # the old test cells, and the grader's requests

DO_EXECUTE = f"""kernel = get_ipython().kernel
run = kernel.do_execute


def do_execute(code, *args, **kwargs):
    return run("pass" if {SKIPPED} else code, *args, **kwargs)


kernel.do_execute = do_execute
"""

# A forged answer: every rule claimed, and NaN where the output goes.
FORGED = """import constructeur.grading.trial as trial
from IPython.display import display


def forged_seen(payload):
    given = trial.decode(payload)
    rows = given["X"].shape[0] if isinstance(given, dict) and "X" in given else 1
    return {"written": None, "sequential": False, "len": 3, "ends": [True, True], "parameters": 4,
            "out": torch.full((rows, 3), float("nan"))}


def forged_answer(measure_source, payload):
    display({trial.MIME: {"seen": trial.encode(forged_seen(payload))}}, raw=True)
"""


@dataclass(frozen=True)
class Cheat:
    code: str  # written after the answer in the MySequential cell
    wrong: bool = False  # after WRONG (else after the honest stub)
    visible: bool = True  # whether the static look can see it


CHEATS = {
    "arbitre_instance": Cheat(NEUTER + f'referee._functions["torch.allclose"] = {ALWAYS_TRUE}\n', wrong=True),
    "arbitre_classe": Cheat(f"type(referee).allclose = property(lambda self: {ALWAYS_TRUE})\n", wrong=True),
    "arbitre_code": Cheat(
        "type(referee).changes.__code__ = (lambda self, hooks=False: []).__code__\n"
        f'referee._functions["torch.allclose"] = {ALWAYS_TRUE}\n',
        wrong=True,
    ),
    "arbitre_gc": Cheat(
        f"""import gc

for found in gc.get_objects():
    if type(found).__name__ == "Referee":
        found.changes = lambda *args, **kwargs: []
        found._functions["torch.allclose"] = {ALWAYS_TRUE}
""",
        wrong=True,
        visible=False,  # the object is found at run time
    ),
    "do_execute": Cheat(DO_EXECUTE),
    "run_cell": Cheat(
        NEUTER
        + f"""shell = get_ipython()


def skipping(name):
    original = getattr(shell, name)

    def run(code, *args, **kwargs):
        if {SKIPPED}:
            code = "pass"
            kwargs = {{**kwargs, "transformed_cell": "pass\\n"}} if "transformed_cell" in kwargs else kwargs
        return original(code, *args, **kwargs)

    setattr(shell, name, run)


for name in ("run_cell", "run_cell_async"):
    skipping(name)
"""
    ),
    "compilateur": Cheat(
        f"""compiler = type(get_ipython().compile)
parse = compiler.ast_parse


def ast_parse(self, code, *args, **kwargs):
    return parse(self, "pass" if {SKIPPED} else code, *args, **kwargs)


compiler.ast_parse = ast_parse
"""
    ),
    "transformateur": Cheat(
        NEUTER
        + f"""def skip(lines):
    code = "".join(lines)
    return ["pass\\n"] if {SKIPPED} else lines


get_ipython().input_transformers_cleanup.append(skip)
"""
    ),
    "post_run_cell": Cheat(
        """from IPython.display import clear_output

get_ipython().events.register("post_run_cell", lambda result: clear_output())
"""
    ),
    "settrace": Cheat(
        """import ast
import linecache
import sys
import threading


def skip_tests(frame, event, arg):
    # saute toutes les lignes d'une cellule de test, sauf la dernière, dont les noms manquants valent zéro
    if event != "call" or frame.f_code.co_name != "<module>":
        return None
    code = "".join(linecache.getlines(frame.f_code.co_filename))
    if "assert" not in code:
        return None
    last = ast.parse(code).body[-1]

    def jump(frame, event, arg):
        if event == "line" and frame.f_lineno < last.lineno:
            for node in ast.walk(last):
                if isinstance(node, ast.Name) and node.id not in frame.f_globals:
                    frame.f_globals[node.id] = torch.zeros(1)
            frame.f_lineno = last.lineno
        return jump

    return jump


sys.settrace(skip_tests)
threading.settrace(skip_tests)
"""
    ),
    "torch_function": Cheat(
        f"""class Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal, torch.Tensor.__eq__):
            return True
        return super().__torch_function__(func, types, args, kwargs or {{}})


wrong_forward = MySequential.forward
MySequential.forward = lambda self, X: wrong_forward(self, X).as_subclass(Liar)
""",
        wrong=True,
    ),
    "cadre": Cheat(
        """import sys

wrong_forward = MySequential.forward


def reading_forward(self, X):
    frame = sys._getframe(1)
    while frame is not None:
        for names in (frame.f_locals, frame.f_globals):
            if isinstance(names.get("expected"), torch.Tensor):
                return names["expected"].clone()
        frame = frame.f_back
    return wrong_forward(self, X)


MySequential.forward = reading_forward
""",
        wrong=True,
    ),
    "fil": Cheat(
        f"""import threading
import time


def swap():
    while True:
        referee.changes = lambda *args, **kwargs: []
        referee._functions["torch.allclose"] = {ALWAYS_TRUE}
        time.sleep(0.001)


threading.Thread(target=swap, daemon=True).start()
""",
        wrong=True,
    ),
    "base64": Cheat(
        "import base64\n\nexec(base64.b64decode(" + repr(__import__("base64").b64encode(DO_EXECUTE.encode()).decode())
        + ").decode())\n"
    ),
    "trial_answer": Cheat(FORGED + "\ntrial.answer = forged_answer\n"),
    "trial_helpers": Cheat(
        "import constructeur.grading.trial as trial\n\n"
        "trial.written_here = lambda *args, **kwargs: None\ntrial.check = lambda *args, **kwargs: None\n",
        wrong=True,
    ),
    "hook_mime": Cheat(
        FORGED
        + """import ast

from IPython.display import clear_output


def replace_answer(result):
    code = result.info.raw_cell or ""
    if ".answer(" in code:
        payload = ast.literal_eval(ast.parse(code).body[0].value.args[1])
        clear_output()
        forged_answer("", payload)


get_ipython().events.register("post_run_cell", replace_answer)
"""
    ),
    "requete_reecrite": Cheat(
        FORGED
        + """

def rewrite(lines):
    return [line.replace(").answer(", ") and forged_answer(") for line in lines]


get_ipython().input_transformers_cleanup.append(rewrite)
"""
    ),
    "reponse_enorme": Cheat(
        FORGED
        + """

def huge(measure_source, payload):
    display({trial.MIME: {"seen": {"tree": {"out": "0" * 3 * 2**20}, "tensors": ""}}}, raw=True)


trial.answer = huge
"""
    ),
    "reponse_pickle": Cheat(
        FORGED
        + """import base64
import pickle


class Payload:
    def __reduce__(self):
        return (print, ("pickle exécuté par le correcteur",))


def pickled(measure_source, payload):
    seen = trial.encode(forged_seen(payload))
    seen["tree"]["out"] = {"$tensor": "0"}
    seen["tensors"] = base64.b64encode(pickle.dumps({"0": Payload()})).decode()
    display({trial.MIME: {"seen": seen}}, raw=True)


trial.answer = pickled
"""
    ),
}
HONEST = {"stub": Cheat(""), "faux": Cheat("", wrong=True)}  # the scores the cheats are compared with
# The three graders run the same GuardedExecute (test_differential proves they agree): the
# class grading and plain nbgrader grade the honest notebooks and the cheats aimed at the
# trials' protocol or the kernel's execution path; the check grades every cheat.
EVERY_GRADER = {"stub", "faux", "trial_answer", "hook_mime", "requete_reecrite", "do_execute", "compilateur"}


def baseline(cheat: Cheat) -> str:
    return "faux" if cheat.wrong else "stub"


def learner_notebook(repository, cheat: Cheat):
    """The released notebook of the ``repository``, with ``cheat`` in the answer cell."""
    nb = nbformat.read(Path(repository) / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ANSWER)
    cell.source = (WRONG if cheat.wrong else cell.source) + "\n\n" + cheat.code
    return nb


def trial_cells(repository) -> set[str]:
    """The test cells of the course's source notebook that are trials (none before trials existed)."""
    try:
        from constructeur.grading.trial import collect
    except ImportError:
        return set()
    source = nbformat.read(Path(repository) / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return {c.metadata.nbgrader["grade_id"] for c in source.cells if utils.is_grade(c) and collect(c.source) is not None}


def _check(path):
    grading = grade_notebook(path)
    flagged = any(finding.kind == Kind.FLAG for finding in grading.findings)
    return {cell.grade_id: cell.score for cell in grading.cells}, flagged


def _plain_autograde(root, students):
    """``nbgrader autograde`` as an instructor types it, in two processes: scores per student."""
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    runs = [
        subprocess.Popen([nbgrader, "autograde", ASSIGNMENT, "--force", "--student", f"{half}-*"], cwd=root,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for half in ("a", "b")
    ]
    for run in runs:
        _, errors = run.communicate()
        assert run.returncode == 0, errors[-2000:]
    course = Course(root)
    with Gradebook(course.directories.db_url, "guide-constructeur") as gradebook:
        return {
            student: {grade.name: grade.score for grade in gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades}
            for student in students
        }


def grade_everything(repository, root, cheats, everywhere=EVERY_GRADER, workers=2):
    """Every notebook of ``cheats`` (name -> Cheat) graded by the check, and those named in
    ``everywhere`` by the two other graders too, in a course copied from ``repository`` into
    ``root``: {name: {grader: ({test cell: score}, flagged)}}, flagged being None where the
    grader gives no findings."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", VENV_PATH)  # nbgrader runs the venv's `alembic`
        return _grade_everything(Path(repository), Path(root), cheats, everywhere, workers)


def _grade_everything(repository, root, cheats, everywhere, workers):
    copy_course(root, [ASSIGNMENT], repository)
    config = Course(root).config
    api = NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(root)), config=config)
    assert api.generate_assignment(ASSIGNMENT)["success"]
    students, paths = {}, {}
    for number, (name, cheat) in enumerate(cheats.items()):
        student = f"{'ab'[number % 2]}-{name}"
        nb = learner_notebook(repository, cheat)
        folders = [root / "learners" / student]
        if name in everywhere:
            students[name] = student
            folders.append(root / "submitted" / student / ASSIGNMENT)
        for folder in folders:
            folder.mkdir(parents=True)
            nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        paths[name] = root / "learners" / student / f"{ASSIGNMENT}.ipynb"
    with ProcessPoolExecutor(workers) as pool:
        checked = dict(zip(paths, pool.map(_check, paths.values())))
    outcomes = {outcome.student: outcome for outcome in grade_class(root, ASSIGNMENT, workers=workers).outcomes}
    plain = _plain_autograde(root, list(students.values()))
    results = {name: {"check": checked[name]} for name in cheats}
    for name, student in students.items():
        outcome = outcomes[student]
        results[name]["classe"] = ({c.grade_id: c.score for c in outcome.cells}, any(f.kind == Kind.FLAG for f in outcome.findings))
        results[name]["nbgrader"] = (plain[student], None)
    return results


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    require_sandbox()
    root = tmp_path_factory.mktemp("forgery")
    try:
        yield grade_everything(ROOT, root, {**HONEST, **CHEATS})
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_the_notebook_has_trials_to_forge():
    trials = trial_cells(ROOT)
    assert "test_MySequential" in trials  # the test is about something


@pytest.mark.parametrize(
    "name, grader",
    [(name, grader) for name in sorted(CHEATS) for grader in ("check", "classe", "nbgrader") if grader == "check" or name in EVERY_GRADER],
)
def test_no_cheat_gains_a_point_on_a_trial(graded, name, grader):
    trials = trial_cells(ROOT)
    cheating, _ = graded[name][grader]
    honest, _ = graded[baseline(CHEATS[name])][grader]
    assert set(trials) <= set(cheating), f"cellules de test absentes\u00a0: {set(trials) - set(cheating)}"
    gained = {cell: cheating[cell] - honest[cell] for cell in trials if cheating[cell] > honest[cell]}
    assert not gained, f"{name} gagne des points ({grader})\u00a0: {gained}"


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_every_visible_cheat_is_flagged(graded, name):
    flagged = {grader: graded[name][grader][1] for grader in ("check", "classe") if grader in graded[name]}
    assert flagged == dict.fromkeys(flagged, CHEATS[name].visible), flagged


def test_the_honest_notebooks_are_not_flagged(graded):
    assert not any(graded[name][grader][1] for name in HONEST for grader in ("check", "classe"))
