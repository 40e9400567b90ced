"""The reading hints (constructeur.grading.reading): every graded exercise of every assignment is
mapped to a section and heading that the book has, with the anchor Sphinx gives it; every
PyTorch error of the table is an entry of the appendix « Messages d'erreur », whose cell
really prints it."""

import os
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from docutils.nodes import make_id
from markdown_it import MarkdownIt

from helpers import ROOT
from constructeur.grading.course import Course
from constructeur.grading.reading import (
    APPENDIX, APPENDIX_TITLE, BOOK_URL, BUILT, ERRORS, PAGE, SECTIONS, TO_REREAD, anchor, explain, link, plain, reread,
)
from constructeur.grading.report import render
from constructeur.grading.results import CellGrade, Grading

MODULE = "src/constructeur/grading/reading.py"
COURSE = Course(ROOT)


def _graded():
    """Graded exercise name -> its assignment, over every assignment of the course."""
    names = {}
    for assignment in COURSE.assignments():
        nb = nbformat.read(COURSE.source_notebook(assignment), as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("solution"):
                names[cell.metadata.nbgrader["grade_id"]] = assignment
    return names


def _headings(stem):
    """(level, markdown source, text as rendered) of every heading in book/<stem>.ipynb,
    read as MyST reads markdown (headings in code blocks are not headings)."""
    nb = nbformat.read(ROOT / "book" / f"{stem}.ipynb", as_version=4)
    headings = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        tokens = MarkdownIt("commonmark").parse(cell.source)
        for opening, inline in zip(tokens, tokens[1:]):
            if opening.type == "heading_open":
                text = "".join(child.content for child in inline.children)
                headings.append((int(opening.tag[1]), inline.content, text))
    return headings


def test_every_graded_exercise_is_mapped():
    graded = _graded()
    missing = [f"{name!r} (assignment {assignment!r})" for name, assignment in graded.items() if name not in TO_REREAD]
    assert not missing, (
        f"graded exercises without a reading hint: {', '.join(missing)}. Add to TO_REREAD in {MODULE} "
        f"a line '<name>': ('<section>', '<heading of the paragraph, as written in the book>'), "
        f"with <section> one of {sorted(SECTIONS)}, or None as heading for the whole section."
    )
    stale = sorted(set(TO_REREAD) - set(graded))
    assert not stale, f"TO_REREAD in {MODULE} maps names that no assignment grades: remove {stale}."


@pytest.mark.parametrize("stem", SECTIONS)
def test_sections_are_the_books(stem):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert f"book/{stem}" in str(toc), f"{stem!r}: no such page in _toc.yml; fix SECTIONS in {MODULE}"
    titles = [text for level, _, text in _headings(stem) if level == 1]
    assert titles[:1] == [SECTIONS[stem]], (
        f"book/{stem}.ipynb is titled {titles[:1]}, SECTIONS in {MODULE} says {SECTIONS[stem]!r}: update SECTIONS"
    )


@pytest.mark.parametrize("name", TO_REREAD)
def test_every_target_heading_is_in_the_book(name):
    stem, heading = TO_REREAD[name]
    assert stem in SECTIONS, f"TO_REREAD[{name!r}] names section {stem!r}, not one of {sorted(SECTIONS)}"
    if heading is None:
        return
    headings = _headings(stem)
    sources = [source for _, source, _ in headings]
    assert heading in sources, (
        f"TO_REREAD[{name!r}] in {MODULE} points at the heading {heading!r}, which book/{stem}.ipynb "
        f"does not have. Its headings are: {sources}. Set it to the heading of the paragraph that "
        "teaches this exercise, as written in the book (or None for the whole section)."
    )
    text = next(text for _, source, text in headings if source == heading)
    assert plain(heading) == text, f"the report would show {plain(heading)!r} for the heading {text!r}"
    same_id = [source for _, source, text in headings if make_id(text) == make_id(plain(heading))]
    assert same_id == [heading], f"book/{stem}.ipynb: headings {same_id} share an anchor, Sphinx numbers them"


@pytest.mark.parametrize("stem", SECTIONS)
def test_anchors_are_those_of_docutils(stem):
    """Every heading of the book, not only the mapped ones, gets the id Sphinx gives it."""
    for _, _, text in _headings(stem):
        assert anchor(text) == make_id(text), text


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Réécrire `nn.Sequential`", "reecrire-nn-sequential"),
        ("Points de contrôle : reprendre un entraînement", "points-de-controle-reprendre-un-entrainement"),
        ("Le cœur d'un module", "le-coeur-d-un-module"),
        ("2 couches, 3 modules", "couches-3-modules"),
        ("Et la vitesse ?", "et-la-vitesse"),
    ],
)
def test_anchor_known_cases(title, expected):
    assert anchor(plain(title)) == expected == make_id(plain(title))


@pytest.mark.parametrize("name", [name for name, (_, heading) in TO_REREAD.items() if heading])
def test_anchors_are_in_the_built_book(name):
    stem, heading = TO_REREAD[name]
    page = ROOT / BUILT / PAGE.format(stem=stem)
    if not page.is_file():
        pytest.skip(f"{page} is not built (make book)")
    assert f'id="{anchor(plain(heading))}"' in page.read_text(), f"{page} has no anchor for {heading!r}"


def test_online_book_is_the_repositorys_pages():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    owner, name = config["repository"]["url"].removeprefix("https://github.com/").strip("/").split("/")
    assert BOOK_URL == f"https://{owner}.github.io/{name}/"


def test_reread_links_to_the_built_page_else_online(tmp_path, monkeypatch):
    online = "https://guide-constructeur.github.io/guide-constructeur/book/model-construction.html"
    assert reread("MySequential") == (
        f"À relire\u00a0: Couches et modules, «\u00a0Réécrire nn.Sequential\u00a0» — {online}#reecrire-nn-sequential"
    )
    assert reread("MySequential", tmp_path).endswith(f" — {online}#reecrire-nn-sequential")  # not built there
    page = tmp_path / BUILT / "book" / "lazy-init.html"
    page.parent.mkdir(parents=True)
    page.touch()
    monkeypatch.setitem(TO_REREAD, "build_and_init", ("lazy-init", None))  # a whole section
    assert reread("build_and_init", tmp_path) == f"À relire\u00a0: Initialisation paresseuse — {page}"
    monkeypatch.chdir(tmp_path)
    assert link("lazy-init", None, tmp_path) == os.path.join("_build", "html", "book", "lazy-init.html")
    assert reread("double") is None


def test_built_page_relative_to_the_current_folder(tmp_path, monkeypatch):
    page = tmp_path / BUILT / "book" / "read-write.html"
    page.parent.mkdir(parents=True)
    page.touch()
    monkeypatch.chdir(tmp_path / "_build")
    expected = Path("html", "book", "read-write.html")
    assert link("read-write", "Charger sans danger", tmp_path) == f"{expected}#charger-sans-danger"


LABEL = re.compile(r"^\((erreur-[\w-]+)\)=$", re.MULTILINE)


def _appendix_entries():
    """label -> the text the code cells of its entry printed, in book/<APPENDIX>.ipynb."""
    nb = nbformat.read(ROOT / "book" / f"{APPENDIX}.ipynb", as_version=4)
    entries, label = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = LABEL.findall(cell.source)  # an entry is one markdown cell, then its code
            label = found[0] if found else None
            if label:
                entries[label] = ""
        elif label is not None:
            entries[label] += "".join(output.get("text", "") for output in cell.outputs)
    return entries


def test_appendix_is_in_the_toc_under_its_title():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    assert f"book/{APPENDIX}" in str(toc), f"book/{APPENDIX} is not in _toc.yml"
    titles = [text for level, _, text in _headings(APPENDIX) if level == 1]
    assert titles == [APPENDIX_TITLE]


def test_every_error_is_an_entry_whose_cell_prints_it():
    entries = _appendix_entries()
    assert set(ERRORS.values()) == set(entries), (
        f"ERRORS in {MODULE} and the entries of book/{APPENDIX}.ipynb differ: "
        f"without an entry {sorted(set(ERRORS.values()) - set(entries))}, "
        f"without a pattern {sorted(set(entries) - set(ERRORS.values()))}"
    )
    for pattern, label in ERRORS.items():
        assert re.search(pattern, entries[label]), (
            f"the cell of entry {label!r} no longer prints an error that {pattern!r} matches "
            f"(PyTorch reworded it?); it printed:\n{entries[label]}"
        )


def test_explain_links_the_appendix_entry(tmp_path, monkeypatch):
    online = f"{BOOK_URL}book/{APPENDIX}.html"
    failure = "RuntimeError\u00a0: mat1 and mat2 shapes cannot be multiplied (2x30 and 20x256)"
    assert explain(failure) == f"À relire\u00a0: Messages d'erreur — {online}#erreur-mat1-mat2"
    state_dict = "RuntimeError\u00a0: Error(s) in loading state_dict for MLP:"
    assert explain(state_dict).endswith("#erreur-chargement-state-dict")
    assert explain("AssertionError\u00a0: la somme est fausse") is None
    assert explain(None) is None
    page = tmp_path / BUILT / "book" / f"{APPENDIX}.html"
    page.parent.mkdir(parents=True)
    page.touch()
    assert explain(failure, tmp_path) == f"À relire\u00a0: Messages d'erreur — {page}#erreur-mat1-mat2"


def test_report_adds_the_error_hint_under_the_section_hint():
    failure = "ValueError\u00a0: Attempted to use an uninitialized parameter in <method 'numel'>"
    grading = Grading(Path("init.ipynb"), "init", cells=[
        CellGrade("test_build_and_init", "build_and_init", 0, 2, failure),
        CellGrade("test_init_strange", "init_strange", 1, 1),
    ])
    lines = render(grading).splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("build_and_init"))
    assert lines[row + 1] == f"    {reread('build_and_init')}"
    assert lines[row + 2] == f"    {explain(failure)}"
    assert lines[row + 2].endswith("#erreur-parametre-non-initialise")
    assert lines[row + 3].startswith("init_strange")  # a passed exercise gets no hint


@pytest.mark.parametrize("label", sorted(set(ERRORS.values())))
def test_error_anchors_are_in_the_built_book(label):
    page = ROOT / BUILT / PAGE.format(stem=APPENDIX)
    if not page.is_file():
        pytest.skip(f"{page} is not built (make book)")
    assert f'id="{label}"' in page.read_text(), f"{page} has no anchor {label!r}"
