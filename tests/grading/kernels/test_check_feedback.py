"""What ``constructeur check`` adds to the scores: flags for a human (« À examiner »), the
section of the book to reread under each exercise that lost points (« À relire »), and,
in a course without its sources (a learner given only ``exercises/``), a grading with the
visible tests that says so."""

import shutil
from pathlib import Path

import nbformat
import pytest

from helpers import ROOT
from constructeur.cli import main
from constructeur.grading.check import grade_notebook
from constructeur.grading.notebooks import tests_nothing as _tests_nothing
from constructeur.grading.report import render

VISIBLE = "tests visibles seulement\u00a0: la note finale comprend aussi des tests cachés"


def _check(capsys, *args):
    code = main(["check", *map(str, args)])
    return code, capsys.readouterr().out


def _answer(path, grade_id, source, extra=()):
    """Write ``source`` into the answer cell ``grade_id`` of ``path``, append cells of
    ``extra``; the file's bytes, to compare after the check."""
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id).source = source
    nb.cells += [nbformat.v4.new_code_cell(code) for code in extra]
    nbformat.write(nb, path)
    return path.read_bytes()


# A course without its sources: the repository's config and released notebooks only.


@pytest.fixture
def released(tmp_path):
    """A copy of the repository's course without solutions/."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    return tmp_path


def test_blocks_with_visible_tests_only_flags_and_hints(released, capsys):
    path = released / "exercises" / "blocks" / "blocks.ipynb"
    cheat = "import torch\ntorch.allclose = lambda *args: True\nfrom constructeur.blocks import MySequential"
    before = _answer(path, "MySequential", cheat, extra=["open('../../solutions/blocks/blocks.ipynb')"])
    grading = grade_notebook(path)
    assert path.read_bytes() == before
    tests = [cell for cell in nbformat.read(ROOT / "exercises" / "blocks" / "blocks.ipynb", as_version=4).cells
             if cell.metadata.get("nbgrader", {}).get("grade")]
    visible = [cell for cell in tests if not _tests_nothing(cell)]
    hidden_only = sum(cell.metadata.nbgrader["points"] for cell in tests if _tests_nothing(cell))
    assert grading.visible_only and 0 < grading.hidden_points == hidden_only
    assert [cell.grade_id for cell in grading.cells] == [cell.metadata.nbgrader["grade_id"] for cell in visible]
    assert (grading.score, grading.max_score) == (0, sum(cell.metadata.nbgrader["points"] for cell in visible))
    last = len(nbformat.read(path, as_version=4).cells)
    assert [finding.reason for finding in grading.to_review] == [
        "cellule «\u00a0MySequential\u00a0» — modifie «\u00a0torch.allclose\u00a0»",
        "cellule «\u00a0MySequential\u00a0» — prend «\u00a0MySequential\u00a0», un exercice noté, "
        "dans «\u00a0constructeur.blocks\u00a0»",
        f"cellule n°\u00a0{last} — vise un chemin hors du dossier de travail\u00a0: "
        "«\u00a0../../solutions/blocks/blocks.ipynb\u00a0»",
    ]
    out = render(grading)
    online = "https://guide-constructeur.github.io/guide-constructeur/book"
    hints = [line.strip() for line in out.splitlines() if "À relire" in line]
    expected = [
        ("Couches et modules", "Réécrire nn.Sequential", "model-construction.html#reecrire-nn-sequential"),
        ("Couches et modules", "Emboîter des modules", "model-construction.html#emboiter-des-modules"),
        ("Gestion des paramètres", "Paramètres partagés", "parameters.html#parametres-partages"),
        ("Couches personnalisées", "Une couche avec paramètres", "custom-layer.html#une-couche-avec-parametres"),
        ("Couches personnalisées", "Une couche sans paramètre", "custom-layer.html#une-couche-sans-parametre"),
        ("Couches personnalisées", "Une couche qui dépend du mode\u00a0: train() et eval()",
         "custom-layer.html#une-couche-qui-depend-du-mode-train-et-eval"),
    ]
    assert hints == [
        f"À relire\u00a0: {section}, «\u00a0{title}\u00a0» — {online}/{page}" for section, title, page in expected
    ]


@pytest.fixture
def tiny_released(tiny_course, tmp_path):
    """A copy of the tiny course without solutions/, and the path of its learner notebook."""
    shutil.copy(tiny_course / "nbgrader_config.py", tmp_path)
    shutil.copytree(tiny_course / "exercises", tmp_path / "exercises")
    return tmp_path, tmp_path / "exercises" / "tiny" / "tiny.ipynb"


def test_visible_tests_only_say_so(tiny_released, capsys):
    _, path = tiny_released
    before = path.read_bytes()
    code, out = _check(capsys, path, path)
    assert code == 1 and path.read_bytes() == before, out
    header = f"Carnet {path} (devoir «\u00a0tiny\u00a0») — tests visibles seulement"
    assert out.count(f"{header}\nⓘ Tests visibles seulement\u00a0: ") == 2, out
    assert "ne sont pas comptées" not in out  # each test cell of tiny has visible tests
    assert out.count(f"Total\u00a0: 0/4 ({VISIBLE})") == 2
    assert f"Total général\u00a0: 0/8 ({VISIBLE})" in out


def test_visible_tests_miss_what_the_hidden_ones_catch(tiny_course, tiny_released, capsys, tmp_path_factory):
    """An answer right on the visible tests only: full marks from the learner's check
    without the sources, not from the check with them (the hidden test runs there)."""
    _, path = tiny_released
    answer = "def double(x):\n    return abs(2 * x)"
    _answer(path, "double", answer)
    code, out = _check(capsys, path)
    assert code == 0 and f"Total\u00a0: 4/4 ({VISIBLE})" in out, out
    complete = tiny_course / "learner" / tmp_path_factory.mktemp("tiny").name / "tiny.ipynb"
    complete.parent.mkdir(parents=True)
    shutil.copy(path, complete)
    code, out = _check(capsys, complete)
    assert code == 1 and "Total\u00a0: 2/4\n" in out and "visibles" not in out, out


def test_check_all_and_unknown_assignment_without_sources(tiny_released, capsys, monkeypatch):
    root, path = tiny_released
    monkeypatch.chdir(root)
    code, out = _check(capsys, "--all")
    assert code == 1 and "devoir «\u00a0tiny\u00a0») — tests visibles seulement" in out, out
    renamed = Path(shutil.copy(path, root / "tiny2.ipynb"))
    code, out = _check(capsys, renamed)
    known = "«\u00a0tiny2\u00a0» n'y est pas un devoir (devoirs connus\u00a0: «\u00a0tiny\u00a0»)"
    assert code == 1 and known in out, out


def test_a_flag_takes_no_point(tiny_course, tmp_path, capsys):
    """A flagged answer that is right keeps every point and exit code 0."""
    folder = tiny_course / "learner" / tmp_path.name
    folder.mkdir(parents=True)
    path = Path(shutil.copy(tiny_course / "exercises" / "tiny" / "tiny.ipynb", folder))
    _answer(path, "double", "import sys\nsys.settrace(None)\ndef double(x):\n    return 2 * x")
    code, out = _check(capsys, path)
    assert code == 0 and "Total\u00a0: 4/4" in out, out
    flag = (
        "⚑ À examiner\u00a0: cellule «\u00a0double\u00a0» — "
        "appelle «\u00a0sys.settrace\u00a0», qui change l'exécution de Python"
    )
    assert f"(devoir «\u00a0tiny\u00a0») — à examiner\n{flag}\n" in out


def test_edited_test_of_the_released_notebook_is_noted(tiny_released, capsys):
    """Without the sources, a test edited in the released notebook itself (where learners
    often work) cannot be put back: its checksum shows it, and the check says so."""
    _, path = tiny_released
    _answer(path, "test_double", "pass")
    code, out = _check(capsys, path)
    assert code == 1 and "Total\u00a0: 1/4" in out, out  # test_double, as edited, passes
    assert (
        "⚑ À examiner\u00a0: La cellule de test «\u00a0test_double\u00a0» a été modifiée et le cours n'a pas ses sources "
        "pour la rétablir\u00a0: elle a servi telle quelle, la correction de l'enseignant utilisera l'originale."
    ) in out
    assert out.count("a été modifiée") == 1


