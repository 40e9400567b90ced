"""Lazy initialization: shapes inferred by a dry run, then initialization."""

import torch
from torch.nn.parameter import is_lazy


def is_materialized(net):
    """Tell whether every parameter and buffer of ``net`` has a known shape."""
    return not any(is_lazy(t) for t in (*net.parameters(), *net.buffers()))


def materialize(net, *example_inputs, init=None):
    """Infer the shapes of a lazy network with a dry run, then initialize it.

    The dry run is a forward pass in evaluation mode and without gradients:
    layers such as ``BatchNorm1d`` then accept a batch of one and leave their
    running statistics untouched. The previous mode of every submodule is
    restored afterwards, even if the dry run fails.

    Args:
        net: a module, possibly with lazy layers such as ``nn.LazyLinear``.
        *example_inputs: inputs of the right shape (a batch of one is enough).
        init: optional function applied with ``net.apply`` after the dry run.

    Returns:
        ``net`` itself, materialized.

    Raises:
        ValueError: the example inputs do not fit the network (French message).

    Example:
        >>> net = nn.Sequential(nn.LazyLinear(8), nn.BatchNorm1d(8), nn.LazyLinear(1))
        >>> net = materialize(net, torch.rand(1, 4))
        >>> net[0].weight.shape, net.training, int(net[1].num_batches_tracked)
        (torch.Size([8, 4]), True, 0)
    """
    modes = {module: module.training for module in net.modules()}
    try:
        with torch.no_grad():
            net.eval()(*example_inputs)
    except RuntimeError as error:
        shapes = ", ".join(str(tuple(x.shape)) for x in example_inputs)
        raise ValueError(
            "L'exécution à blanc a échoué : les entrées d'exemple ne conviennent pas au réseau "
            f"(formes reçues : {shapes}). Détail de PyTorch : {error}"
        ) from error
    finally:
        for module, training in modes.items():
            module.training = training
    if init is not None:
        net.apply(init)
    return net
