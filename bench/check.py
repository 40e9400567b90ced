"""Time ``constructeur check`` against a bare nbclient run of the same solution notebook.

For each assignment of the course, prints the best of ``--repeat`` in-process runs of the
check (temporary course, nbgrader's preprocessors, grading) and of a plain
``nbclient.NotebookClient(...).execute()``, run in turns, and their ratio (target: at
most 1.3). Timings are only meaningful on an otherwise idle machine.

    .venv/bin/python bench/check.py [--course .] [--repeat 3]
"""

import argparse
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from constructeur.course import Course
from constructeur.grading import grade_notebook


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=Path.cwd())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = Course.around(args.course)
    print(f"{'devoir':<10} {'check (s)':>10} {'nbclient (s)':>13} {'ratio':>6}")
    for assignment in course.assignments():
        path = course.source_notebook(assignment)
        check, bare = best_times([lambda: grade_notebook(path), lambda: bare_run(path)], args.repeat)
        print(f"{assignment:<10} {check:>10.2f} {bare:>13.2f} {check / bare:>6.2f}")


if __name__ == "__main__":
    main()
