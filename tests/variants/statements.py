"""The sentences of each exercise's statement, and the rule identifier each one carries.

A statement is the markdown of an exercise (from its « ## » heading to its first code
cell, hints in <details> left out). An author marks a sentence that states a rule with an
HTML comment, invisible in the rendered notebook and kept by nbgrader in the released one:

    ... lève une `ValueError` dont le message cite la valeur reçue. <!-- règle replicate.erreur -->

A sentence states a rule when it says « doit », « renvoie » or « lève », or belongs to a
bullet or a numbered step; tests/variants/test_rules.py checks that each such sentence has
its identifier, and tests/variants/rules.py gives each identifier its rules.
"""

import re
from dataclasses import dataclass

import nbformat
from nbgrader import utils

MARKER = re.compile(r"<!--\s*règle\s+(\S+)\s*-->")
RULE_WORDS = re.compile(r"\b(doit|doivent|renvoie|renvoient|lève|lèvent)\b", re.IGNORECASE)
ITEM = re.compile(r"^(?:[-*]|\d+\.)\s+")
# A sentence ends at . ! ? followed by a space and a capital (or a backquote, «, *);
# the markers just after its full stop stay with it.
BOUNDARY = re.compile(r"(?<=[.!?])((?:\s*<!--.*?-->)*)\s+(?=[A-ZÀ-ÖØ-Þ«`*…])")


@dataclass
class Sentence:
    """One sentence of a statement: its text (code and formulas shortened), whether it
    states a rule, the identifiers it carries, and the graded names of its exercise."""

    text: str
    states_rule: bool
    identifiers: list
    names: tuple


def _hide_code(text):
    """``text`` with fenced code, display formulas and inline code shortened to « … », so
    that the full stops inside them do not end a sentence."""
    text = re.sub(r"```.*?```", "…", text, flags=re.DOTALL)
    text = re.sub(r"\s*\$\$.*?\$\$\s*", " … ", text, flags=re.DOTALL)
    return re.sub(r"`[^`]*`", "…", text)


def _blocks(markdown):
    """(text, in_item) for each paragraph and each bullet or numbered item of ``markdown``."""
    blocks, current, in_item = [], [], False
    for line in _hide_code(markdown).splitlines():
        stripped = line.strip()
        starts_item = bool(ITEM.match(stripped))
        if not stripped or stripped.startswith("#") or starts_item:
            if current:
                blocks.append((" ".join(current), in_item))
            current, in_item = [], starts_item
            if starts_item:
                current.append(ITEM.sub("", stripped))
            continue
        current.append(stripped)
    if current:
        blocks.append((" ".join(current), in_item))
    return blocks


def _split(text):
    """The sentences of a paragraph, each with the markers that follow its full stop."""
    parts = BOUNDARY.split(text)
    return [(parts[i] + (parts[i + 1] if i + 1 < len(parts) else "")).strip() for i in range(0, len(parts), 2)]


def sentences(path):
    """Every Sentence of the statements of the notebook at ``path``."""
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for start, cell in enumerate(cells):
        if cell.cell_type != "markdown" or not cell.source.startswith("## "):
            continue
        statement, names = [], []
        for later in cells[start:]:
            if later is not cell and later.cell_type == "markdown" and later.source.startswith("## "):
                break
            if later.cell_type == "markdown" and not later.source.lstrip().startswith("<details>") and not names:
                statement.append(later.source)
            if utils.is_solution(later):
                names.append(later.metadata.nbgrader["grade_id"])
        if not names:  # a section without a graded answer states no rule
            continue
        for block, in_item in _blocks("\n\n".join(statement)):
            for text in _split(block):
                identifiers = MARKER.findall(text)
                plain = MARKER.sub("", text).strip()
                states_rule = in_item or bool(RULE_WORDS.search(plain))
                found.append(Sentence(plain, states_rule, identifiers, tuple(names)))
    return found
