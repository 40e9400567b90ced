"""The ``constructeur`` command: ``constructeur check NOTEBOOK...`` or ``constructeur check
--all`` for learners, ``constructeur grade ASSIGNMENT`` (or ``--all``) for instructors.

The grading modules (nbgrader and its kin) are imported only when a subcommand runs:
``constructeur --help`` answers at once, and without the ``grading`` extra (on Colab, say)
the subcommand says in French what to install instead of a traceback. argparse speaks
French through its gettext messages (``ARGPARSE_FR``), as a translation catalog would.
"""

import argparse
import os
import sys
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

# argparse's messages (its gettext msgids) that a user can meet, in French.
ARGPARSE_FR = {
    "usage: ": "utilisation\u00a0: ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s\u00a0: %(message)s",
    "the following arguments are required: %s": "il manque les arguments suivants\u00a0: %s",
    "unrecognized arguments: %s": "arguments non reconnus\u00a0: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide\u00a0: %(value)r (possibles\u00a0: %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide\u00a0: %(value)r (un nombre entier est attendu)",
    "expected one argument": "une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë\u00a0: %(option)s peut désigner %(matches)s",
    "not allowed with argument %s": "impossible avec l'argument %s",
    "ignored explicit argument %r": "argument explicite ignoré\u00a0: %r",
    "%(prog)s: error: %(message)s\n": "%(prog)s\u00a0: erreur\u00a0: %(message)s\n",
}


@contextmanager
def _french_argparse():
    """argparse's messages in French while the parser is built and used."""
    english = argparse._
    argparse._ = lambda message: ARGPARSE_FR.get(message, english(message))
    try:
        yield
    finally:
        argparse._ = english


def _parser():
    parser = argparse.ArgumentParser(
        prog="constructeur", description="Outils du «\u00a0Guide du constructeur\u00a0»."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE", title="commandes")
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
    grade.add_argument("assignment", nargs="?", metavar="DEVOIR", help="le devoir à corriger")
    grade.add_argument("--all", action="store_true", help="corriger tous les devoirs du carnet de notes, en une fois")
    grade.add_argument("--workers", type=int, metavar="N", help="processus de correction (défaut\u00a0: un par cœur)")
    grade.add_argument("--student", default="*", metavar="MOTIF", help="seulement les élèves dont l'identifiant correspond au motif")
    return parser


def _grading(command, *names):
    """The package's grading modules ``names``; a French exit message, naming ``command``,
    when the grading extra is missing."""
    try:
        return [import_module(f"{__package__}.grading.{name}") for name in names]
    except ModuleNotFoundError as error:
        raise SystemExit(
            f"constructeur {command}\u00a0: le module «\u00a0{error.name}\u00a0» manque\u202f; "
            'installez guide-constructeur[grading] (pip install "guide-constructeur[grading]").'
        ) from None


def check(notebooks, timeout=None):
    """Grade each notebook and print its report; the exit code (0: every point everywhere)."""
    errors, check_, french, report, learner_text = _grading(
        "check", "errors", "check", "french", "report", "learner_text"
    )
    score = max_score = 0.0
    failed = visible_only = False
    for notebook in notebooks:
        try:
            graded = check_.grade_notebook(notebook, timeout=timeout)
        except errors.GradingError as error:
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
        print(f"Total général\u00a0: {french.points(score, max_score)}{suffix}")
    return 0 if not failed and score == max_score else 1


def grade(assignments, workers=None, pattern="*"):
    """Grade a class's submissions of each assignment (None: every assignment of the
    gradebook) and write their reports; the exit code (0: every submission graded)."""
    course, errors, class_grading, class_report, progress = _grading(
        "grade", "course", "errors", "grade", "class_report", "progress"
    )
    root = course.Course.around(Path.cwd()).root
    try:
        results = []
        for assignment in assignments or class_grading.gradebook_assignments(root):
            with progress.Progress(assignment, len(class_grading.students(root, assignment, pattern))) as bar:
                results.append(class_grading.grade_class(root, assignment, workers, pattern, on_outcome=bar.update))
    except errors.GradingError as error:
        print(f"Impossible de corriger\u00a0: {error}")
        return 2
    for result in results:
        folder = class_report.write_report(result, root / "reports" / result.assignment)
        print(class_report.summary(result))
        print(f"Rapport\u00a0: {folder / 'index.html'} et {folder / 'grades.csv'}")
    if len(results) > 1:
        print(class_report.overall(results))
    return 0 if all(class_report.all_graded(result) for result in results) else 1


def nbgrader_programs_on_path():
    """Put this environment's programs first on PATH, once, where a program starts
    nbgrader's applications: a new gradebook runs nbgrader's ``alembic`` program."""
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


def main(argv=None):
    with _french_argparse():
        parser = _parser()
        args = parser.parse_args(argv)
        if args.command == "grade":
            if args.workers is not None and args.workers < 1:
                parser.error("--workers\u00a0: il faut au moins 1 processus")
            if bool(args.assignment) == args.all:
                parser.error("indiquez un devoir, ou --all")
        elif args.timeout is not None and args.timeout < 1:
            parser.error("--timeout\u00a0: il faut au moins 1 seconde")
        elif not (args.notebooks or args.all):
            parser.error("indiquez au moins un carnet, ou --all")
    if args.command == "grade":
        nbgrader_programs_on_path()
        return grade([args.assignment] if args.assignment else None, args.workers, args.student)
    notebooks = list(args.notebooks)
    if args.all:
        course = _grading("check", "course")[0].Course.around(Path.cwd())
        notebooks += [Path(os.path.relpath(p)) for p in course.released_notebooks()]
    return check(notebooks, timeout=args.timeout)
