"""nbgrader settings of the course, shared by instructors and by ``constructeur check``.

Paths are relative to this folder, so the course works wherever it is cloned. The
gradebook defaults to SQLite ``gradebook.db`` here; past one machine, set
``c.CourseDirectory.db_url`` to a PostgreSQL URL in a local config instead.
"""

from constructeur.grading.feedback import TEMPLATES

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

# The course's name in the gradebook and nbgrader's exchange (release_assignment, collect).
c.CourseDirectory.course_id = "guide-constructeur"

# solutions/<a>/<a>.ipynb (solutions and hidden tests) -> exercises/<a>/<a>.ipynb
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# The gradebook refers every assignment to this course: PostgreSQL enforces that reference
# (SQLite does not), and nbgrader's default, "", names no course.
c.CourseDirectory.course_id = "guide-constructeur"

# What replaces each solution in the released notebooks.
c.ClearSolutions.code_stub = {"python": "# VOTRE CODE ICI\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VOTRE RÉPONSE ICI"

# Grading runs every notebook in a sandboxed kernel (README, « Le bac à sable »): the
# kernelspec names constructeur's kernel provisioner, which starts the kernel under
# bubblewrap, without the course, the network or the grader's environment.
c.ExecutePreprocessor.kernel_name = "constructeur-sandbox"
c.ExecutePreprocessor.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no start-up warnings
# Refuse to grade where bubblewrap cannot make a sandbox (`constructeur check` still
# grades a learner's own notebook there, and says so).
c.SandboxProvisioner.allow_unsandboxed = False

# Limits, each met with a French message in the graded notebook:
c.ExecutePreprocessor.timeout = 60  # seconds per cell: an endless loop costs one cell
c.GuardedExecute.notebook_timeout = 300  # seconds for the whole notebook
c.GuardedExecute.max_output_bytes = 2**20  # bytes of output of any kind kept per cell (1 Mio)
c.SandboxProvisioner.memory_limit = 4 * 2**30  # bytes for the kernel and its children (4 Gio)
c.SandboxProvisioner.max_processes = 256  # processes and threads at once

# nbgrader's sanitize steps, after RepairSubmission: it gives the copy's cells back the
# metadata that ordinary accidents lose or damage (answers pasted into a new notebook, a
# duplicated cell, metadata edited by hand), or rejects the copy with a French reason.
c.Autograde.sanitize_preprocessors = [
    "constructeur.grading.repair.RepairSubmission",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# nbgrader's autograde steps, with Execute replaced by GuardedExecute (same execution,
# plus the notebook time budget, the output cap and French verdicts when a kernel dies).
c.Autograde.autograde_preprocessors = [
    "constructeur.grading.execution.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# A deleted test cell comes back from the source and is graded anyway.
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = (
    "Cette cellule ({cell_id}) manquait dans la copie ; nbgrader l'a rétablie.\n\n"
)

# Feedback for students (nbgrader generate_feedback): a French page, without any line of
# the hidden tests (nbgrader's default page shows them, jupyter/nbgrader#917).
c.GenerateFeedback.preprocessors = [
    "constructeur.grading.feedback.HideHiddenTests",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.HTMLExporter.template_name = "feedback"  # the name nbgrader's formgrader asks for too
c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
# Numbers written the French way, as in every report (« 1,5/4 »).
c.HTMLExporter.filters = {"number": "constructeur.grading.french.number", "points": "constructeur.grading.french.points"}

# nbgrader zip_collect: an archive downloaded from a course platform, placed in
# downloaded/<assignment>/archive/, whose files are named <student>_<notebook>.ipynb
# (e.g. dupont_blocks.ipynb).
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[^/_]+)_(?P<file_id>[^/_]+\.ipynb)$"
