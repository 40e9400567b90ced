"""What the exercises' test cells trust: a referee started before any answer runs.

The setup cell of every exercise notebook calls ``Referee.start()``. From then on:

- the test cells compare with the referee's own references to torch's comparison functions
  (``referee.allclose``, ``referee.equal``), taken before the learner's code ran, so
  patching ``torch.allclose`` changes nothing;
- they check that a graded name was written in the notebook (``referee.assert_written_here``):
  defined in ``__main__``, neither taken from this package, nor derived from one of its
  classes, nor calling its reference answer;
- before every cell, the referee makes the cell fail if something that would let a test
  cell lie has changed since the setup cell: IPython's input or AST transformers, the
  kernel's methods that run a cell, ``builtins``, torch's functions, the names the setup
  cell defined;
- the last test cell (``referee.assert_intact()``) also checks the ``pre_run_cell`` and
  ``pre_execute`` hooks, and says in French whatever was changed.

The learner's code runs in the same process and can still undo all this: these checks make
the common cheats fail and show; only the grading sandbox makes cheating harmless.
"""

import builtins
import inspect
import types
from pathlib import Path

import torch
# Importing torch._dynamo replaces torch.manual_seed with a wrapper, and torch imports it
# lazily (on first use of the meta device, for instance): import it before any snapshot, so
# an honest answer that triggers it is not taken for a change of the environment.
import torch._dynamo  # noqa: F401

PACKAGE = Path(__file__).resolve().parent
ENVIRONMENT = "test_environment"  # the grade_id of each assignment's last, 0-point, test cell

# Where a test cell's verdict comes from: a change to any of these may let a test lie.
TORCH_NAMESPACES = {
    "torch": torch,
    "torch.Tensor": torch.Tensor,
    "torch.nn": torch.nn,
    "torch.nn.Module": torch.nn.Module,
    "torch.nn.functional": torch.nn.functional,
    "torch.nn.init": torch.nn.init,
    "torch.fft": torch.fft,
    "torch.linalg": torch.linalg,
    "torch.testing": torch.testing,
    "torch.optim": torch.optim,
}
TRANSFORMERS = {
    "ast_transformers": lambda shell: shell.ast_transformers,
    "input_transformers_cleanup": lambda shell: shell.input_transformer_manager.cleanup_transforms,
    "input_transformers (lignes)": lambda shell: shell.input_transformer_manager.line_transforms,
    "input_transformers (jetons)": lambda shell: shell.input_transformer_manager.token_transformers,
    "input_transformers_post": lambda shell: shell.input_transformers_post,
}
# What of the kernel runs a cell: its methods, and the objects they hand the cell to.
SHELL_METHODS = (
    "run_cell", "run_cell_async", "transform_cell", "transform_ast", "run_ast_nodes", "run_code",
    "showtraceback", "_showtraceback",
)
SHELL_PARTS = ("input_transformer_manager", "compile", "events")
HOOKS = ("pre_execute", "pre_run_cell")


def _entries(namespace):
    """The public names and the special methods of a module or a class (inherited ones
    included, as the class finds them), with their values."""
    names = dir(namespace) if isinstance(namespace, type) else vars(namespace)
    found = {name: inspect.getattr_static(namespace, name, None) for name in names}
    return {
        name: value
        for name, value in found.items()
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__") and callable(value))
    }


def _builtin_entries():
    """The built-in functions and types (``__import__``, ``isinstance``, ``open``…)."""
    return {name: value for name, value in vars(builtins).items() if isinstance(value, (types.BuiltinFunctionType, type))}


def _trusted_functions():
    """Every built-in and every function of torch's namespaces a test may call, by name."""
    snapshot = {f"builtins.{name}": value for name, value in _builtin_entries().items()}
    for prefix, namespace in TORCH_NAMESPACES.items():
        snapshot.update({f"{prefix}.{name}": value for name, value in _entries(namespace).items()})
    return snapshot


def _in_package(code):
    """Whether the code object ``code`` was compiled from one of this package's files."""
    try:
        return Path(code.co_filename).resolve().is_relative_to(PACKAGE)
    except (OSError, ValueError):
        return False


def _functions_of(cls):
    """The functions a class defines itself (methods, static and class methods, properties)."""
    for value in vars(cls).values():
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, property):
            yield from (f for f in (value.fget, value.fset, value.fdel) if f is not None)
        elif isinstance(value, types.FunctionType):
            yield value


def _from_package(obj):
    """Whether a module, class or function belongs to this package, by its module's name."""
    return str(getattr(obj, "__module__", None) or getattr(obj, "__name__", "")).split(".")[0] == __package__


def _names_used(code):
    """The global and attribute names that a code object, and the code nested in it, use."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names_used(constant)
    return names


def _package_use(function, name):
    """What of the package ``function`` reaches through its globals: one of its modules, or
    its own object called ``name`` (the reference answer), as a dotted name; else None."""
    namespace = getattr(function, "__globals__", {})
    for used in sorted(_names_used(function.__code__)):
        value = namespace.get(used)
        if isinstance(value, types.ModuleType) and _from_package(value):
            return value.__name__
        if getattr(value, "__name__", None) == name and _from_package(value):
            return f"{value.__module__}.{value.__qualname__}"
    return None


def provenance_problem(obj, name):
    """Why ``obj``, the answer graded under ``name``, was not written in the notebook
    (French), or None if it was.

    Example:
        >>> import constructeur.blocks
        >>> print(provenance_problem(constructeur.blocks.MySequential, "MySequential"))
        la classe MySequential vient du module constructeur.blocks...
    """
    kind = "classe" if isinstance(obj, type) else "fonction"
    module = getattr(obj, "__module__", None)
    if module != "__main__":
        return f"la {kind} {name} vient du module {module} : écrivez-la vous-même dans ce notebook"
    if isinstance(obj, type):
        for base in obj.__mro__:
            if _from_package(base):
                return f"la classe {name} hérite de {base.__module__}.{base.__qualname__} : écrivez-la vous-même"
            for function in _functions_of(base):
                if _in_package(inspect.unwrap(function).__code__):
                    return (
                        f"la classe {name} reprend le code de {function.__module__}.{function.__qualname__} : "
                        "écrivez-la vous-même dans ce notebook"
                    )
        for function in _functions_of(obj):
            used = _package_use(function, name)
            if used:
                return f"la classe {name} fait appel à {used} : écrivez-la vous-même, sans le paquet constructeur"
        return None
    target = inspect.unwrap(obj)
    target = getattr(target, "func", target)  # a functools.partial
    code = getattr(target, "__code__", None)
    if code is None:
        return f"{name} n'est ni une fonction ni une classe écrite dans ce notebook"
    if _in_package(code) or _from_package(target):
        return f"la fonction {name} reprend le code de {target.__module__}.{target.__qualname__} : écrivez-la vous-même"
    used = _package_use(target, name)
    if used:
        return f"la fonction {name} fait appel à {used} : écrivez-la vous-même, sans le paquet constructeur"
    return None


class Referee:
    """References and checks of the test cells, taken in the setup cell (see the module's
    docstring). Create it with ``Referee.start()``."""

    def __init__(self, shell):
        self.shell = shell
        self._functions = _trusted_functions()
        self._namespace = None  # the setup cell's names, taken before the next cell runs
        if shell is not None:
            self._transformers = {label: list(get(shell)) for label, get in TRANSFORMERS.items()}
            self._kernel = self._kernel_parts()
            for event in HOOKS:  # a referee of an earlier run of the setup cell retires
                for callback in list(shell.events.callbacks[event]):
                    if isinstance(getattr(callback, "__self__", None), Referee):
                        shell.events.unregister(event, callback)
            shell.events.register("pre_run_cell", self._before_cell)
            self._hooks = {event: list(shell.events.callbacks[event]) for event in HOOKS}

    @property
    def allclose(self):
        """``torch.allclose`` as it was when the setup cell ran (replacing it in the
        referee's references is noticed too: they are what ``changes`` compares with)."""
        return self._functions["torch.allclose"]

    @property
    def equal(self):
        """``torch.equal`` as it was when the setup cell ran."""
        return self._functions["torch.equal"]

    @classmethod
    def start(cls):
        """A referee for the running IPython kernel (or for plain Python, without one)."""
        try:
            from IPython import get_ipython
        except ImportError:
            return cls(None)
        return cls(get_ipython())

    def _kernel_parts(self):
        """The kernel's methods that run a cell (as its class or the instance holds them)
        and the objects they hand the cell to."""
        parts = {name: inspect.getattr_static(self.shell, name, None) for name in SHELL_METHODS}
        parts.update({name: getattr(self.shell, name, None) for name in SHELL_PARTS})
        return parts

    def assert_written_here(self, obj, name=None):
        """Fail, saying why in French, unless ``obj`` was written in the notebook."""
        problem = provenance_problem(obj, name or getattr(obj, "__name__", repr(obj)))
        if problem is not None:
            raise AssertionError(problem[0].upper() + problem[1:] + ".")

    def changes(self, hooks=False):
        """What was changed since the setup cell, in French (an empty list if nothing)."""
        found = []
        now = _trusted_functions()
        changed = [name for name, value in self._functions.items() if now.get(name) is not value]
        if changed:
            found.append(f"fonctions de torch ou de Python remplacées : {', '.join(changed[:5])}")
        if self.shell is None:
            return found
        for label, get in TRANSFORMERS.items():
            if list(get(self.shell)) != self._transformers[label]:
                found.append(f"transformations de cellules IPython modifiées ({label})")
        kernel = self._kernel_parts()
        replaced = [name for name, value in self._kernel.items() if kernel[name] is not value]
        if replaced:
            found.append(f"rouages du noyau IPython remplacés : {', '.join(replaced)}")
        if self._namespace is not None:
            names = self.shell.user_ns
            rebound = [name for name, value in self._namespace.items() if names.get(name, self) is not value]
            if rebound:
                found.append(f"noms de la cellule de préparation redéfinis : {', '.join(rebound)}")
        if hooks:
            for event in HOOKS:
                if list(self.shell.events.callbacks[event]) != self._hooks[event]:
                    found.append(f"fonctions appelées avant chaque cellule ({event}) ajoutées ou retirées")
        return found

    def assert_intact(self):
        """Fail, saying in French what was changed, unless the grading environment is as
        the setup cell left it."""
        found = self.changes(hooks=True)
        if found:
            raise AssertionError(
                "L'environnement de notation a été modifié depuis la cellule de préparation : "
                + "\u202f; ".join(found) + "."
            )

    def _before_cell(self, info=None):
        """Before every cell: make it fail if the tests could no longer be believed."""
        if self._namespace is None:
            hidden = self.shell.user_ns_hidden
            self._namespace = {
                name: value for name, value in self.shell.user_ns.items() if not name.startswith("_") and name not in hidden
            }
        found = self.changes()
        if found:
            raise AssertionError(
                "Environnement de notation modifié, les tests ne sont plus fiables : "
                + "\u202f; ".join(found) + ". Relancez le noyau sans modifier ces objets."
            )
