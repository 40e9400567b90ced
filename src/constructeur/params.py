"""Inspecting a network's parameters: shapes, counts, tied parameters."""

from torch import nn


def parameter_shapes(net: nn.Module) -> dict[str, tuple[int, ...]]:
    """Map each parameter's qualified name to its shape, as a tuple.

    Example:
        >>> parameter_shapes(nn.Linear(4, 2))
        {'weight': (2, 4), 'bias': (2,)}
    """
    return {name: tuple(param.shape) for name, param in net.named_parameters()}


def parameter_table(net: nn.Module) -> str:
    """Return a text table of the parameters: name, shape and size.

    Example:
        >>> print(parameter_table(nn.Linear(4, 2)))
        nom     forme   taille
        weight  (2, 4)  8
        bias    (2,)    2
    """
    rows = [("nom", "forme", "taille")]
    rows += [(name, str(tuple(p.shape)), str(p.numel())) for name, p in net.named_parameters()]
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows
    )


def count_parameters(net: nn.Module, trainable_only: bool = False) -> int:
    """Count the scalars in a network's parameters, each tied parameter once.

    Args:
        net: the network.
        trainable_only: count only the parameters with ``requires_grad``.

    Example:
        >>> net = nn.Linear(4, 2)
        >>> _ = net.bias.requires_grad_(False)
        >>> count_parameters(net), count_parameters(net, trainable_only=True)
        (10, 8)
    """
    return sum(p.numel() for p in net.parameters() if p.requires_grad or not trainable_only)


def tied_parameters(net: nn.Module) -> list[list[str]]:
    """List the groups of names that refer to one and the same parameter.

    Example:
        >>> shared = nn.Linear(8, 8)
        >>> tied_parameters(nn.Sequential(shared, nn.ReLU(), shared))
        [['0.weight', '2.weight'], ['0.bias', '2.bias']]
    """
    groups = {}
    for name, param in net.named_parameters(remove_duplicate=False):
        groups.setdefault(id(param), []).append(name)
    return [names for names in groups.values() if len(names) > 1]
