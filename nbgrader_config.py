"""nbgrader settings of the course, shared by instructors and by ``constructeur check``.

Paths are relative to this folder, so the course works wherever it is cloned. The
gradebook defaults to SQLite ``gradebook.db`` here; past one machine, set
``c.CourseDirectory.db_url`` to a PostgreSQL URL in a local config instead.
"""

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# solutions/<a>/<a>.ipynb (solutions and hidden tests) -> exercises/<a>/<a>.ipynb
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# What replaces each solution in the released notebooks.
c.ClearSolutions.code_stub = {"python": "# VOTRE CODE ICI\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VOTRE RÉPONSE ICI"

# Grading runs the standard Python kernel with a time limit per cell, so that an endless
# loop costs one cell, not the whole run.
c.ExecutePreprocessor.timeout = 60
c.ExecutePreprocessor.kernel_name = "python3"
c.ExecutePreprocessor.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no start-up warnings

# A deleted test cell comes back from the source and is graded anyway.
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = (
    "Cette cellule ({cell_id}) manquait dans la copie ; nbgrader l'a rétablie.\n\n"
)
