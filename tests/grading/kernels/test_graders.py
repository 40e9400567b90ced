"""The graders are right: every wrong variant of a fixed name loses points, every right
variant gets them all (see tests/variants/<assignment>.py).

One Jupyter kernel per assignment, in the grading sandbox as in autograde, runs the setup
and solution cells of the source notebook; then, for each variant: its source in place of the solution cell, every test
cell of its name (visible and hidden), scored by nbgrader's ``determine_grade``, and the
original solution cell again.

tests/variants/rules.py lists every rule of each exercise's statement with the test cell
that must catch a variant breaking that rule alone; those variants are graded on every test
cell of their name and must lose points in that cell.
"""

import contextlib
import copy
import importlib.util

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader import utils

from constructeur.grading.notebooks import exercise_of
from constructeur.grading.remote import run_test
from constructeur.grading.sandbox import KERNEL_NAME
from helpers import ROOT


ASSIGNMENTS = sorted(p.parent.name for p in ROOT.glob("solutions/*/*.ipynb") if p.stem == p.parent.name)


def _source(assignment):
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def _load(stem):
    path = ROOT / "tests" / "variants" / f"{stem}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"variants_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _variants(assignment):
    """(WRONG, RIGHT) of an assignment, its RULE_BREAKERS counted among the WRONG ones."""
    module = _load(assignment)
    if module is None:
        return {}, {}
    wrong = dict(module.WRONG)
    for name, sources in getattr(module, "RULE_BREAKERS", {}).items():
        wrong[name] = {**wrong.get(name, {}), **sources}
    return wrong, module.RIGHT


def _rules(assignment):
    """{name: [(sentence, rule, test cell, variant description)]} of tests/variants/rules.py."""
    return _load("rules").RULES.get(assignment, {})


def _cases(kind):
    cases = []
    for assignment in ASSIGNMENTS:
        variants = _variants(assignment)[kind == "right"]
        rules = _rules(assignment)
        for name, sources in sorted(variants.items()):
            for description, source in sources.items():
                cells = sorted({cell for *_, cell, variant in rules.get(name, []) if variant == description})
                params = (assignment, name, source) if kind == "right" else (assignment, name, source, cells)
                cases.append(pytest.param(*params, id=f"{assignment}-{name}-{description}"))
    return cases


class Harness:
    """A kernel that ran the setup and solution cells of an assignment's source notebook."""

    def __init__(self, assignment, workdir):
        self.nb = _source(assignment)
        self.solutions = {c.metadata.nbgrader["grade_id"]: c for c in self.nb.cells if utils.is_solution(c)}
        self.tests = [c for c in self.nb.cells if utils.is_grade(c)]
        self.client = NotebookClient(
            self.nb,
            kernel_name=KERNEL_NAME,  # the grading sandbox, as in autograde
            timeout=60,
            allow_errors=True,
            interrupt_on_timeout=True,
            resources={"metadata": {"path": str(workdir)}},
        )

    def run(self, source):
        """Execute ``source`` in the kernel; the executed cell (with its outputs)."""
        cell = nbformat.v4.new_code_cell(source)
        self.client.execute_cell(cell, 0)
        return cell

    def start(self):
        for cell in self.nb.cells:
            setup = utils.is_locked(cell) and not utils.is_grade(cell)
            if cell.cell_type == "code" and (setup or utils.is_solution(cell)):
                assert not _errors(self.run(cell.source)), f"cellule {cell.metadata.nbgrader['grade_id']}"

    def test_cells(self, name):
        return [c for c in self.tests if exercise_of(c.metadata.nbgrader["grade_id"], self.solutions) == name]

    def grade(self, name, source, until_failure=False):
        """Run ``source`` in place of the solution cell of ``name``, then the test cells of
        ``name`` (``until_failure``: up to the first one that loses points); returns
        {grade_id: (score, max_score)}. The original solution is put back."""
        self.run(f"globals().pop({name!r}, None)")  # a variant that defines nothing must not pass
        variant = self.run(source)
        scores = {}
        for test in self.test_cells(name):
            executed = copy.deepcopy(test)
            outputs = run_test(test.source, lambda code: self.run(code).outputs, executed)  # as GuardedExecute does
            if outputs is None:
                self.client.execute_cell(executed, 0)
            else:
                executed.outputs = outputs
            scores[test.metadata.nbgrader["grade_id"]] = score, max_score = utils.determine_grade(executed)
            if until_failure and score < max_score:
                break
        self.run(self.solutions[name].source)
        assert not _errors(variant), f"la variante elle-même lève une erreur : {_errors(variant)}"
        return scores


def _errors(cell):
    return [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]


@pytest.fixture(scope="module")
def harnesses(tmp_path_factory):
    """harnesses(assignment): its started Harness, one kernel per assignment for the module."""
    started = {}
    with contextlib.ExitStack() as stack:

        def harness(assignment):
            if assignment not in started:
                started[assignment] = Harness(assignment, tmp_path_factory.mktemp(assignment))
                stack.enter_context(started[assignment].client.setup_kernel())
                started[assignment].start()
            return started[assignment]

        yield harness


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_passes_in_harness(harnesses, assignment):
    harness = harnesses(assignment)
    for name, cell in harness.solutions.items():
        scores = harness.grade(name, cell.source)
        assert scores and all(s == m for s, m in scores.values()), f"{name} : {scores}"


@pytest.mark.parametrize("assignment, name, source, rule_cells", _cases("wrong"))
def test_wrong_variant_loses_points(harnesses, assignment, name, source, rule_cells, record_property):
    record_property("variant", ("wrong", assignment))
    scores = harnesses(assignment).grade(name, source, until_failure=not rule_cells)
    assert scores, f"aucune cellule de test pour {name}"
    assert any(score < max_score for score, max_score in scores.values()), (
        f"toutes les cellules de test de {name} réussissent, alors qu'au moins une devrait échouer : {scores}"
    )
    for cell in rule_cells:  # the cell that tests/variants/rules.py says catches this variant
        assert cell in scores and scores[cell][0] < scores[cell][1], (
            f"la cellule {cell} devrait faire perdre des points à cette variante, et donne {scores.get(cell)}"
        )


@pytest.mark.parametrize("assignment, name, source", _cases("right"))
def test_right_variant_passes(harnesses, assignment, name, source, record_property):
    record_property("variant", ("right", assignment))
    scores = harnesses(assignment).grade(name, source)
    assert scores, f"aucune cellule de test pour {name}"
    failed = {grade_id: s for grade_id, s in scores.items() if s[0] < s[1]}
    assert not failed, f"des cellules de test de {name} échouent, alors que toutes devraient réussir : {failed}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_fixed_name_has_variants(assignment):
    names = {c.metadata.nbgrader["grade_id"] for c in _source(assignment).cells if utils.is_solution(c)}
    wrong, right = _variants(assignment)
    assert set(wrong) <= names and set(right) <= names, f"noms inconnus : {(set(wrong) | set(right)) - names}"
    for name in sorted(names):
        assert len(wrong.get(name, {})) >= 3, f"{name} : il faut au moins 3 variantes fausses"
        assert len(right.get(name, {})) >= 1, f"{name} : il faut au moins 1 variante juste"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_rule_has_a_variant(assignment):
    source = _source(assignment)
    names = {c.metadata.nbgrader["grade_id"] for c in source.cells if utils.is_solution(c)}
    cells = {c.metadata.nbgrader["grade_id"] for c in source.cells if utils.is_grade(c)}
    rules, (wrong, _) = _rules(assignment), _variants(assignment)
    assert set(rules) == names, f"noms sans règles ou inconnus : {set(rules) ^ names}"
    for name, entries in rules.items():
        for *_, rule, cell, variant in entries:
            assert variant in wrong.get(name, {}), f"{name}, « {rule} » : la variante « {variant} » n'existe pas"
            assert cell in cells and exercise_of(cell, names) == name, f"{name}, « {rule} » : {cell} n'est pas un test de {name}"
