"""``constructeur``'s own behaviour, without grading anything: its help imports nothing
heavy, and a missing grading extra is explained in French."""

import argparse
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


@pytest.mark.parametrize(
    "args, words",
    [
        ([], "constructeur\u00a0: erreur\u00a0: il manque les arguments suivants\u00a0: COMMANDE"),
        (["bla"], "choix invalide\u00a0: 'bla' (possibles\u00a0: 'check', 'grade')"),
        (["grade", "--workers", "x"], "argument --workers\u00a0: valeur invalide\u00a0: 'x' (un nombre entier est attendu)"),
        (["grade"], "constructeur\u00a0: erreur\u00a0: indiquez un devoir, ou --all"),
        (["grade", "blocks", "--all"], "indiquez un devoir, ou --all"),
        (["check", "--bavard"], "arguments non reconnus\u00a0: --bavard"),
    ],
)
def test_usage_errors_are_french(args, words, capsys):
    with pytest.raises(SystemExit) as exit:
        main(args)
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.startswith("utilisation\u00a0: constructeur") and words in err, err


def test_help_is_french(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation\u00a0: constructeur grade [-h] [--all]")
    assert "affiche cette aide et quitte" in out and "usage" not in out and "show this help" not in out
    assert argparse._("usage: ") == "usage: "  # argparse speaks English again outside the command
