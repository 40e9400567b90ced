"""The reading hints (constructeur.grading.reading): every graded exercise of every assignment is
mapped to a section and heading that the book has, with the anchor Sphinx gives it."""

import os
from pathlib import Path

import nbformat
import pytest
import yaml
from docutils.nodes import make_id
from markdown_it import MarkdownIt

from helpers import ROOT
from constructeur.grading.course import Course
from constructeur.grading.reading import BOOK_URL, BUILT, PAGE, SECTIONS, TO_REREAD, anchor, link, plain, reread

MODULE = "src/constructeur/reading.py"
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
