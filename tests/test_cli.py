"""``constructeur``'s own behaviour, without grading anything: its help imports nothing
heavy, and a missing grading extra is explained in French."""

import subprocess
import sys

import pytest

import constructeur
from constructeur.cli import main

HEAVY = ("torch", "nbgrader", "nbformat", "nbclient", "sqlalchemy", "matplotlib")


def test_help_imports_nothing_heavy():
    script = (
        "import sys\nfrom constructeur.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(*sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "Outils du «\u00a0Guide du constructeur\u00a0»" in result.stdout
    assert result.stdout.splitlines()[-1] == ""


@pytest.mark.parametrize("args", [["check", "x.ipynb"], ["check", "--all"], ["grade", "blocks"]])
def test_without_the_grading_extra_each_command_says_what_to_install(monkeypatch, args):
    monkeypatch.setitem(sys.modules, "nbgrader", None)  # `import nbgrader` now fails
    for name in [name for name in sys.modules if name.startswith("constructeur.grading")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(constructeur, "grading", raising=False)
    with pytest.raises(SystemExit) as exit:
        main(args)
    assert str(exit.value) == (
        f"constructeur {args[0]}\u00a0: le module «\u00a0nbgrader\u00a0» manque\u202f; "
        'installez guide-constructeur[grading] (pip install "guide-constructeur[grading]").'
    )
