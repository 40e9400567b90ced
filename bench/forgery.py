"""Points that each cheat of ``tests/grading/kernels/test_forgery.py`` gains over the
honest notebook, through the check and through class grading (and a plain ``nbgrader
autograde``), and whether the static look flags it.

    python bench/forgery.py [--repository PATH]

``--repository`` is the checkout whose course and grading code are measured (default:
this one; its ``.venv`` must be the Python running this script). The cheats are always
this checkout's; the gain is counted on the test cells that are trials here (name them
with ``--cells`` where the grading code has no trials yet), and on the whole notebook. Also measured: a
limit case, the package's reference answer taken with ``written_here`` neutered, which
is the answer itself, copied (the static look flags it)."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(HERE / "tests"), str(HERE / "tests" / "grading" / "kernels")]

import test_forgery as forgery  # noqa: E402

LIMITS = {
    "reference_prise": forgery.Cheat(
        "from constructeur.blocks import MySequential\nimport constructeur.grading.trial as trial\n\n"
        "trial.written_here = lambda *args, **kwargs: None\n"
    ),
}


def _points(value):
    return f"{value:+g}".replace(".", ",") if value else "0"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", type=Path, default=HERE)
    parser.add_argument("--cells", nargs="*", help="test cells counted (default: the trials of this checkout)")
    arguments = parser.parse_args()
    repository = arguments.repository.resolve()
    trials = sorted(arguments.cells or forgery.trial_cells(HERE))
    cheats = {**forgery.HONEST, **forgery.CHEATS, **LIMITS}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="forgery-") as root:
        results = forgery.grade_everything(repository, root, cheats, everywhere=set(cheats))
    print(f"Dépôt mesuré\u00a0: {repository}")
    print(f"Cellules comptées\u00a0: {', '.join(trials)} (essais ici)\u00a0; «\u00a0carnet\u00a0»\u00a0: toutes les cellules de test")
    graders = ("check", "classe", "nbgrader")
    print(f"{'triche':<18}" + "".join(f"{g + ' essais':>17}{g + ' carnet':>17}" for g in graders) + f"{'signalée':>10}")
    for name, cheat in cheats.items():
        if name in forgery.HONEST:
            continue
        honest = results[forgery.baseline(cheat)]
        row = f"{name:<18}"
        for grader in graders:
            cheating, _ = results[name][grader]
            base, _ = honest[grader]
            on_trials = sum(cheating.get(cell, 0) - base.get(cell, 0) for cell in trials)
            overall = sum(cheating.values()) - sum(base.values())
            row += f"{_points(on_trials):>17}{_points(overall):>17}"
        flags = {results[name][grader][1] for grader in ("check", "classe")}
        row += f"{'oui' if flags == {True} else 'non' if flags == {False} else 'diffère':>10}"
        print(row)
    print(f"{len(cheats)} carnets, trois correcteurs, en {time.perf_counter() - start:.0f}\u00a0s")


if __name__ == "__main__":
    main()
