"""French solution titles: « Solution de l'exercice 3.2 », not « Solution de Exercice 3.2 ».

sphinx-exercise builds a solution's title from two translated pieces, « Solution de »
and the exercise's own title « Exercice 3.2 », with no room for an article. Once its
post-transform has resolved the numbers, this extension rewrites the linked part.
"""

from docutils import nodes
from sphinx_exercise.nodes import solution_node

LINKED = " Exercice "


def add_the_article(app, doctree, docname):
    for solution in doctree.findall(solution_node):
        title = solution.children[0]
        for text in list(title.findall(nodes.Text)):
            if text.astext().startswith(LINKED):
                text.parent.replace(text, nodes.Text(" l'exercice " + text.astext()[len(LINKED):]))


def setup(app):
    app.connect("doctree-resolved", add_the_article)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
