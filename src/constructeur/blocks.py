"""Composite modules: modules built from other modules."""

import torch
from torch import nn
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
        >>> MLP()(torch.rand(2, 20)).shape
        torch.Size([2, 10])
    """

    def __init__(self, in_features=20, hidden_features=256, out_features=10):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden_features)
        self.output = nn.Linear(hidden_features, out_features)

    def forward(self, X):
        return self.output(F.relu(self.hidden(X)))


class MySequential(nn.Module):
    """Apply modules one after the other, like ``nn.Sequential``.

    The modules are registered as children, so ``parameters()``,
    ``state_dict()`` and ``.to()`` see them.

    Args:
        *modules: the modules, in the order they are applied.

    Example:
        >>> net = MySequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10))
        >>> len(net), net(torch.rand(2, 20)).shape
        (3, torch.Size([2, 10]))
    """

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]


class FixedHiddenMLP(nn.Module):
    """A network whose ``forward`` runs arbitrary code.

    It multiplies by a constant random matrix (a buffer: not trained, but
    moved by ``.to()`` and saved in ``state_dict()``), applies the same
    linear layer twice, and halves the result while its absolute sum exceeds 1.

    Args:
        features: size of each input sample.

    Shape:
        Input ``(N, features)``, output a scalar.

    Example:
        >>> FixedHiddenMLP()(torch.rand(2, 20)).shape
        torch.Size([])
    """

    def __init__(self, features=20):
        super().__init__()
        self.register_buffer("rand_weight", torch.rand(features, features))
        self.linear = nn.Linear(features, features)

    def forward(self, X):
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
        >>> NestMLP()(torch.rand(2, 20)).shape
        torch.Size([2, 16])
    """

    def __init__(self, in_features=20):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU()
        )
        self.linear = nn.Linear(32, 16)

    def forward(self, X):
        return self.linear(self.net(X))


class ParallelModule(nn.Module):
    """Run two modules on the same input and concatenate their outputs.

    Args:
        net1, net2: the two modules.
        dim: the dimension along which the outputs are concatenated.

    Example:
        >>> net = ParallelModule(nn.Linear(4, 2), nn.Linear(4, 3))
        >>> net(torch.rand(5, 4)).shape
        torch.Size([5, 5])
    """

    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X):
        return torch.cat((self.net1(X), self.net2(X)), dim=self.dim)
