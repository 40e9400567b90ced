"""The glossary (book/glossaire.md) is a Sphinx glossary that the sections link to: every
term is linked with {term} from at least one page of the book, and every link names a term.
The build (``-n -W``) fails on a link Sphinx cannot resolve; these checks need no build."""

import re

import nbformat
import yaml
from markdown_it import MarkdownIt

from helpers import ROOT

GLOSSARY = ROOT / "book" / "glossaire.md"
# {term}`text <target>` or {term}`target`
TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<([^>`]+)>|([^`]+))`")


def normalized(term):
    """A term as Sphinx files it: its text without markup, in lower case, spaces collapsed."""
    return " ".join(term.replace("*", "").lower().split())


def glossary_terms():
    """The terms of the {glossary} directive: its lines that are neither indented nor blank."""
    fences = [token for token in MarkdownIt("commonmark").parse(GLOSSARY.read_text()) if token.type == "fence"]
    glossaries = [fence for fence in fences if fence.info.strip() == "{glossary}"]
    assert len(glossaries) == 1, f"{GLOSSARY.name} must hold one ```{{glossary}} directive, it holds {len(glossaries)}"
    return [normalized(line) for line in glossaries[0].content.splitlines() if line.strip() and not line[0].isspace()]


def pages():
    """The pages of the book, as _toc.yml lists them, but the glossary itself."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [ROOT / f"{name}.ipynb" for name in chapters if (ROOT / f"{name}.ipynb").is_file()]


def links(path):
    """The term targets linked from the markdown cells of a notebook."""
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    return [normalized(target or whole) for target, whole in TERM_ROLE.findall(text)]


def test_the_glossary_defines_each_term_once():
    terms = glossary_terms()
    assert len(terms) >= 30
    assert len(set(terms)) == len(terms), sorted({term for term in terms if terms.count(term) > 1})
    assert "propagation avant (forward pass)" in terms and "tampon (buffer)" in terms


def test_every_term_is_linked_from_a_section():
    linked = {target for path in pages() for target in links(path)}
    unlinked = sorted(set(glossary_terms()) - linked)
    assert not unlinked, (
        f"glossary terms that no page links to: {unlinked}. At the term's first use in a section, "
        "write {term}`text <term as in the glossary>`."
    )


def test_every_link_names_a_term():
    terms = set(glossary_terms())
    unknown = {path.name: sorted(set(links(path)) - terms) for path in pages()}
    assert not any(unknown.values()), f"{{term}} links to no glossary term: {unknown}"


EXERCISE = re.compile(r"^(`{3,})\{exercise\}.*?^\1$", re.S | re.M)


def test_no_term_is_linked_inside_an_exercise():
    """On the exercises' tinted background, the theme's colour for a {term} link is too pale
    to read (axe: color-contrast, serious): link the term in the text, not in the statement."""
    for path in pages():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for exercise in EXERCISE.finditer(cell.source):
                assert not TERM_ROLE.search(exercise.group(0)), f"{path.name}: {{term}} in {exercise.group(0)[:80]!r}"


def test_every_section_links_the_glossary():
    silent = [path.name for path in pages() if not links(path)]
    assert not silent, f"pages that link no glossary term: {silent}"


def test_the_roles_are_parsed_as_sphinx_reads_them():
    assert TERM_ROLE.findall("un {term}`lot <lot (batch)>` et le {term}`*dropout*`") == [
        ("lot (batch)", ""),
        ("", "*dropout*"),
    ]
    assert normalized("*dropout*") == "dropout" and normalized("Lot  (*batch*)") == "lot (batch)"
