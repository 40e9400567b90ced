"""Values as data only, for what crosses between the grader and the learner's kernel.

A test's inputs go to the kernel, and what the learner's code did comes back, as a JSON
tree and one safetensors blob: ``None``, booleans, integers, floats, strings, lists and
dicts with string keys, and tensors (detached, on the CPU, of any dtype safetensors
holds). Nothing else crosses: no pickle, no object with methods, no tensor subclass. A
tuple (``torch.Size`` too) becomes a list, an ordered dict (a ``state_dict``) a dict. ``decode`` refuses what is too big, too deep or not of this shape,
with a French message: the grader reads whatever the kernel sends, and the kernel is
the learner's.

Example:
    >>> import torch
    >>> data = decode(encode({"n": 3, "X": torch.ones(2, dtype=torch.float64)}))
    >>> data["n"], data["X"].dtype, type(data["X"]) is torch.Tensor
    (3, torch.float64, True)
"""

import base64
import json

import torch
from safetensors.torch import load, save

TENSOR = "$tensor"  # the key of a JSON object that stands for a tensor of the blob
COMPLEX = "complex"  # with it, the blob holds the tensor's real and imaginary parts (last axis)
MAX_BYTES = 2**20  # the largest payload decoded (base64 and JSON included)
MAX_DEPTH = 20  # lists and dicts nested deeper than this are refused


class NotData(ValueError):
    """A value that cannot cross as data (French message)."""


def encode(value) -> dict:
    """``value`` as a JSON-ready payload: ``{"tree": ..., "tensors": base64 text}``."""
    tensors = {}

    def tree(item, depth):
        if depth > MAX_DEPTH:
            raise NotData(f"valeur imbriquée sur plus de {MAX_DEPTH} niveaux")
        if item is None:
            return None
        for kind in (bool, int, float, str):  # bool first: a bool is an int
            if isinstance(item, kind):
                return kind(item)
        if isinstance(item, torch.Tensor):
            key = str(len(tensors))
            # as_subclass: a tensor subclass crosses as the plain tensor it holds
            tensor = item.detach().as_subclass(torch.Tensor).cpu()
            if tensor.is_complex():  # safetensors holds no complex128: the parts cross
                tensors[key] = torch.view_as_real(tensor.resolve_conj()).contiguous().clone()
                return {TENSOR: key, COMPLEX: True}
            tensors[key] = tensor.contiguous().clone()
            return {TENSOR: key}
        if isinstance(item, (list, tuple)):  # torch.Size too
            return [tree(element, depth + 1) for element in item]
        if isinstance(item, dict) and all(isinstance(key, str) for key in item):  # a state_dict too
            return {key: tree(element, depth + 1) for key, element in item.items()}
        raise NotData(f"un objet de type {type(item).__name__} ne peut pas être transmis comme donnée")

    payload = tree(value, 0)
    try:
        blob = save(tensors) if tensors else b""
    except Exception as error:  # a dtype safetensors does not hold
        raise NotData(f"un tenseur ne peut pas être transmis ({type(error).__name__}\u00a0: {error})") from None
    return {"tree": payload, "tensors": base64.b64encode(blob).decode("ascii")}


def decode(payload) -> object:
    """The value that ``payload`` (from ``encode``, or forged) holds; NotData if it is not
    a payload of data within the limits."""
    if not isinstance(payload, dict) or set(payload) != {"tree", "tensors"} or not isinstance(payload["tensors"], str):
        raise NotData("la réponse n'a pas la forme attendue")
    try:
        size = len(payload["tensors"]) + len(json.dumps(payload["tree"]))
    except (RecursionError, TypeError, ValueError):  # nested past Python's own limit, or not JSON
        raise NotData("la réponse n'est pas un arbre JSON de taille raisonnable") from None
    if size > MAX_BYTES:
        raise NotData(f"la réponse dépasse {MAX_BYTES // 2**20} Mio")
    try:
        tensors = load(base64.b64decode(payload["tensors"], validate=True)) if payload["tensors"] else {}
    except Exception as error:  # a blob that is not safetensors: say so, whatever the library raised
        raise NotData(f"les tenseurs de la réponse sont illisibles ({type(error).__name__})") from None

    def value(item, depth):
        if depth > MAX_DEPTH:
            raise NotData(f"valeur imbriquée sur plus de {MAX_DEPTH} niveaux")
        if type(item) in (bool, int, float, str) or item is None:
            return item
        if isinstance(item, list):
            return [value(element, depth + 1) for element in item]
        if isinstance(item, dict) and set(item) in ({TENSOR}, {TENSOR, COMPLEX}):
            if item[TENSOR] not in tensors:
                raise NotData("la réponse cite un tenseur qu'elle ne contient pas")
            tensor = tensors[item[TENSOR]]
            if not item.get(COMPLEX):
                return tensor
            if tensor.dtype not in (torch.float32, torch.float64) or tensor.dim() == 0 or tensor.shape[-1] != 2:
                raise NotData("un tenseur complexe de la réponse n'a pas ses deux parties")
            return torch.view_as_complex(tensor.contiguous())
        if isinstance(item, dict):  # nbformat's NotebookNode too: what JSON gave
            return {str(key): value(element, depth + 1) for key, element in item.items()}
        raise NotData(f"la réponse contient un objet de type {type(item).__name__}")

    return value(payload["tree"], 0)
