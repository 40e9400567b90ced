"""Find the nbgrader course around a notebook, its settings and its assignments.

The course is the nearest folder, going up from the notebook, that holds
``nbgrader_config.py`` (else the current folder). Its settings are read by nbgrader's own
application code, in nbgrader's order: the ``nbgrader_config.py`` files of the Jupyter
config path (``~/.jupyter``, ``JUPYTER_CONFIG_DIR``, the environment's ``etc/jupyter``...),
then the course's, which wins. A shared gradebook set in ``~/.jupyter/nbgrader_config.py``
(``c.CourseDirectory.db_url``) therefore holds for our commands as for ``nbgrader``. Paths
come from nbgrader's ``CourseDirectory``, so the check looks where ``nbgrader`` looks.
"""

import logging
from pathlib import Path

from nbgrader.apps.baseapp import NbGrader
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Application, Config

from .errors import NotGradable

CONFIG_FILE = "nbgrader_config.py"


class _ConfigReader(NbGrader):
    """nbgrader's base application, used only for its configuration loading; the current
    folder plays no part (the course's folder does)."""

    load_cwd_config = False


def course_config(root: Path) -> Config:
    """The settings nbgrader would use for the course at ``root``: the Jupyter config path's
    ``nbgrader_config.py`` files, then the course's, as ``nbgrader``'s applications load them."""
    reader = _ConfigReader(log_level=logging.ERROR)  # no « no config file found » warning
    reader.load_config_file()
    Application.load_config_file(reader, CONFIG_FILE, path=str(root))  # as NbGrader.initialize does
    return reader.config


class Course:
    """An nbgrader course: a root folder and the settings of its ``nbgrader_config.py``.

    Args:
        root: the course folder.

    Example:
        >>> Path("solutions/ps1").mkdir(parents=True)
        >>> _ = Path("solutions/ps1/ps1.ipynb").write_text("{}")
        >>> _ = Path(CONFIG_FILE).write_text("c.CourseDirectory.source_directory = 'solutions'")
        >>> course = Course.around("exercises/ps1/ps1.ipynb")
        >>> course.assignments()
        ['ps1']
        >>> course.source_notebook("ps1").relative_to(course.root)
        PosixPath('solutions/ps1/ps1.ipynb')
    """

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        self.config = course_config(self.root)
        self.directories = CourseDirectory(config=self.config, root=str(self.root))

    @classmethod
    def around(cls, start: Path | str) -> "Course":
        """The course holding ``start`` (a notebook or a folder): the nearest folder, from
        ``start`` up, with a config file; else the current folder."""
        start = Path(start).resolve()
        for folder in (start, *start.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(folder)
        return cls(Path.cwd())

    def _notebook(self, step, assignment):
        folder = self.directories.format_path(step, ".", assignment)
        return Path(folder).resolve() / f"{assignment}.ipynb"

    @property
    def hidden_tests(self) -> bool:
        """Whether the course holds its source folder (solutions and hidden tests); a
        learner who was given only the released notebooks has none."""
        return Path(self.directories.format_path(self.directories.source_directory, ".", ".")).is_dir()

    def _tests_step(self):
        """Where the tests are: the source folder, else the released notebooks."""
        return self.directories.source_directory if self.hidden_tests else self.directories.release_directory

    def assignments(self) -> list[str]:
        """Names of the assignments ``a`` that have a notebook ``<source>/a/a.ipynb``
        (``<release>/a/a.ipynb`` in a course without its source folder), sorted."""
        source = Path(self.directories.format_path(self._tests_step(), ".", "."))
        return sorted(p.name for p in source.resolve().glob("*") if (p / f"{p.name}.ipynb").is_file())

    def source_notebook(self, assignment: str) -> Path:
        """The notebook whose tests grade ``assignment``: its source (solutions and hidden
        tests), or, in a course without its source folder, its released notebook (the
        visible tests only)."""
        path = self._notebook(self._tests_step(), assignment)
        if not path.is_file():
            known = ", ".join(f"«\u00a0{name}\u00a0»" for name in self.assignments()) or "aucun"
            raise NotGradable(
                f"ce carnet n'appartient à aucun exercice du cours {self.root}\u00a0: "
                f"«\u00a0{assignment}\u00a0» n'y est pas un devoir (devoirs connus\u00a0: {known}). "
                "Gardez au carnet le nom sous lequel il a été distribué."
            )
        return path

    def released_notebooks(self) -> list[Path]:
        """The learner notebooks of every assignment, where they exist."""
        paths = (self._notebook(self.directories.release_directory, a) for a in self.assignments())
        return [path for path in paths if path.is_file()]
