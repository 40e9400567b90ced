"""The grading wing's errors: one base, ``GradingError``, whose message says in French what
went wrong and what to do."""


class GradingError(Exception):
    """Something the grading cannot do; the message, in French, says why."""


class NotGradable(GradingError):
    """A notebook, assignment or course that cannot be graded (missing, unreadable, unknown)."""
