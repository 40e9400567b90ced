"""The ``constructeur`` command: ``constructeur check NOTEBOOK...`` or ``constructeur check
--all`` for learners, ``constructeur grade ASSIGNMENT`` for instructors."""

import argparse
import os
from pathlib import Path

from .course import CheckError, Course
from .grading import grade_notebook
from .report import VISIBLE_ONLY, points, render


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
            "comme le ferait «\u00a0nbgrader autograde\u00a0»\u202f; sans les sources du cours, avec "
            "les tests visibles du carnet. Vos fichiers ne sont jamais modifiés. "
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
    grade = commands.add_parser(
        "grade",
        help="corrige toutes les copies rendues d'un devoir (enseignants)",
        description=(
            "Corrige avec nbgrader chaque copie de submitted/*/DEVOIR/, en parallèle, dans le bac à "
            "sable, et écrit reports/DEVOIR/ (grades.csv et index.html). À lancer à la racine du "
            "cours. Code de sortie 0 seulement si toutes les copies ont été notées."
        ),
    )
    grade.add_argument("assignment", metavar="DEVOIR", help="le devoir à corriger")
    grade.add_argument("--workers", type=int, metavar="N", help="processus de correction (défaut\u00a0: un par cœur)")
    grade.add_argument("--student", default="*", metavar="MOTIF", help="seulement les élèves dont l'identifiant correspond au motif")
    return parser


def check(notebooks, timeout=None):
    """Grade each notebook and print its report; the exit code (0: every point everywhere)."""
    score = max_score = 0.0
    failed = visible_only = False
    for notebook in notebooks:
        try:
            grading = grade_notebook(notebook, timeout=timeout)
        except CheckError as error:
            print(f"Carnet {notebook} — impossible de le noter\u00a0: {error}")
            failed = True
        else:
            print(render(grading))
            score, max_score = score + grading.score, max_score + grading.max_score
            failed = failed or any(cell.failure for cell in grading.cells)
            visible_only = visible_only or grading.visible_only
        print()
    if len(notebooks) > 1:
        print(f"Total général\u00a0: {points(score, max_score)}" + (f" ({VISIBLE_ONLY})" if visible_only else ""))
    return 0 if not failed and score == max_score else 1


def grade(assignment, workers=None, pattern="*"):
    """Grade a class's submissions of ``assignment`` and write its report; the exit code
    (0: every submission graded)."""
    from .class_grading import NOT_GRADED, grade_class
    from .class_report import summary, write_report

    course = Course.around(Path.cwd())
    try:
        result = grade_class(course.root, assignment, workers, pattern)
    except CheckError as error:
        print(f"Impossible de corriger\u00a0: {error}")
        return 2
    folder = write_report(result, course.root / "reports" / assignment)
    print(summary(result))
    print(f"Rapport\u00a0: {folder / 'index.html'} et {folder / 'grades.csv'}")
    return 1 if any(outcome.status == NOT_GRADED for outcome in result.outcomes) else 0


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "grade":
        if args.workers is not None and args.workers < 1:
            parser.error("--workers\u00a0: il faut au moins 1 processus")
        return grade(args.assignment, args.workers, args.student)
    if args.timeout is not None and args.timeout < 1:
        parser.error("--timeout\u00a0: il faut au moins 1 seconde")
    notebooks = list(args.notebooks)
    if args.all:
        notebooks += [Path(os.path.relpath(p)) for p in Course.around(Path.cwd()).released_notebooks()]
    if not notebooks:
        parser.error("indiquez au moins un carnet, ou --all")
    return check(notebooks, timeout=args.timeout)
