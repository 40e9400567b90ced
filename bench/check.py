"""Time ``constructeur check`` against a bare nbclient run of the same solution notebook,
and the sandbox's cost.

For each assignment of the course, prints the best of ``--repeat`` in-process runs, in
turns, of: the check (temporary course, nbgrader's preprocessors, grading, sandboxed
kernel); the same check with the course's kernel set to the plain ``python3`` (a copy of
the course whose config differs in that line only); and a plain
``nbclient.NotebookClient(...).execute()``. Then the ratios check/bare (target: at most
1.3) and sandboxed/unsandboxed (target: at most 1.15). Timings are only meaningful on an
otherwise idle machine.

    .venv/bin/python bench/check.py [--course .] [--repeat 3]
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from constructeur.grading.course import Course
from constructeur.grading.check import grade_notebook


def seconds(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def best_times(runs, repeat):
    """The best time of each run; runs alternate, so a busy spell slows them all alike."""
    times = [[seconds(run) for run in runs] for _ in range(repeat)]
    return [min(column) for column in zip(*times)]


def bare_run(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()


def unsandboxed_copy(course, folder):
    """A copy of the course's config and sources whose grading kernel is plain python3."""
    config = (course.root / "nbgrader_config.py").read_text()
    (folder / "nbgrader_config.py").write_text(config + '\nc.ExecutePreprocessor.kernel_name = "python3"\n')
    shutil.copytree(course.root / "solutions", folder / "solutions")
    return Course(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=Path.cwd())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = Course.around(args.course)
    print(f"{'devoir':<10} {'check (s)':>10} {'sans bac (s)':>13} {'nbclient (s)':>13} {'check/nbclient':>15} {'bac/sans':>9}")
    with tempfile.TemporaryDirectory() as folder:
        plain = unsandboxed_copy(course, Path(folder))
        for assignment in course.assignments():
            path, plain_path = course.source_notebook(assignment), plain.source_notebook(assignment)
            runs = [lambda: grade_notebook(path), lambda: grade_notebook(plain_path), lambda: bare_run(path)]
            check, unsandboxed, bare = best_times(runs, args.repeat)
            print(
                f"{assignment:<10} {check:>10.2f} {unsandboxed:>13.2f} {bare:>13.2f} "
                f"{check / bare:>15.2f} {check / unsandboxed:>9.2f}"
            )


if __name__ == "__main__":
    main()
