"""The ``constructeur`` command: ``constructeur check NOTEBOOK...`` or ``constructeur check --all``.

The grading modules (nbgrader and its kin) are imported only when a notebook is checked:
``constructeur --help`` answers at once, and without the ``grading`` extra (on Colab, say)
the check says in French what to install instead of a traceback.
"""

import argparse
import os
from pathlib import Path


def _parser():
    parser = argparse.ArgumentParser(
        prog="constructeur", description="Outils du «\u00a0Guide du constructeur\u00a0»."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    check = commands.add_parser(
        "check",
        help="note une copie de vos carnets d'exercices",
        description=(
            "Note une copie de chaque carnet avec les tests du cours (tests cachés compris), "
            "comme le ferait «\u00a0nbgrader autograde\u00a0». Vos fichiers ne sont jamais modifiés. "
            "Code de sortie 0 seulement si tous les points sont obtenus."
        ),
    )
    check.add_argument("notebooks", nargs="*", type=Path, metavar="CARNET", help="carnet(s) à noter")
    check.add_argument("--all", action="store_true", help="noter tous les carnets distribués du cours")
    check.add_argument(
        "--timeout",
        type=int,
        metavar="SECONDES",
        help="délai maximal par cellule (défaut\u00a0: celui du cours)",
    )
    return parser


def _grading():
    """The modules of the check; a French exit message when the grading extra is missing."""
    try:
        from . import course, grading, report
    except ModuleNotFoundError as error:
        raise SystemExit(
            f"constructeur check : le module « {error.name} » manque ; "
            'installez guide-constructeur[grading] (pip install "guide-constructeur[grading]").'
        ) from None
    return course, grading, report


def check(notebooks, timeout=None):
    """Grade each notebook and print its report; the exit code (0: every point everywhere)."""
    course, grading, report = _grading()
    score = max_score = 0.0
    failed = False
    for notebook in notebooks:
        try:
            graded = grading.grade_notebook(notebook, timeout=timeout)
        except course.CheckError as error:
            print(f"Carnet {notebook} — impossible de le noter\u00a0: {error}")
            failed = True
        else:
            print(report.render(graded))
            score, max_score = score + graded.score, max_score + graded.max_score
        print()
    if len(notebooks) > 1:
        print(f"Total général\u00a0: {report.points(score, max_score)}")
    return 0 if not failed and score == max_score else 1


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.timeout is not None and args.timeout < 1:
        parser.error("--timeout\u00a0: il faut au moins 1 seconde")
    notebooks = list(args.notebooks)
    if args.all:
        course = _grading()[0].Course.around(Path.cwd())
        notebooks += [Path(os.path.relpath(p)) for p in course.released_notebooks()]
    if not notebooks:
        parser.error("indiquez au moins un carnet, ou --all")
    return check(notebooks, timeout=args.timeout)
