"""Replacement solution cells for the `blocks` assignment.

WRONG holds plausible learner mistakes, each of which must fail at least one test
cell of its name; RIGHT holds correct solutions written differently from the
source notebook, which must pass every test cell of their name.
"""

WRONG = {
    "MySequential": {
        "modules kept in a plain list, not registered": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return self.layers[index]
''',
        "output of each module not fed to the next": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X):
        for module in self._modules.values():
            out = module(X)
        return out

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]
''',
        "modules named after their class, so two Linear collide": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for module in modules:
            self.add_module(type(module).__name__, module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]
''',
        "indexing _modules with an int although its keys are strings": '''
class MySequential(nn.Module):
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
        return self._modules[str(index)]
''',
        "iterating children(), which yields a repeated module once": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X):
        for module in self.children():
            X = module(X)
        return X

    def __len__(self):
        return len(list(self.children()))

    def __getitem__(self, index):
        return list(self.children())[index]
''',
        "modules sorted by name, so '10' runs before '2'": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X):
        for name in sorted(self._modules):
            X = self._modules[name](X)
        return X

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]
''',
    },
    "ParallelModule": {
        "networks kept in a tuple, not registered": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.nets = (net1, net2)
        self.dim = dim

    def forward(self, X):
        return torch.cat([net(X) for net in self.nets], dim=self.dim)
''',
        "dim ignored, concatenation along dimension 1": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2

    def forward(self, X):
        return torch.cat((self.net1(X), self.net2(X)), dim=1)
''',
        "outputs stacked instead of concatenated": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X):
        return torch.stack((self.net1(X), self.net2(X)), dim=self.dim)
''',
        "net2 applied to the output of net1": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X):
        Y = self.net1(X)
        return torch.cat((Y, self.net2(Y)), dim=self.dim)
''',
        "outputs in the wrong order": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X):
        return torch.cat((self.net2(X), self.net1(X)), dim=self.dim)
''',
    },
    "replicate": {
        "one instance repeated n times": '''
def replicate(make_module, n):
    if n < 1:
        raise ValueError(f"n doit valoir au moins 1, et non {n}")
    module = make_module()
    return nn.Sequential(*[module] * n)
''',
        "shallow copies that share the parameters": '''
import copy


def replicate(make_module, n):
    if n < 1:
        raise ValueError(f"n doit valoir au moins 1, et non {n}")
    module = make_module()
    return nn.Sequential(module, *(copy.copy(module) for _ in range(n - 1)))
''',
        "deep copies of one module: identical initial weights": '''
import copy


def replicate(make_module, n):
    if n < 1:
        raise ValueError(f"n doit valoir au moins 1, et non {n}")
    module = make_module()
    return nn.Sequential(*(copy.deepcopy(module) for _ in range(n)))
''',
        "off by one: n - 1 modules": '''
def replicate(make_module, n):
    if n < 1:
        raise ValueError(f"n doit valoir au moins 1, et non {n}")
    return nn.Sequential(*(make_module() for _ in range(1, n)))
''',
        "n = 0 accepted: the test is n < 0": '''
def replicate(make_module, n):
    if n < 0:
        raise ValueError(f"n doit être positif, et non {n}")
    return nn.Sequential(*(make_module() for _ in range(n)))
''',
        "a Python list returned instead of a module": '''
def replicate(make_module, n):
    if n < 1:
        raise ValueError(f"n doit valoir au moins 1, et non {n}")
    return [make_module() for _ in range(n)]
''',
    },
    "TensorReduction": {
        "weight is a plain tensor, not a Parameter": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = 0.01 * torch.randn(in_features, in_features, out_features)

    def forward(self, X):
        return torch.einsum("ijk,bi,bj->bk", self.weight.to(X.device), X, X)
''',
        "forward uses weight.data: no gradient reaches the weight": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(in_features, in_features, out_features))

    def forward(self, X):
        return torch.einsum("ijk,bi,bj->bk", self.weight.data, X, X)
''',
        "wrong indices: X[b, i] squared instead of X[b, i] X[b, j]": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(in_features, in_features, out_features))

    def forward(self, X):
        return torch.einsum("ijk,bi,bi->bk", self.weight, X, X)
''',
        "weight of shape (out, in, in)": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(out_features, in_features, in_features))

    def forward(self, X):
        return torch.einsum("kij,bi,bj->bk", self.weight, X, X)
''',
        "sum over the batch as well": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(in_features, in_features, out_features))

    def forward(self, X):
        return torch.einsum("ijk,bi,bj->k", self.weight, X, X)
''',
    },
    "HalfFourier": {
        "rfft kept whole: n // 2 + 1 coefficients": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.rfft(X)
''',
        "slices dimension 1 instead of the last one": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.fft(X)[:, : X.shape[-1] // 2]
''',
        "rounds up: (n + 1) // 2 coefficients": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        n = X.shape[-1]
        return torch.fft.fft(X)[..., : (n + 1) // 2]
''',
        "magnitudes instead of complex coefficients": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.fft(X)[..., : X.shape[-1] // 2].abs()
''',
        "transform of the first half instead of half of the transform": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.fft(X[..., : X.shape[-1] // 2])
''',
    },
    "GaussianNoise": {
        "noise in both modes, self.training ignored": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        return X + self.std * torch.randn_like(X)
''',
        "noise while gradients are recorded: no_grad taken for eval": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not torch.is_grad_enabled():
            return X
        return X + self.std * torch.randn_like(X)
''',
        "mode read once, in __init__": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std
        self.noisy = self.training

    def forward(self, X):
        if not self.noisy:
            return X
        return X + self.std * torch.randn_like(X)
''',
        "variance taken for the standard deviation": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std**2 * torch.randn_like(X)
''',
        "noise added to the input in place": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X.add_(self.std * torch.randn_like(X))
''',
        "one noise per feature, shared by the whole batch": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        noise = torch.randn(X.shape[-1], dtype=X.dtype, device=X.device)
        return X + self.std * noise
''',
        "a negative std accepted": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * torch.randn_like(X)
''',
    },
}

RIGHT = {
    "MySequential": {
        "nn.ModuleList inside, len and indexing delegated to it": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.steps = nn.ModuleList(modules)

    def forward(self, X):
        for step in self.steps:
            X = step(X)
        return X

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, index):
        return self.steps[index]
''',
    },
    "ParallelModule": {
        "nn.ModuleList and torch.concat": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.branches = nn.ModuleList([net1, net2])
        self.dim = dim

    def forward(self, X):
        return torch.concat([branch(X) for branch in self.branches], self.dim)
''',
    },
    "replicate": {
        "loop with add_module and an explicit error message": '''
def replicate(make_module, n):
    if not n >= 1:
        raise ValueError(f"replicate demande un nombre de modules au moins égal à 1 (reçu : {n}).")
    net = nn.Sequential()
    for index in range(n):
        net.add_module(f"copy{index}", make_module())
    return net
''',
    },
    "TensorReduction": {
        "matrix product with a reshaped weight": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(in_features, in_features, out_features))
        nn.init.normal_(self.weight, std=0.01)

    def forward(self, X):
        d, k = self.in_features, self.out_features
        XW = (X @ self.weight.reshape(d, d * k)).reshape(-1, d, k)
        return (XW * X.unsqueeze(-1)).sum(dim=1)
''',
        "torch.nn.functional.bilinear with the weight permuted": '''
import torch.nn.functional as F


class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, in_features, out_features) / in_features)

    def forward(self, X):
        return F.bilinear(X, X, self.weight.permute(2, 0, 1))
''',
    },
    "HalfFourier": {
        "rfft then slicing with narrow": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.rfft(X, dim=-1).narrow(-1, 0, X.size(-1) // 2)
''',
    },
    "GaussianNoise": {
        "normal_ on an empty tensor, std kept as a float": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if not std >= 0:
            raise ValueError(f"Écart-type négatif : {std}")
        self.std = float(std)

    def forward(self, X):
        if self.training:
            return X + torch.empty_like(X).normal_(0.0, self.std)
        return X
''',
        "conditional expression, noise scaled after the draw": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        return X + torch.randn_like(X).mul(self.std) if self.training else X
''',
    },
}

# ---------------------------------------------------------------------------------------
# Near misses: each breaks exactly one rule of the statement (tests/variants/rules.py);
# tests/grading/kernels/test_graders.py adds them to WRONG.
RULE_BREAKERS = {
    "MySequential": {
        "subclass of nn.Sequential": '''
class MySequential(nn.Sequential):
    pass
''',
        "an nn.Sequential inside does the work": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.inner = nn.Sequential(*modules)

    def forward(self, X):
        return self.inner(X)

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, index):
        return self.inner[index]
''',
        "plain list with parameters() overridden: state_dict() and to() miss the modules": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        self.layers = list(modules)

    def parameters(self, recurse=True):
        for layer in self.layers:
            yield from layer.parameters()

    def forward(self, X):
        for layer in self.layers:
            X = layer(X)
        return X

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return self.layers[index]
''',
        "len counts distinct modules": '''
class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            self.add_module(str(index), module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X

    def __len__(self):
        return len(set(self._modules.values()))

    def __getitem__(self, index):
        return list(self._modules.values())[index]
''',
        "indices counted from 1": '''
class MySequential(nn.Module):
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
        return list(self._modules.values())[index - 1]
''',
        "index taken modulo len: no IndexError out of bounds": '''
class MySequential(nn.Module):
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
        return list(self._modules.values())[index % len(self)]
''',
    },
    "ParallelModule": {
        "dim=1 by default": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=1):
        super().__init__()
        self.net1 = net1
        self.net2 = net2
        self.dim = dim

    def forward(self, X):
        return torch.cat((self.net1(X), self.net2(X)), dim=self.dim)
''',
    },
    "replicate": {
        "the first module's values copied into the others": '''
def replicate(make_module, n):
    if n < 1:
        raise ValueError(f"n doit valoir au moins 1, et non {n}")
    modules = [make_module() for _ in range(n)]
    for module in modules[1:]:
        module.load_state_dict(modules[0].state_dict())
    return nn.Sequential(*modules)
''',
        "the error message does not cite n": '''
def replicate(make_module, n):
    if n < 1:
        raise ValueError("Il faut au moins un module.")
    return nn.Sequential(*(make_module() for _ in range(n)))
''',
    },
    "TensorReduction": {
        "an extra bias parameter, always zero": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(in_features, in_features, out_features))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, X):
        return torch.einsum("ijk,bi,bj->bk", self.weight, X, X) + self.bias
''',
        "weight initialized to zeros": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(in_features, in_features, out_features))

    def forward(self, X):
        return torch.einsum("ijk,bi,bj->bk", self.weight, X, X)
''',
    },
    "HalfFourier": {
        "a scale parameter equal to one": '''
class HalfFourier(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, X):
        return self.scale * torch.fft.fft(X)[..., : X.shape[-1] // 2]
''',
        "leading dimensions flattened into one": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        n = X.shape[-1]
        return torch.fft.fft(X.reshape(-1, n))[:, : n // 2]
''',
        "conjugate coefficients: n times the inverse transform": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        n = X.shape[-1]
        return (n * torch.fft.ifft(X))[..., : n // 2]
''',
    },
    "GaussianNoise": {
        "std stored as an nn.Parameter": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = nn.Parameter(torch.tensor(float(std)), requires_grad=False)

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std.item() * torch.randn_like(X)
''',
        "no noise at all: the identity in both modes": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        return X.clone()
''',
        "noise of mean std instead of zero": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * (1 + torch.randn_like(X))
''',
        "noise with an extra leading dimension": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * torch.randn(1, *X.shape, dtype=X.dtype, device=X.device)
''',
        "noise always drawn in float64": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * torch.randn(X.shape, dtype=torch.float64, device=X.device)
''',
        "noise always drawn on the CPU": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * torch.randn(X.shape, dtype=X.dtype)
''',
        "the error message does not cite std": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError("L'écart-type du bruit doit être positif ou nul.")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * torch.randn_like(X)
''',
    },
}

# ---------------------------------------------------------------------------------------
# Mistakes that pass on a CPU in float32 and break a sentence elsewhere (issues 15 and 18):
# a second device, float64 or half precision, a parent's mode, a one-element case, sharing.
RULE_BREAKERS["MySequential"].update({
    "a module passed twice deep-copied at its second place: its gradient misses a use": '''
import copy


class MySequential(nn.Module):
    def __init__(self, *modules):
        super().__init__()
        seen = []
        for index, module in enumerate(modules):
            if any(module is other for other in seen):
                module = copy.deepcopy(module)
            seen.append(module)
            self.add_module(str(index), module)

    def forward(self, X):
        for module in self._modules.values():
            X = module(X)
        return X

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        return list(self._modules.values())[index]
''',
})
RULE_BREAKERS["ParallelModule"].update({
    "parameters registered one by one, networks in a list: their buffers and modes are missed": '''
class ParallelModule(nn.Module):
    def __init__(self, net1, net2, dim=-1):
        super().__init__()
        self.nets = [net1, net2]
        self.dim = dim
        for index, net in enumerate(self.nets):
            for name, param in net.named_parameters():
                self.register_parameter(f"net{index + 1}_" + name.replace(".", "_"), param)

    def forward(self, X):
        return torch.cat([net(X) for net in self.nets], dim=self.dim)
''',
})
RULE_BREAKERS["TensorReduction"].update({
    "output squeezed: a batch of one gives shape (out_features,)": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(in_features, in_features, out_features))

    def forward(self, X):
        return torch.einsum("ijk,bi,bj->bk", self.weight, X, X).squeeze()
''',
    "sum accumulated in a tensor created on the default device": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(0.01 * torch.randn(in_features, in_features, out_features))

    def forward(self, X):
        y = torch.zeros(X.shape[0], self.weight.shape[2])
        for i in range(self.weight.shape[0]):
            y = y + (X[:, i : i + 1] * X) @ self.weight[i]
        return y
''',
})
RULE_BREAKERS["HalfFourier"].update({
    "input cast to float32 before the transform": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.fft(X.float())[..., : X.shape[-1] // 2]
''',
    "DFT matrix built on the default device": '''
import math


class HalfFourier(nn.Module):
    def forward(self, X):
        n = X.shape[-1]
        angle = (-2 * math.pi / n) * torch.outer(torch.arange(n // 2), torch.arange(n)).to(X.dtype)
        W = torch.polar(torch.ones_like(angle), angle)
        return X.to(W.dtype) @ W.T
''',
    "at least one coefficient: max(1, n // 2)": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        return torch.fft.fft(X)[..., : max(1, X.shape[-1] // 2)]
''',
})
RULE_BREAKERS["GaussianNoise"].update({
    "noise drawn in float32 then cast: a float64 input gets float32 precision": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + (self.std * torch.randn(X.shape, device=X.device)).to(X.dtype)
''',
    "noise drawn in float32 and added: a bfloat16 input comes out in float32": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + self.std * torch.randn(X.shape, device=X.device)
''',
    "eval() overridden to set a flag: a parent's eval() never calls it": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"std doit être positif ou nul, pas {std}")
        self.std = std
        self.active = True

    def eval(self):
        self.active = False
        return super().eval()

    def train(self, mode=True):
        if mode:
            self.active = True
        return super().train(mode)

    def forward(self, X):
        if not self.active:
            return X
        return X + self.std * torch.randn_like(X)
''',
})
RIGHT["TensorReduction"].update({
    "a loop over in_features, the sum started from zeros_like": '''
class TensorReduction(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, in_features, out_features) * 0.01)

    def forward(self, X):
        y = torch.zeros_like(X[:, :1]).expand(-1, self.weight.shape[2])
        for i in range(self.weight.shape[0]):
            y = y + (X[:, i : i + 1] * X) @ self.weight[i]
        return y
''',
})
RIGHT["HalfFourier"].update({
    "DFT matrix on the input's device, in its precision": '''
import math


class HalfFourier(nn.Module):
    def forward(self, X):
        n = X.shape[-1]
        k = torch.arange(n // 2, device=X.device)
        t = torch.arange(n, device=X.device)
        angle = (-2 * math.pi / n) * torch.outer(k, t).to(X.dtype)
        W = torch.polar(torch.ones_like(angle), angle)
        return X.to(W.dtype) @ W.T
''',
})
RIGHT["GaussianNoise"].update({
    "torch.normal with the input's shape, type and device": '''
class GaussianNoise(nn.Module):
    def __init__(self, std):
        super().__init__()
        if std < 0:
            raise ValueError(f"écart-type négatif : {std}")
        self.std = std

    def forward(self, X):
        if not self.training:
            return X
        return X + torch.normal(0.0, self.std, size=X.shape, dtype=X.dtype, device=X.device)
''',
})
RULE_BREAKERS["HalfFourier"].update({
    "leading dimensions flattened with view: a non-contiguous input raises": '''
class HalfFourier(nn.Module):
    def forward(self, X):
        n = X.shape[-1]
        flat = torch.fft.fft(X.view(-1, n))[:, : n // 2]
        return flat.view(*X.shape[:-1], n // 2)
''',
})
