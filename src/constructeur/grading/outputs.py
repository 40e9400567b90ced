"""The outputs the grading itself writes into a graded notebook's cells.

An error output ``STOPPED`` says why a cell could not run or finish; a failed test run
from the grader gets an ordinary error output (``error_output``); a stderr line starting
with ``LIMIT_HIT`` tells a limit the kernel ran into, one starting with
``TRUNCATED_START`` that output was dropped. ``verdicts`` reads them back.
"""

from nbformat.v4 import new_output

STOPPED = "GradingStopped"  # the error given to a cell that the grading could not (fully) run
TRUNCATED = "[sortie tronquée\u00a0: cette cellule a produit plus de {}, le reste est ignoré]\n"
TRUNCATED_START = TRUNCATED[: TRUNCATED.index("{")]
LIMIT_HIT = "Bac à sable\u00a0: "  # starts the note of a limit the kernel ran into
SHORT = 4096  # characters of each text of an error or result kept past the cap


def error_output(ename, evalue):
    """An error output named ``ename`` with the message ``evalue`` and no traceback lines."""
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def stopped_output(reason):
    """The error output of a cell that could not run (or finish) for ``reason`` (French)."""
    return error_output(STOPPED, reason)
