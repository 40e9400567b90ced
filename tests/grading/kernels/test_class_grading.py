"""``constructeur grade``: a generated class of the tiny assignment, with every ordinary
accident and a few hostile copies, is graded or explicitly flagged, the same way with one
or two workers, on SQLite and on PostgreSQL, and as plain ``nbgrader autograde`` grades
wherever plain nbgrader does not crash. The feedback never shows a hidden test."""

import copy
import csv
import html
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from constructeur.grading.grade import grade_class
from constructeur.grading.results import Status
from constructeur.grading.class_report import render_html, success_rates, summary
from constructeur.cli import main
from constructeur.grading.course import Course
from helpers import ROOT, generate_exercises, tiny_source


LIMITS = "\nc.ExecutePreprocessor.timeout = 2\nc.GuardedExecute.notebook_timeout = 20\n"


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _answer(source):
    def change(nb):
        _cell(nb, "double").source = source

    return change


SOLVED = _answer("def double(x):\n    return 2 * x")


def _solved_and(change):
    def both(nb):
        SOLVED(nb)
        change(nb)

    return both


def _drop(grade_id):
    return lambda nb: nb.cells.remove(_cell(nb, grade_id))


def _set_source(grade_id, source):
    return lambda nb: setattr(_cell(nb, grade_id), "source", source)


def _strip_metadata(nb):
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)


def _duplicate_test(nb):
    nb.cells.insert(4, copy.deepcopy(_cell(nb, "test_double")))


def _metadata(grade_id, key, value):
    def change(nb):
        if key is None:
            _cell(nb, grade_id).metadata["nbgrader"] = value
        else:
            _cell(nb, grade_id).metadata["nbgrader"][key] = value

    return change


def _extra_cells(nb):
    nb.cells += [nbformat.v4.new_code_cell("print('une cellule à moi')"), nbformat.v4.new_markdown_cell("Notes")]


# case -> (change to the learner notebook, or bytes for the file; expected status; score or reason words)
CASES = {
    "solved": (SOLVED, Status.GRADED, 4),
    "blank": (lambda nb: None, Status.GRADED, 0),
    "partial": (_answer("def double(x):\n    return x + 2"), Status.GRADED, 1.5),
    "fails_hidden_test": (_answer("def double(x):\n    return abs(2 * x)"), Status.GRADED, 2),
    "syntax_error": (_answer("def double(x) return 2 * x"), Status.GRADED, 0),
    "endless_loop": (_answer("def double(x):\n    while True:\n        pass"), Status.GRADED, 0),
    "deleted_test": (_solved_and(_drop("test_double")), Status.GRADED, 4),
    "test_replaced_by_pass": (_solved_and(_set_source("test_double_hidden", "pass")), Status.GRADED, 4),
    "modified_locked_cell": (_solved_and(_set_source("setup", "import math\nmath.pi = 3")), Status.GRADED, 4),
    "extra_cells": (_solved_and(_extra_cells), Status.GRADED, 4),
    "metadata_lost": (_solved_and(_strip_metadata), Status.GRADED, 4),
    "duplicated_test": (_solved_and(_duplicate_test), Status.GRADED, 4),
    "bad_metadata_type": (_solved_and(_metadata("double", None, "oops")), Status.GRADED, 4),
    "unknown_schema_version": (_solved_and(_metadata("double", "schema_version", 99)), Status.GRADED, 4),
    "patches_builtins": (_answer("import builtins\nbuiltins.print = len\ndef double(x):\n    return 2 * x"), Status.GRADED, 4),
    "other_assignment": ("other", Status.NOT_GRADED, "celui du devoir «\u00a0other\u00a0»"),
    "unreadable": (b"{ pas du JSON", Status.NOT_GRADED, "n'est pas du JSON valide"),
}
FLAGGED = {"test_replaced_by_pass", "modified_locked_cell", "patches_builtins"}


def _course(root, db_url=None):
    """A course with the tiny assignment and `other`, released into the gradebook, and one
    submission per case (two for the class of 30)."""
    shutil.copy(ROOT / "nbgrader_config.py", root)
    with open(root / "nbgrader_config.py", "a") as config:
        config.write(LIMITS + (f'c.CourseDirectory.db_url = "{db_url}"\n' if db_url else ""))
    for name, prefix in (("tiny", ""), ("other", "other_")):
        source = tiny_source()
        for cell in source.cells:
            if prefix and "nbgrader" in cell.metadata:
                cell.metadata.nbgrader["grade_id"] = prefix + cell.metadata.nbgrader["grade_id"]
                cell.source = cell.source.replace("double", "triple")
        (root / "solutions" / name).mkdir(parents=True)
        nbformat.write(source, root / "solutions" / name / f"{name}.ipynb")
    generate_exercises(root)
    course = Course(root)
    api = NbGraderAPI(coursedir=CourseDirectory(config=course.config, root=str(root)), config=course.config)
    for name in ("tiny", "other"):
        assert api.generate_assignment(name)["success"]
    return root


def _submit(root, student, case):
    change = CASES[case][0]
    folder = root / "submitted" / student / "tiny"
    folder.mkdir(parents=True)
    if isinstance(change, bytes):
        (folder / "tiny.ipynb").write_bytes(change)
        return
    name = "other" if change == "other" else "tiny"
    nb = nbformat.read(root / "exercises" / name / f"{name}.ipynb", as_version=4)
    if callable(change):
        change(nb)
    nbformat.write(nb, folder / "tiny.ipynb")


def _grades(result):
    return {o.student: (o.status, o.score, {c.grade_id: (c.score, c.max_score) for c in o.cells}) for o in result.outcomes}


def _check_expected(result):
    for outcome in result.outcomes:
        case = outcome.student.split("-", 1)[1]
        _, status, expected = CASES[case]
        assert outcome.status == status, (case, outcome)
        if status == Status.GRADED:
            assert outcome.score == expected, (case, outcome)
            assert bool(outcome.to_review) == (case in FLAGGED), (case, outcome.findings)
        else:
            assert expected in outcome.reason and outcome.score is None, (case, outcome.reason)


@pytest.fixture(scope="module")
def class_of_30(tmp_path_factory):
    """The class of 30 (every case twice) graded by `constructeur grade --workers 2`."""
    root = _course(tmp_path_factory.mktemp("class"))
    for copy_number in (1, 2):
        for case in CASES:
            _submit(root, f"{copy_number}-{case}", case)
    submitted = {p: p.read_bytes() for p in (root / "submitted").rglob("*") if p.is_file()}
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = main(["grade", "tiny", "--workers", "2"])
    finally:
        os.chdir(cwd)
    return root, code, submitted


def test_every_submission_is_graded_or_flagged(class_of_30, capsys):
    root, code, submitted = class_of_30
    assert code == 1  # some copies could not be graded
    rows = list(csv.DictReader(open(root / "reports" / "tiny" / "grades.csv", encoding="utf-8")))
    assert len(rows) == 2 * len(CASES)
    for row in rows:
        case = row["eleve"].split("-", 1)[1]
        _, status, expected = CASES[case]
        if status == Status.NOT_GRADED:
            assert row["statut"] == "non noté" and row["note"] == "" and expected in row["raison"], row
        else:
            assert row["note"] == f"{expected:g}".replace(".", ","), row  # French decimals, as every report
            assert row["statut"] == ("à examiner" if case in FLAGGED else "noté"), row
    assert {p: p.read_bytes() for p in submitted} == submitted  # submissions untouched
    with Gradebook(Course(root).directories.db_url) as gradebook:  # no score for the copies not graded
        graded = {s.student.id for s in gradebook.find_assignment("tiny").submissions}
    assert not {s for s in graded if CASES[s.split("-", 1)[1]][1] == Status.NOT_GRADED}


def _distinct_class(root):
    for case in CASES:
        _submit(root, f"1-{case}", case)
    return root


@pytest.fixture(scope="module")
def sqlite_one_worker(tmp_path_factory):
    return grade_class(_distinct_class(_course(tmp_path_factory.mktemp("one"))), "tiny", workers=1)


def test_one_worker_on_sqlite(sqlite_one_worker, class_of_30):
    _check_expected(sqlite_one_worker)
    root, _, _ = class_of_30
    assert "Notées\u00a0: 15 (dont 3 à examiner), non notées\u00a0: 2" in summary(sqlite_one_worker)


def test_plain_nbgrader_agrees_where_it_does_not_crash(sqlite_one_worker, tmp_path):
    """nbgrader's own sanitize and execute steps (no repair, no guarded execution)."""
    root = _distinct_class(_course(tmp_path))
    config = Course(root).config
    del config.Autograde["sanitize_preprocessors"], config.Autograde["autograde_preprocessors"]
    coursedir = CourseDirectory(config=config, root=str(root))
    api = NbGraderAPI(coursedir=coursedir, config=config)
    ours = _grades(sqlite_one_worker)
    compared = 0
    for student in sorted(ours):
        if ours[student][0] == Status.NOT_GRADED or not api.autograde("tiny", student)["success"]:
            continue
        with Gradebook(coursedir.db_url) as gradebook:
            notebook = gradebook.find_submission_notebook("tiny", "tiny", student)
            plain = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
        assert ours[student][0] == Status.GRADED and ours[student][2] == plain, student
        compared += 1
    assert compared >= 10  # solved, blank, partial, hidden, syntax error, loop, deleted, replaced, modified, extra


def postgresql_programs():
    """The folder of PostgreSQL's initdb, pg_ctl and createdb: the system's (on PATH, or
    where Debian keeps them), else those of pgserver's wheel (the test extra)."""
    pg_ctl = shutil.which("pg_ctl") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))), None)
    if pg_ctl is not None:
        return Path(pg_ctl).resolve().parent
    try:
        from pgserver.postgres_server import POSTGRES_BIN_PATH
    except ImportError:  # pgserver has wheels for CPython 3.11 and 3.12 on x86_64 Linux only
        pytest.fail("PostgreSQL est introuvable (ni pg_ctl, ni pgserver)\u00a0: «\u00a0sudo apt-get install postgresql\u00a0»")
    return POSTGRES_BIN_PATH


def _postgres(folder):
    """A throw-away PostgreSQL server in ``folder`` (Unix socket only): its socket folder."""
    bin_dir = postgresql_programs()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
    data, socket = folder / "data", folder
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"], check=True, capture_output=True)
    options = f"-c listen_addresses='' -k {socket}"
    # -l: the server writes to its log, not to pg_ctl's output, whose pipe it would otherwise
    # hold open after pg_ctl returns (capture_output would then wait for it forever)
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start"]
    subprocess.run([*as_postgres, *start], check=True, capture_output=True)
    return as_postgres, bin_dir, data, socket


@pytest.fixture(scope="module")
def postgres():
    folder = Path(tempfile.mkdtemp(prefix="constructeur-pg-"))
    as_postgres, bin_dir, data, socket = _postgres(folder)

    def database(name):
        subprocess.run([*as_postgres, str(bin_dir / "createdb"), "-h", str(socket), "-U", "postgres", name], check=True)
        return f"postgresql://postgres@/{name}?host={socket}"

    yield database
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_postgresql_gradebook_gives_the_same_grades(workers, postgres, sqlite_one_worker, tmp_path):
    root = _distinct_class(_course(tmp_path, db_url=postgres(f"gradebook_{workers}")))
    result = grade_class(root, "tiny", workers=workers)
    _check_expected(result)
    assert _grades(result) == _grades(sqlite_one_worker)
    with Gradebook(Course(root).directories.db_url) as gradebook:
        assert gradebook.db.bind.dialect.name == "postgresql"
        assert len(gradebook.find_assignment("tiny").submissions) == len(CASES) - 2


def test_two_workers_on_sqlite_give_the_same_grades(class_of_30, sqlite_one_worker):
    root, _, _ = class_of_30
    result = grade_class(root, "tiny", workers=2, pattern="1-*")
    assert _grades(result) == _grades(sqlite_one_worker)


def test_a_failed_regrade_leaves_no_old_score(class_of_30):
    root, _, _ = class_of_30
    copy = root / "submitted" / "2-solved" / "tiny" / "tiny.ipynb"
    before = copy.read_bytes()
    copy.write_bytes(b"tronqu")
    try:
        result = grade_class(root, "tiny", workers=1, pattern="2-solved")
    finally:
        copy.write_bytes(before)
    assert [o.status for o in result.outcomes] == [Status.NOT_GRADED]
    with Gradebook(Course(root).directories.db_url) as gradebook:
        assert "2-solved" not in {s.student.id for s in gradebook.find_assignment("tiny").submissions}


def test_report_page(sqlite_one_worker):
    page = render_html(sqlite_one_worker)
    assert '<html lang="fr">' in page and "data:image/png;base64," in page and "http" not in page
    rates = dict(((e, t), r) for e, t, r in success_rates(sqlite_one_worker))
    # 15 copies graded; blank, syntax error and endless loop fail test_double, the rest pass it
    assert rates[("double", "test_double")] == pytest.approx(12 / 15)
    for case in ("other_assignment", "unreadable", *FLAGGED):
        assert f"<td>1-{case}</td>" in page


def test_unknown_assignment_is_refused(class_of_30, capsys):
    root, _, _ = class_of_30
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = main(["grade", "inconnu"])
    finally:
        os.chdir(cwd)
    assert code == 2 and "«\u00a0nbgrader generate_assignment inconnu\u00a0»" in capsys.readouterr().out


def test_feedback_is_french_and_shows_no_hidden_test(class_of_30):
    root, _, _ = class_of_30
    config = Course(root).config
    api = NbGraderAPI(coursedir=CourseDirectory(config=config, root=str(root)), config=config)
    assert api.generate_feedback("tiny", "1-fails_hidden_test")["success"]
    page = (root / "feedback" / "1-fails_hidden_test" / "tiny" / "tiny.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "Cellule de test" in page and "Votre réponse" in page
    hidden = [c.source.split("### BEGIN HIDDEN TESTS")[1] for c in tiny_source().cells if "HIDDEN" in c.source]
    for line in "\n".join(hidden).splitlines():
        if line.strip() and "END HIDDEN" not in line:
            assert line.strip() not in page, line
    graded = nbformat.read(root / "autograded" / "1-fails_hidden_test" / "tiny" / "tiny.ipynb", as_version=4)
    error = next(o for o in _cell(graded, "test_double_hidden").outputs if o.output_type == "error")
    assert f"{error.ename}: {error.evalue}" in html.unescape(page)  # the hidden test's verdict and message
    assert "Student" not in page and "Score" not in page and "<script src=" not in page


def test_zip_collect_as_the_readme_says(tmp_path):
    """`nbgrader zip_collect tiny`, with an archive in downloaded/tiny/archive/."""
    root = _course(tmp_path)
    archive = root / "downloaded" / "tiny" / "archive"
    archive.mkdir(parents=True)
    released = (root / "exercises" / "tiny" / "tiny.ipynb").read_bytes()
    with zipfile.ZipFile(archive / "classe.zip", "w") as bundle:
        for student in ("dupont", "martin"):
            bundle.writestr(f"{student}_tiny.ipynb", released)
    run = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "zip_collect", "tiny"], cwd=root, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    for student in ("dupont", "martin"):
        assert (root / "submitted" / student / "tiny" / "tiny.ipynb").read_bytes() == released


def _rows(db_url):
    """Every grade of the gradebook at ``db_url``: (student, test cell) -> (score, max)."""
    with Gradebook(db_url, "guide-constructeur") as gradebook:
        return {
            (submission.student.id, grade.name): (grade.score, grade.max_score)
            for submission in gradebook.find_assignment("tiny").submissions
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def test_user_level_postgresql_gradebook_as_the_readme_says(postgres, tmp_path, monkeypatch):
    """The README's shared gradebook: ``db_url`` in ``~/.jupyter/nbgrader_config.py``, not in
    the course's file. ``constructeur grade`` and ``nbgrader autograde`` both write there."""
    home = tmp_path / "home"
    (home / ".jupyter").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(home / ".jupyter"))
    db_url = postgres("readme")
    (home / ".jupyter" / "nbgrader_config.py").write_text(f'c = get_config()\nc.CourseDirectory.db_url = "{db_url}"\n')
    (tmp_path / "course").mkdir()
    root = _course(tmp_path / "course")
    assert "db_url" not in PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config().CourseDirectory
    for case in ("solved", "partial", "fails_hidden_test", "blank"):
        _submit(root, f"1-{case}", case)
    monkeypatch.chdir(root)
    assert main(["grade", "tiny", "--workers", "2"]) == 0
    ours = _rows(db_url)
    assert len(ours) == 4 * 3 and not (root / "gradebook.db").exists()
    plain = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", "tiny", "--force"], cwd=root, capture_output=True, text=True
    )
    assert plain.returncode == 0, plain.stderr
    assert _rows(db_url) == ours and not (root / "gradebook.db").exists()
    assert ours[("1-blank", "test_double")] == (0.0, 1.0) and ours[("1-solved", "test_double_hidden")] == (2.0, 2.0)


def test_grade_all_grades_every_assignment_with_one_summary(class_of_30, capsys, monkeypatch):
    """`constructeur grade --all`: every assignment of the gradebook (`tiny`, and `other`
    with no copy), plain progress lines when the output is not a terminal, one summary."""
    root, _, _ = class_of_30
    monkeypatch.chdir(root)
    assert main(["grade", "--all", "--student", "1-solved"]) == 0
    captured = capsys.readouterr()
    assert "  tiny · 1-solved\u00a0: 4/4" in captured.err
    assert captured.out.splitlines()[-1].startswith("En tout\u00a0: 2 devoirs, 1 copie(s), 1 notée(s), 0 non notée(s)")
    assert (root / "reports" / "other" / "grades.csv").is_file()
