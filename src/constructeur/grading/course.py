"""Find the nbgrader course around a notebook, its settings and its assignments.

The course is the nearest folder, going up from the notebook, that holds
``nbgrader_config.py`` (else the current folder). Its settings are read with
traitlets, as nbgrader reads them, and its paths come from nbgrader's own
``CourseDirectory``, so the check looks where an instructor's ``nbgrader`` looks.
"""

from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


class CheckError(Exception):
    """A notebook cannot be graded; the message, in French, says why."""


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

    def __init__(self, root):
        self.root = Path(root).resolve()
        self.config = Config()
        if (self.root / CONFIG_FILE).is_file():
            self.config = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        self.directories = CourseDirectory(config=self.config, root=str(self.root))

    @classmethod
    def around(cls, start):
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
    def hidden_tests(self):
        """Whether the course holds its source folder (solutions and hidden tests); a
        learner who was given only the released notebooks has none."""
        return Path(self.directories.format_path(self.directories.source_directory, ".", ".")).is_dir()

    def _tests_step(self):
        """Where the tests are: the source folder, else the released notebooks."""
        return self.directories.source_directory if self.hidden_tests else self.directories.release_directory

    def assignments(self):
        """Names of the assignments ``a`` that have a notebook ``<source>/a/a.ipynb``
        (``<release>/a/a.ipynb`` in a course without its source folder), sorted."""
        source = Path(self.directories.format_path(self._tests_step(), ".", "."))
        return sorted(p.name for p in source.resolve().glob("*") if (p / f"{p.name}.ipynb").is_file())

    def source_notebook(self, assignment):
        """The notebook whose tests grade ``assignment``: its source (solutions and hidden
        tests), or, in a course without its source folder, its released notebook (the
        visible tests only)."""
        path = self._notebook(self._tests_step(), assignment)
        if not path.is_file():
            known = ", ".join(f"«\u00a0{name}\u00a0»" for name in self.assignments()) or "aucun"
            raise CheckError(
                f"ce carnet n'appartient à aucun exercice du cours {self.root}\u00a0: "
                f"«\u00a0{assignment}\u00a0» n'y est pas un devoir (devoirs connus\u00a0: {known}). "
                "Gardez au carnet le nom sous lequel il a été distribué."
            )
        return path

    def released_notebooks(self):
        """The learner notebooks of every assignment, where they exist."""
        paths = (self._notebook(self.directories.release_directory, a) for a in self.assignments())
        return [path for path in paths if path.is_file()]
