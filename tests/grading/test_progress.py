"""The progress of ``constructeur grade``: a bar on a terminal, plain lines otherwise."""

import io

from constructeur.grading.progress import Progress
from constructeur.grading.results import Outcome, Status


class Terminal(io.StringIO):
    def isatty(self):
        return True


OUTCOMES = [Outcome("dupont", Status.GRADED, 1.5, 4), Outcome("martin", Status.NOT_GRADED, reason="illisible")]


def test_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    with Progress("blocks", 2, stream) as progress:
        for outcome in OUTCOMES:
            progress.update(outcome)
    assert stream.getvalue().splitlines() == ["  blocks · dupont\u00a0: 1,5/4", "  blocks · martin\u00a0: non noté"]


def test_a_bar_with_copies_done_not_graded_and_time_left_on_a_terminal():
    stream = Terminal()
    with Progress("blocks", 2, stream) as progress:
        for outcome in OUTCOMES:
            progress.update(outcome)
    last = stream.getvalue().split("\r")[-1]
    assert "Devoir «\u00a0blocks\u00a0»" in last and "2/2 copies, 1 non notée(s)" in last and "reste ≈ 00:00" in last, last
