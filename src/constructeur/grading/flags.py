"""Flags for a human: code in a learner's cells that reaches into the grading.

A static look, with Python's ``ast``, at the code the learner wrote (answer cells and
cells the learner added; locked and test cells are put back from the source before the
grading, so what the learner typed there never runs). It finds code that patches
``torch``, ``builtins``, ``sys`` or IPython, points at files outside the working folder,
takes a graded name from the ``constructeur`` package or patches the package (its referee,
the trials' answers), reads the frames of the code that calls it, gives a tensor class its
own ``__torch_function__``, or calls ``os._exit``. A flag asks
a human to look; it never changes a grade. Code that does not parse is not flagged: the
grading reports its syntax error.

Names are followed through imports and plain assignments (``import torch as T``,
``ip = get_ipython()``, ``sys.modules["torch"]``, ``vars(torch)``, ``getattr(torch, "x")``)
across the notebook's cells in order, the locked ones included, since the learner's
cells run after them. IPython syntax (``%run``, ``!cat``) is turned into the Python that
IPython runs before it is read.
"""

import ast
import builtins
from dataclasses import dataclass
from pathlib import PurePosixPath

from IPython.core.inputtransformer2 import TransformerManager

SHELL = "get_ipython()"  # how the flags name the IPython shell that runs the notebook
WATCHED = ("torch", "builtins", "sys", "IPython", "constructeur", SHELL)
ALLOWED = ("torch.backends.",)  # settings a program may change (cudnn.deterministic...)
# Containers of interpreter state; a method that changes them patches their module.
STATE = ("sys.modules", "sys.meta_path", "sys.path_hooks", "sys.path", "sys.path_importer_cache")
CHANGES = {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault"}
CHANGES |= {"__setitem__", "__delitem__", "__setattr__", "__delattr__"}
# What the shell exposes to change how every later cell, tests included, runs.
SHELL_HOOKS = {
    "ast_transformers",
    "input_transformers_cleanup",
    "input_transformers_post",
    "input_transformer_manager",
    "events",
    "set_custom_exc",
    "set_hook",
    "run_cell",
    "run_cell_async",
}
SETTERS = {"builtins.setattr", "builtins.delattr", "builtins.object.__setattr__"}
TRACERS = {"sys.settrace", "sys.setprofile", "sys.addaudithook"}
IMPORTERS = {"importlib.import_module", "builtins.__import__"}
CODE_RUNNERS = {"builtins.exec", "builtins.eval", "builtins.compile"}
# Magics get their line or cell as their last argument; %time, %%capture... run it as Python.
MAGIC_RUNNERS = {f"{SHELL}.run_line_magic", f"{SHELL}.run_cell_magic"}
EXITS = {"os._exit", "posix._exit"}
FRAME_READERS = {"sys._getframe", "sys._current_frames", "inspect.currentframe", "inspect.stack", "inspect.getouterframes"}
TORCH_OVERRIDES = {"__torch_function__", "__torch_dispatch__"}  # a tensor class's own answer to every torch function
HOME = {"os.path.expanduser", "os.path.expandvars", "pathlib.Path.home"}
CWD = "os.getcwd()"  # how the flags name the working folder got at run time
CWD_CALLS = {"os.getcwd", "pathlib.Path.cwd"}
PARENT_CALLS = {"os.path.dirname"}
# Functions that open or list the path they are given, where even "/" is outside.
PATH_OPENERS = {"builtins.open", "io.open", "os.open", "os.listdir", "os.scandir", "os.walk", "os.chdir"}
PATH_OPENERS |= {"pathlib.Path", "glob.glob", "glob.iglob"}
HARMLESS_PATHS = {"/dev/null"}
_IPYTHON = TransformerManager()


@dataclass(frozen=True)
class Flag:
    """Why a cell should be looked at by a human.

    Args:
        cell: how the report names the cell: its grade_id in « », else « n° <number> ».
        reason: what the code does, in French.
    """

    cell: str
    reason: str

    def __str__(self):
        return f"cellule {self.cell} — {self.reason}"


def _nbgrader(cell):
    metadata = cell.get("metadata", {}).get("nbgrader")
    return metadata if isinstance(metadata, dict) else {}


def grade_id(cell):
    """The cell's nbgrader grade_id, or None (no nbgrader metadata, or malformed)."""
    value = _nbgrader(cell).get("grade_id")
    return value if isinstance(value, str) else None


def cell_label(cell, index):
    """« grade_id » for a cell that has one, else its number (« n° 3 »)."""
    name = grade_id(cell)
    return f"«\u00a0{name}\u00a0»" if name else f"n°\u00a0{index + 1}"


def _python(source):
    """The Python that IPython runs for a cell's source (magics and ``!`` commands
    turned into calls), as a tree; None when it does not parse."""
    try:
        return ast.parse(_IPYTHON.transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def _outside(text):
    """Whether one word of a string names a path outside the working folder."""
    if text in HARMLESS_PATHS:
        return False
    path = PurePosixPath(text)
    return ".." in path.parts or text == "~" or text.startswith("~/") or (path.is_absolute() and len(path.parts) > 1)


def _root(name):
    return name.split(".")[0] if name else None


class _Reader(ast.NodeVisitor):
    """Reads the cells of one notebook in order; collects the reasons of one cell."""

    def __init__(self, graded):
        self.graded = set(graded)
        self.names = {}  # a name bound by the code -> what it stands for (None: unknown)
        self.reasons = []

    # What an expression stands for: a dotted name such as "torch.allclose", or None.

    def resolve(self, node):
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id == "__builtins__":
                return "builtins"
            if node.id == "get_ipython":
                return "IPython.get_ipython"
            return f"builtins.{node.id}" if hasattr(builtins, node.id) else None
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            return self._result(self.resolve(node.func), node.args)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            base, key = self.resolve(node.value), node.slice.value
            if base == "sys.modules" and isinstance(key, str):
                return key
            if base and base.endswith(".__dict__") and isinstance(key, str):
                return f"{base.removesuffix('.__dict__')}.{key}"
        return None

    def _result(self, callee, args):
        """What a call's result stands for, when it is a module or the shell."""
        first = args[0] if args else None
        text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if callee == "IPython.get_ipython":
            return SHELL
        if callee in CWD_CALLS:
            return CWD
        if _root(callee) == "constructeur":  # an object of the package (the referee...)
            return f"{callee}()"
        if callee == "builtins.type" and len(args) == 1:
            base = self.resolve(first)
            return f"{base}.__class__" if base else None
        if callee in IMPORTERS and text:
            return text
        if callee == "builtins.vars" and first is not None:
            base = self.resolve(first)
            return f"{base}.__dict__" if base else None
        if callee == "builtins.getattr" and len(args) > 1:
            base, attr = self.resolve(first), args[1]
            if base and isinstance(attr, ast.Constant) and isinstance(attr.value, str):
                return f"{base}.{attr.value}"
        return None

    @staticmethod
    def _watched(name):
        return _root(name) in WATCHED and not name.startswith(ALLOWED)

    # The reasons.

    def _patch(self, name):
        self.reasons.append(f"modifie «\u00a0{name}\u00a0»")

    def _check_target(self, target):
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._check_target(element)
        elif isinstance(target, ast.Attribute):
            name = self.resolve(target)
            if name and self._watched(name):
                self._patch(name)
        elif isinstance(target, ast.Subscript):
            base = self.resolve(target.value)
            if base and self._watched(base):
                self._patch(f"{base}[{ast.unparse(target.slice)}]")

    def _bind(self, target, value):
        if isinstance(target, ast.Name):
            self.names[target.id] = self.resolve(value) if value is not None else None
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, None)

    # The visitor.

    def visit_Import(self, node):
        for alias in node.names:
            if alias.asname:
                self.names[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.names[top] = top

    def visit_ImportFrom(self, node):
        module = node.module if not node.level else None
        for alias in node.names:
            if module and alias.name == "*" and _root(module) == "constructeur":
                self.reasons.append(
                    f"importe tous les noms de «\u00a0{module}\u00a0», dont peut-être des exercices notés"
                )
            elif alias.name != "*":
                name = f"{module}.{alias.name}" if module else None
                self._check_reference(name)
                self.names[alias.asname or alias.name] = name

    def _definition(self, node):
        self.names[node.name] = None
        self._body(node)

    visit_FunctionDef = visit_AsyncFunctionDef = _definition

    def visit_ClassDef(self, node):
        for method in node.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name in TORCH_OVERRIDES:
                self.reasons.append(
                    f"redéfinit «\u00a0{method.name}\u00a0», qui change ce que font les fonctions de torch sur ses tenseurs"
                )
        self._definition(node)

    def _body(self, node):
        """Visit a module, function or class, skipping its docstring (prose, not code)."""
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        for field, value in ast.iter_fields(node):
            if field != "body":
                self._visit_field(value)
        for statement in body:
            self.visit(statement)

    def _visit_field(self, value):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                self.visit(item)

    visit_Module = _body

    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self._check_target(target)
            self.visit(target)
            self._bind(target, node.value)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.visit(node.value)
        self._check_target(node.target)
        self.visit(node.target)
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        self._check_target(node.target)
        self.visit(node.target)

    def visit_Delete(self, node):
        for target in node.targets:
            self._check_target(target)
            self.visit(target)

    def visit_Call(self, node):
        self._check_reference(self.resolve(node))  # getattr(os, "_exit"), import_module(...)
        callee = self.resolve(node.func)
        first = node.args[0] if node.args else None
        if callee in SETTERS or (callee and callee.startswith("unittest.mock.patch")):
            # setattr(torch, "allclose", f), mock.patch.object(torch, "allclose"), mock.patch("torch.allclose")
            text = first.value if isinstance(first, ast.Constant) else None
            name = text or self._result("builtins.getattr", node.args) or (first and self.resolve(first))
            if isinstance(name, str) and self._watched(name):
                self._patch(name)
        elif callee in TRACERS:
            self.reasons.append(f"appelle «\u00a0{callee}\u00a0», qui change l'exécution de Python")
        elif callee in CODE_RUNNERS:
            self._code_string(callee, first)
        elif callee in MAGIC_RUNNERS and node.args:
            self._code_string(callee, node.args[-1])
        elif callee in PATH_OPENERS and isinstance(first, ast.Constant) and first.value == "/":
            self._outside("/")
        elif callee in PARENT_CALLS and first is not None and self._upwards(first):
            self._parents()
        if isinstance(node.func, ast.Attribute) and node.func.attr in CHANGES:
            base = self.resolve(node.func.value)
            if base in STATE or (base and base.endswith(".__dict__") and self._watched(base)):
                self._patch(base)
        self.generic_visit(node)

    def _code_string(self, callee, code):
        """exec, eval, magics: read a literal string as code (when it is Python); flag code
        built at run time."""
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            tree = _python(code.value)
            if tree is not None:
                self.visit(tree)
        elif code is not None:
            self.reasons.append(
                f"exécute avec «\u00a0{callee.removeprefix('builtins.')}\u00a0» du code construit "
                "pendant l'exécution, illisible ici"
            )

    def _upwards(self, node):
        """Whether ``node`` is the working folder, or already one of its parents."""
        if self.resolve(node) == CWD:
            return True
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return True
        return isinstance(node, ast.Call) and self.resolve(node.func) in PARENT_CALLS

    def _frames(self, name):
        self.reasons.append(f"lit, par «\u00a0{name}\u00a0», les variables du code qui l'appelle (un test)")

    def _parents(self):
        self.reasons.append("remonte vers les dossiers parents du dossier de travail")

    def _outside(self, text):
        self.reasons.append(f"vise un chemin hors du dossier de travail\u00a0: «\u00a0{text}\u00a0»")

    def _check_reference(self, name):
        if not name:
            return
        parts = name.split(".")
        if name in FRAME_READERS:
            self._frames(name)
        elif name in EXITS:
            self.reasons.append(f"appelle «\u00a0{name}\u00a0», qui arrête le noyau sans prévenir")
        elif name in HOME:
            self.reasons.append(f"sort du dossier de travail par «\u00a0{name}\u00a0»")
        elif parts[0] == SHELL and len(parts) > 1 and parts[1] in SHELL_HOOKS:
            self._patch(".".join(parts[:2]))
        elif parts[0] == "constructeur" and len(parts) > 1 and parts[-1] in self.graded:
            module = ".".join(parts[:-1])
            self.reasons.append(
                f"prend «\u00a0{parts[-1]}\u00a0», un exercice noté, dans «\u00a0{module}\u00a0»"
            )

    def visit_Attribute(self, node):
        name = self.resolve(node)
        self._check_reference(name)
        if node.attr == "expanduser" and name not in HOME:  # a pathlib.Path's method
            self.reasons.append("sort du dossier de travail par «\u00a0expanduser\u00a0»")
        elif node.attr == "parents" or (node.attr == "parent" and self._upwards(node.value)):
            self._parents()
        elif node.attr == "f_back":
            self._frames("f_back")
        self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self._check_reference(self.resolve(node))

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            for word in node.value.split():
                if _outside(word):
                    self._outside(word)


def learner_cells(nb, restored):
    """(index, cell) of the code cells whose code the grading runs as the learner wrote
    it: every code cell but those put back from the source (``restored``: grade_ids)."""
    return [
        (index, cell)
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and grade_id(cell) not in restored
    ]


def notebook_flags(nb, restored, graded):
    """The flags of a learner's notebook, in cell order, each reason once per cell.

    Args:
        nb: the learner's notebook (nbformat node), as submitted.
        restored: grade_ids of the cells the grading puts back from the source notebook
            (its locked and test cells); their code is read for imports only.
        graded: the names of the graded answers (grade_ids of the source's solution cells).

    Example:
        >>> from nbformat.v4 import new_code_cell, new_notebook
        >>> nb = new_notebook(cells=[new_code_cell("import torch"), new_code_cell("torch.allclose = max")])
        >>> [str(flag) for flag in notebook_flags(nb, restored=set(), graded=[])]
        ['cellule n°\\xa02 — modifie «\\xa0torch.allclose\\xa0»']
    """
    reader = _Reader(graded)
    learner = {index for index, _ in learner_cells(nb, restored)}
    flags = []
    for index, cell in enumerate(nb.cells):
        tree = _python(cell.source) if cell.cell_type == "code" else None
        if tree is None:
            continue
        reader.reasons = []
        reader.visit(tree)
        if index in learner:
            label = cell_label(cell, index)
            flags += [Flag(label, reason) for reason in dict.fromkeys(reader.reasons)]
    return flags
