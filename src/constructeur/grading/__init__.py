"""The grading wing: ``constructeur check`` (a learner's copy) and ``constructeur grade`` (a
class) over nbgrader's own machinery. The teaching modules never import it; it imports
nbgrader only in its modules, so ``import constructeur.grading`` costs nothing.

One pipeline, run by nbgrader's preprocessors as the course's ``nbgrader_config.py`` lists
them: repair and review once (``repair.RepairSubmission``, ``review``), nbgrader's sanitize,
the sandboxed execution (``execution.GuardedExecute`` in a kernel that ``sandbox`` and
``cgroups`` confine; test cells judged in the grader), ``determine_grade``. Its modules:

- ``course``: the course, its settings read as nbgrader reads them; ``errors``: ``GradingError``.
- ``notebooks``: reading copies; ``repair``, ``review``, ``flags``: what is fixed and found.
- ``trial`` (how a test cell is written: ``given``, ``measure``, ``judge``), ``remote`` (its
  verdict reached in the grader, only ``measure`` in the kernel), ``wire`` (what crosses: data).
- ``outputs``: what the grading meets in a cell (events, as data) and writes there.
- ``check`` (a throw-away course for one copy), ``grade`` (a class, in parallel), ``progress``.
- ``results``: the result types every report renders (findings are data, statuses enums).
- French rendering: ``french`` (numbers, statuses, findings), ``verdicts`` (outputs),
  ``report`` (terminal), ``class_report`` (CSV, HTML), ``feedback`` and ``templates/``,
  ``reading`` (what to reread in the book).
"""
