"""Time ``constructeur grade`` against serial ``nbgrader autograde`` on a generated class.

Builds, in a temporary copy of the course, a class of ``--students`` submissions of an
assignment (solved, blank, half solved, solved with an extra cell, in turns), then grades
it twice in one run: ``constructeur grade ASSIGNMENT --workers N`` and the plain
``nbgrader autograde ASSIGNMENT`` command (serial, same course, same sandboxed kernel),
each into a fresh gradebook. Prints both times, their ratio (target: at most 0.6 with 2
workers on 2 cores), and the cost per submission over a bare nbclient run of the same
notebook. Timings are only meaningful on an otherwise idle machine.

    .venv/bin/python bench/grade.py [--assignment blocks] [--students 40] [--workers 2]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader import utils

from constructeur.cli import nbgrader_programs_on_path
from constructeur.grading.grade import grade_class
from constructeur.grading.course import Course
from constructeur.grading.results import Status
from constructeur.grading.sandbox import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = str(Path(sys.executable).parent / "nbgrader")


def submissions(course, assignment, count):
    """Write ``count`` submissions into ``course``/submitted/, of four kinds in turns."""
    source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells if utils.is_solution(c)}
    released = nbformat.read(course / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    for number in range(count):
        nb = nbformat.from_dict(released)
        kind = number % 4
        for index, cell in enumerate(c for c in nb.cells if utils.is_solution(c)):
            if kind in (0, 3) or (kind == 2 and index % 2 == 0):
                cell.source = answers[cell.metadata.nbgrader["grade_id"]]
        if kind == 3:
            nb.cells.append(nbformat.v4.new_code_cell("print('fini')"))
        folder = course / "submitted" / f"eleve{number:02d}" / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")


def fresh_course(folder, assignment):
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    for name in ("solutions", "exercises"):
        shutil.copytree(ROOT / name / assignment, folder / name / assignment)
    subprocess.run([NBGRADER, "generate_assignment", assignment, "--force"], cwd=folder, check=True, capture_output=True)
    return folder


def seconds(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="blocks")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    nbgrader_programs_on_path()
    with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as plain_dir:
        ours, plain = (fresh_course(Path(d), args.assignment) for d in (ours_dir, plain_dir))
        for course in (ours, plain):
            submissions(course, args.assignment, args.students)
        result = None

        def run_ours():
            nonlocal result
            result = grade_class(ours, args.assignment, workers=args.workers)

        parallel = seconds(run_ours)
        serial = seconds(
            lambda: subprocess.run([NBGRADER, "autograde", args.assignment], cwd=plain, check=True, capture_output=True)
        )
        notebook = Course(ours).source_notebook(args.assignment)
        nb = nbformat.read(notebook, as_version=4)
        bare = seconds(
            lambda: NotebookClient(nb, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(notebook.parent)}}).execute()
        )
    graded = sum(1 for outcome in result.outcomes if outcome.status == Status.GRADED)
    per_submission = parallel * args.workers / args.students
    print(f"{args.students} copies de «\u00a0{args.assignment}\u00a0» ({graded} notées)")
    print(f"constructeur grade --workers {args.workers}\u00a0: {parallel:.1f} s")
    print(f"nbgrader autograde (en série)\u00a0: {serial:.1f} s")
    print(f"rapport\u00a0: {parallel / serial:.2f} (cible\u00a0: au plus 0,6)")
    print(
        f"par copie et par processus\u00a0: {per_submission:.2f} s, contre {bare:.2f} s pour une exécution nue "
        f"du carnet (surcoût {per_submission - bare:.2f} s)"
    )


if __name__ == "__main__":
    main()
