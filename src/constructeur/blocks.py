"""Composite modules: modules built from other modules."""

import torch
from torch import Tensor, nn
from torch.nn import functional as F


class MLP(nn.Module):
    """A multilayer perceptron with one hidden layer, written by hand.

    Args:
        in_features: size of each input sample.
        hidden_features: width of the hidden layer.
        out_features: size of each output sample.

    Shape:
        Input ``(*, in_features)``, output ``(*, out_features)``.

    Example:
        >>> net = MLP(20, 256, 10)
        >>> net
        MLP(
          (hidden): Linear(in_features=20, out_features=256, bias=True)
          (output): Linear(in_features=256, out_features=10, bias=True)
        )
        >>> net(torch.rand(2, 20)).shape
        torch.Size([2, 10])
    """

    def __init__(self, in_features: int = 20, hidden_features: int = 256, out_features: int = 10) -> None:
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden_features)
        self.output = nn.Linear(hidden_features, out_features)

    def forward(self, X: Tensor) -> Tensor:
        return self.output(F.relu(self.hidden(X)))


class MySequential(nn.Module):
    """Apply modules one after the other, like ``nn.Sequential``.

    The modules are registered as children, so ``parameters()``,
    ``state_dict()`` and ``.to()`` see them.

    Args:
        *modules: the modules, in the order they are applied.

    Shape:
        Input: what the first module takes; output: what the last one gives.

    Example:
        >>> net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> len(net), net[1], net(torch.rand(2, 20)).shape
        (3, ReLU(), torch.Size([2, 10]))
    """

    def __init__(self, *modules: nn.Module) -> None:
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X: Tensor) -> Tensor:
        for module in self._modules.values():
            X = module(X)
        return X

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int) -> nn.Module:
        return list(self._modules.values())[index]


class FixedHiddenMLP(nn.Module):
    """A network whose ``forward`` runs arbitrary code.

    It multiplies by a constant random matrix (a buffer: not trained, but
    moved by ``.to()`` and saved in ``state_dict()``), applies the same
    linear layer twice, and halves the result while its absolute sum exceeds 1.

    Args:
        features: size of each input sample.

    Shape:
        Input ``(N, features)``, output a scalar;
        ``rand_weight`` is ``(features, features)``.

    Example:
        >>> net = FixedHiddenMLP(20)
        >>> net
        FixedHiddenMLP(
          (linear): Linear(in_features=20, out_features=20, bias=True)
        )
        >>> net(torch.rand(2, 20)).shape, [name for name, _ in net.named_buffers()]
        (torch.Size([]), ['rand_weight'])
    """

    rand_weight: Tensor

    def __init__(self, features: int = 20) -> None:
        super().__init__()
        self.register_buffer("rand_weight", torch.rand(features, features))
        self.linear = nn.Linear(features, features)

    def forward(self, X: Tensor) -> Tensor:
        X = self.linear(X)
        X = F.relu(X @ self.rand_weight + 1)
        X = self.linear(X)
        while X.abs().sum() > 1:
            X = X / 2
        return X.sum()


class NestMLP(nn.Module):
    """A module that holds an ``nn.Sequential`` and a layer of its own.

    Args:
        in_features: size of each input sample.

    Shape:
        Input ``(*, in_features)``, output ``(*, 16)``.

    Example:
        >>> NestMLP(20)(torch.rand(2, 20)).shape
        torch.Size([2, 16])
    """

    def __init__(self, in_features: int = 20) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU()
        )
        self.linear = nn.Linear(32, 16)

    def forward(self, X: Tensor) -> Tensor:
        return self.linear(self.net(X))


class ParallelModule(nn.Module):
    """Run two modules on the same input and concatenate their outputs.

    Args:
        net1: the first module.
        net2: the second module; its output must match the first's except along ``dim``.
        dim: the dimension along which the outputs are concatenated.

    Shape:
        Input: what both modules take; output: their outputs, concatenated along ``dim``.

    Example:
        >>> net = ParallelModule(nn.Linear(4, 2), nn.Linear(4, 3))
        >>> net
        ParallelModule(
          dim=-1
          (net1): Linear(in_features=4, out_features=2, bias=True)
          (net2): Linear(in_features=4, out_features=3, bias=True)
        )
        >>> net(torch.rand(5, 4)).shape
        torch.Size([5, 5])
    """

    def __init__(self, net1: nn.Module, net2: nn.Module, dim: int = -1) -> None:
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X: Tensor) -> Tensor:
        return torch.cat((self.net1(X), self.net2(X)), dim=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
