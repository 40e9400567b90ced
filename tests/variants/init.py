"""Replacement solution cells for the `init` assignment.

WRONG holds plausible learner mistakes, each of which must fail at least one test
cell of its name; RIGHT holds correct solutions written differently from the
source notebook, which must pass every test cell of their name.
"""

WRONG = {
    "parameter_shapes": {
        "state_dict(), which also holds the buffers": '''
def parameter_shapes(net):
    return {name: tuple(tensor.shape) for name, tensor in net.state_dict().items()}
''',
        "shapes as lists": '''
def parameter_shapes(net):
    return {name: list(param.shape) for name, param in net.named_parameters()}
''',
        "names without the module prefix": '''
def parameter_shapes(net):
    shapes = {}
    for module in net.modules():
        for name, param in module.named_parameters(recurse=False):
            shapes[name] = tuple(param.shape)
    return shapes
''',
        "only the direct children, one level deep": '''
def parameter_shapes(net):
    shapes = {name: tuple(p.shape) for name, p in net.named_parameters(recurse=False)}
    for child_name, child in net.named_children():
        for name, param in child.named_parameters(recurse=False):
            shapes[f"{child_name}.{name}"] = tuple(param.shape)
    return shapes
''',
        "number of elements instead of the shape": '''
def parameter_shapes(net):
    return {name: (param.numel(),) for name, param in net.named_parameters()}
''',
    },
    "make_tied_mlp": {
        "two distinct hidden layers: nothing shared": '''
def make_tied_mlp(in_features, hidden, out_features):
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, out_features),
    )
''',
        "deep copy of the hidden layer for its second use": '''
import copy


def make_tied_mlp(in_features, hidden, out_features):
    shared = nn.Linear(hidden, hidden)
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        shared, nn.ReLU(),
        copy.deepcopy(shared), nn.ReLU(),
        nn.Linear(hidden, out_features),
    )
''',
        "only the weight tied, each use with its own bias": '''
def make_tied_mlp(in_features, hidden, out_features):
    first_use, second_use = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
    second_use.weight = first_use.weight
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        first_use, nn.ReLU(),
        second_use, nn.ReLU(),
        nn.Linear(hidden, out_features),
    )
''',
        "storage shared through .data: two Parameters, gradients not summed": '''
def make_tied_mlp(in_features, hidden, out_features):
    first_use, second_use = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
    second_use.weight.data = first_use.weight.data
    second_use.bias.data = first_use.bias.data
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        first_use, nn.ReLU(),
        second_use, nn.ReLU(),
        nn.Linear(hidden, out_features),
    )
''',
        "shared layer used only once": '''
def make_tied_mlp(in_features, hidden, out_features):
    shared = nn.Linear(hidden, hidden)
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        shared, nn.ReLU(),
        nn.Linear(hidden, out_features),
    )
''',
        "ReLU missing between the two uses": '''
def make_tied_mlp(in_features, hidden, out_features):
    shared = nn.Linear(hidden, hidden)
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        shared, shared, nn.ReLU(),
        nn.Linear(hidden, out_features),
    )
''',
    },
    "init_strange": {
        "mask w >= 5 without abs: negative weights vanish": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -10, 10)
        with torch.no_grad():
            module.weight *= module.weight >= 5
        nn.init.zeros_(module.bias)
''',
        "bias forgotten": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -10, 10)
        with torch.no_grad():
            module.weight *= module.weight.abs() >= 5
''',
        "three equally likely cases instead of 1/4, 1/2, 1/4": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            sign = torch.randint(-1, 2, module.weight.shape, device=module.weight.device)
            magnitude = torch.empty_like(module.weight).uniform_(5, 10)
            module.weight.copy_(sign * magnitude)
            module.bias.zero_()
''',
        "every module with a weight, BatchNorm and Conv included": '''
def init_strange(module):
    if getattr(module, "weight", None) is not None:
        nn.init.uniform_(module.weight, -10, 10)
        with torch.no_grad():
            module.weight *= module.weight.abs() >= 5
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
''',
        "values written into a copy, the layer unchanged": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        weight = module.weight.detach().clone()
        nn.init.uniform_(weight, -10, 10)
        weight *= weight.abs() >= 5
        nn.init.zeros_(module.bias)
''',
        "magnitudes from U(0, 10) instead of U(5, 10)": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            draw = torch.rand_like(module.weight)
            sign = (draw < 0.25).float() - (draw > 0.75).float()
            module.weight.copy_(sign * 10 * torch.rand_like(module.weight))
            module.bias.zero_()
''',
    },
    "init_per_layer": {
        "net[0] and net[-1] instead of the first and last nn.Linear": '''
def init_per_layer(net):
    nn.init.xavier_uniform_(net[0].weight)
    nn.init.zeros_(net[0].bias)
    nn.init.constant_(net[-1].weight, 42)
    nn.init.zeros_(net[-1].bias)
''',
        "Xavier applied to every nn.Linear, intermediate layers included": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    for layer in linears:
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    nn.init.constant_(linears[-1].weight, 42)
''',
        "biases forgotten": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    nn.init.xavier_uniform_(linears[0].weight)
    nn.init.constant_(linears[-1].weight, 42)
''',
        "Xavier normal instead of Xavier uniform": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    nn.init.xavier_normal_(linears[0].weight)
    nn.init.constant_(linears[-1].weight, 42)
    nn.init.zeros_(linears[0].bias)
    nn.init.zeros_(linears[-1].bias)
''',
        "uniform bound computed from fan_in only": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    bound = (6 / linears[0].in_features) ** 0.5
    nn.init.uniform_(linears[0].weight, -bound, bound)
    nn.init.constant_(linears[-1].weight, 42)
    nn.init.zeros_(linears[0].bias)
    nn.init.zeros_(linears[-1].bias)
''',
    },
    "build_and_init": {
        "init applied before the dry run": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(out_features))
    net = net.to(example_input.device)
    net.apply(init)
    net(example_input)
    return net
''',
        "init called on the network instead of applied to each module": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(out_features))
    net = net.to(example_input.device)
    net(example_input)
    init(net)
    return net
''',
        "nn.Linear sized by the batch dimension": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    in_features = example_input.shape[0]
    net = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))
    net = net.to(example_input.device)
    net.apply(init)
    return net
''',
        "no dry run: the layers stay lazy": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(out_features))
    return net.to(example_input.device)
''',
        "ReLU forgotten": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.LazyLinear(out_features))
    net = net.to(example_input.device)
    with torch.no_grad():
        net(example_input)
    net.apply(init)
    return net
''',
        "network not returned": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(out_features))
    net = net.to(example_input.device)
    with torch.no_grad():
        net(example_input)
    net.apply(init)
''',
    },
}

RIGHT = {
    "parameter_shapes": {
        "walk of named_modules with the prefixes rebuilt": '''
def parameter_shapes(net):
    shapes = {}
    for prefix, module in net.named_modules():
        for name, param in module.named_parameters(recurse=False):
            shapes[f"{prefix}.{name}" if prefix else name] = tuple(param.size())
    return shapes
''',
    },
    "make_tied_mlp": {
        "a module of its own that calls the shared layer twice": '''
class TiedMLP(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.inp = nn.Linear(in_features, hidden)
        self.shared = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, out_features)

    def forward(self, X):
        H = torch.relu(self.inp(X))
        for _ in range(2):
            H = torch.relu(self.shared(H))
        return self.out(H)


def make_tied_mlp(in_features, hidden, out_features):
    return TiedMLP(in_features, hidden, out_features)
''',
    },
    "init_strange": {
        "U(-10, 10) then values with |w| < 5 set to zero": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -10.0, 10.0)
        with torch.no_grad():
            module.weight.mul_(module.weight.abs() >= 5)
            if module.bias is not None:
                module.bias.fill_(0.0)
''',
    },
    "init_per_layer": {
        "bound computed by hand, parameters filled through .data": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    first, last = linears[0], linears[-1]
    bound = (6.0 / (first.in_features + first.out_features)) ** 0.5
    first.weight.data.uniform_(-bound, bound)
    last.weight.data.fill_(42)
    first.bias.data.zero_()
    last.bias.data.zero_()
''',
    },
    "build_and_init": {
        "named layers and an explicit device for each one": '''
from collections import OrderedDict


def build_and_init(example_input, init, hidden=64, out_features=10):
    device = example_input.device
    net = nn.Sequential(OrderedDict(
        hidden=nn.LazyLinear(hidden, device=device),
        act=nn.ReLU(),
        output=nn.LazyLinear(out_features, device=device),
    ))
    net(example_input)
    return net.apply(init)
''',
    },
}

# ---------------------------------------------------------------------------------------
# Near misses: each breaks exactly one rule of the statement (tests/variants/rules.py);
# tests/grading/kernels/test_graders.py adds them to WRONG.
RULE_BREAKERS = {
    "parameter_shapes": {
        "frozen parameters left out": '''
def parameter_shapes(net):
    return {name: tuple(param.shape) for name, param in net.named_parameters() if param.requires_grad}
''',
    },
    "make_tied_mlp": {
        "a ReLU after the last layer too": '''
def make_tied_mlp(in_features, hidden, out_features):
    shared = nn.Linear(hidden, hidden)
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        shared, nn.ReLU(),
        shared, nn.ReLU(),
        nn.Linear(hidden, out_features), nn.ReLU(),
    )
''',
    },
    "init_strange": {
        "one draw per row: weights of a row are not independent": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            rows = module.weight.shape[0]
            draw = torch.rand(rows, 1, device=module.weight.device).expand_as(module.weight)
            sign = torch.where(draw < 0.25, 1.0, torch.where(draw < 0.5, -1.0, 0.0))
            module.weight.copy_(sign * torch.empty_like(module.weight).uniform_(5, 10))
            module.bias.zero_()
''',
        "magnitude fixed at 7.5 instead of uniform in [5, 10]": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            draw = torch.rand_like(module.weight)
            module.weight.copy_(torch.where(draw < 0.25, 7.5, torch.where(draw < 0.5, -7.5, 0.0)))
            module.bias.zero_()
''',
        "returns the module": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -10, 10)
        with torch.no_grad():
            module.weight *= module.weight.abs() >= 5
        nn.init.zeros_(module.bias)
    return module
''',
    },
    "init_per_layer": {
        "a copy initialized and returned, net unchanged": '''
import copy


def init_per_layer(net):
    net = copy.deepcopy(net)
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    nn.init.xavier_uniform_(linears[0].weight)
    nn.init.constant_(linears[-1].weight, 42)
    nn.init.zeros_(linears[0].bias)
    nn.init.zeros_(linears[-1].bias)
    return net
''',
        "last weights multiplied by 42 instead of set to 42": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    nn.init.xavier_uniform_(linears[0].weight)
    with torch.no_grad():
        linears[-1].weight.mul_(42)
    nn.init.zeros_(linears[0].bias)
    nn.init.zeros_(linears[-1].bias)
''',
        "only the first layer's bias set to zero": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    nn.init.xavier_uniform_(linears[0].weight)
    nn.init.constant_(linears[-1].weight, 42)
    nn.init.zeros_(linears[0].bias)
''',
    },
    "build_and_init": {
        "network left on the default device": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(out_features))
    with torch.no_grad():
        net(example_input)
    net.apply(init)
    return net
''',
        "hidden and out_features swapped": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(out_features), nn.ReLU(), nn.LazyLinear(hidden))
    net = net.to(example_input.device)
    with torch.no_grad():
        net(example_input)
    net.apply(init)
    return net
''',
    },
}

# ---------------------------------------------------------------------------------------
# Mistakes that pass the common cases and break a sentence (issues 15 and 18): a subclass of
# nn.Linear, parameters replaced instead of modified, a second device or type, sharing
# through .data, net.apply reaching the network itself.
RULE_BREAKERS["make_tied_mlp"].update({
    "second use through .data: its gradient misses that use": '''
import torch.nn.functional as F


class TiedMLP(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.inp = nn.Linear(in_features, hidden)
        self.shared = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, out_features)

    def forward(self, X):
        H = torch.relu(self.shared(torch.relu(self.inp(X))))
        H = torch.relu(F.linear(H, self.shared.weight.data, self.shared.bias.data))
        return self.out(H)


def make_tied_mlp(in_features, hidden, out_features):
    return TiedMLP(in_features, hidden, out_features)
''',
})
RULE_BREAKERS["init_strange"].update({
    "type(module) is nn.Linear: a subclass is left out": '''
def init_strange(module):
    if type(module) is nn.Linear:
        nn.init.uniform_(module.weight, -10.0, 10.0)
        with torch.no_grad():
            module.weight.mul_(module.weight.abs() >= 5)
            if module.bias is not None:
                module.bias.fill_(0.0)
''',
    "weight replaced by a new nn.Parameter": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        weight = torch.empty_like(module.weight).uniform_(-10.0, 10.0)
        module.weight = nn.Parameter(weight * (weight.abs() >= 5))
        with torch.no_grad():
            module.bias.zero_()
''',
    "weight.data set to a float32 tensor: a float64 layer changes type": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        weight = torch.empty(module.weight.shape, device=module.weight.device).uniform_(-10.0, 10.0)
        module.weight.data = weight * (weight.abs() >= 5)
        with torch.no_grad():
            module.bias.zero_()
''',
    "signs drawn on the default device, mixed with the weight's device": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        with torch.no_grad():
            draw = torch.rand(module.weight.shape)
            sign = (draw < 0.25).float() - ((draw >= 0.25) & (draw < 0.5)).float()
            magnitude = torch.empty_like(module.weight).uniform_(5.0, 10.0)
            module.weight.copy_(sign * magnitude)
            module.bias.zero_()
''',
})
RULE_BREAKERS["init_per_layer"].update({
    "type(m) is nn.Linear: subclasses are not counted": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if type(m) is nn.Linear]
    first, last = linears[0], linears[-1]
    nn.init.xavier_uniform_(first.weight)
    nn.init.constant_(last.weight, 42.0)
    nn.init.zeros_(first.bias)
    nn.init.zeros_(last.bias)
''',
    "last weight replaced by a new nn.Parameter": '''
def init_per_layer(net):
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    first, last = linears[0], linears[-1]
    nn.init.xavier_uniform_(first.weight)
    last.weight = nn.Parameter(torch.full(last.weight.shape, 42.0, device=last.weight.device))
    nn.init.zeros_(first.bias)
    nn.init.zeros_(last.bias)
''',
})
RULE_BREAKERS["build_and_init"].update({
    "init applied to the children only, not to the network itself": '''
def build_and_init(example_input, init, hidden=64, out_features=10):
    net = nn.Sequential(nn.LazyLinear(hidden), nn.ReLU(), nn.LazyLinear(out_features)).to(example_input.device)
    with torch.no_grad():
        net(example_input)
    for layer in net.children():
        layer.apply(init)
    return net
''',
})
RIGHT["make_tied_mlp"].update({
    "the shared layer's parameters reused through torch.nn.functional": '''
import torch.nn.functional as F


class TiedMLP(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.inp = nn.Linear(in_features, hidden)
        self.shared = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, out_features)

    def forward(self, X):
        H = F.relu(self.shared(F.relu(self.inp(X))))
        H = F.relu(F.linear(H, self.shared.weight, self.shared.bias))
        return self.out(H)


def make_tied_mlp(in_features, hidden, out_features):
    return TiedMLP(in_features, hidden, out_features)
''',
})
RIGHT["init_strange"].update({
    "d2l's style: uniform_, then the weights multiplied in place by a mask": '''
def init_strange(module):
    if isinstance(module, nn.Linear):
        nn.init.uniform_(module.weight, -10, 10)
        module.weight.data *= module.weight.data.abs() >= 5
        nn.init.zeros_(module.bias)
''',
})
