"""The ``constructeur`` command: ``constructeur check NOTEBOOK...`` or ``constructeur check
--all`` for learners, ``constructeur grade ASSIGNMENT`` for instructors.

The grading modules (nbgrader and its kin) are imported only when a subcommand runs:
``constructeur --help`` answers at once, and without the ``grading`` extra (on Colab, say)
the subcommand says in French what to install instead of a traceback.
"""

import argparse
import os
from importlib import import_module
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


def _grading(command, *names):
    """The package's grading modules ``names``; a French exit message, naming ``command``,
    when the grading extra is missing."""
    try:
        return [import_module(f"{__package__}.{name}") for name in names]
    except ModuleNotFoundError as error:
        raise SystemExit(
            f"constructeur {command}\u00a0: le module «\u00a0{error.name}\u00a0» manque\u202f; "
            'installez guide-constructeur[grading] (pip install "guide-constructeur[grading]").'
        ) from None


def check(notebooks, timeout=None):
    """Grade each notebook and print its report; the exit code (0: every point everywhere)."""
    course, grading, report, learner_text = _grading("check", "course", "grading", "report", "learner_text")
    score = max_score = 0.0
    failed = visible_only = False
    for notebook in notebooks:
        try:
            graded = grading.grade_notebook(notebook, timeout=timeout)
        except course.CheckError as error:
            print(learner_text.one_line(f"Carnet {notebook} — impossible de le noter\u00a0: {error}"))
            failed = True
        else:
            print(report.render(graded))
            score, max_score = score + graded.score, max_score + graded.max_score
            failed = failed or any(cell.failure for cell in graded.cells)
            visible_only = visible_only or graded.visible_only
        print()
    if len(notebooks) > 1:
        suffix = f" ({report.VISIBLE_ONLY})" if visible_only else ""
        print(f"Total général\u00a0: {report.points(score, max_score)}{suffix}")
    return 0 if not failed and score == max_score else 1


def grade(assignment, workers=None, pattern="*"):
    """Grade a class's submissions of ``assignment`` and write its report; the exit code
    (0: every submission graded)."""
    course, class_grading, class_report = _grading("grade", "course", "class_grading", "class_report")
    root = course.Course.around(Path.cwd()).root
    try:
        result = class_grading.grade_class(root, assignment, workers, pattern)
    except course.CheckError as error:
        print(f"Impossible de corriger\u00a0: {error}")
        return 2
    folder = class_report.write_report(result, root / "reports" / assignment)
    print(class_report.summary(result))
    print(f"Rapport\u00a0: {folder / 'index.html'} et {folder / 'grades.csv'}")
    return 1 if any(outcome.status == class_grading.NOT_GRADED for outcome in result.outcomes) else 0


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
        course = _grading("check", "course")[0].Course.around(Path.cwd())
        notebooks += [Path(os.path.relpath(p)) for p in course.released_notebooks()]
    if not notebooks:
        parser.error("indiquez au moins un carnet, ou --all")
    return check(notebooks, timeout=args.timeout)
