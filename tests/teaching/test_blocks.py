import pytest
import torch
from torch import nn

from constructeur.blocks import MLP, FixedHiddenMLP, MySequential, NestMLP, ParallelModule


def test_mlp_matches_its_layers():
    torch.manual_seed(0)
    net, X = MLP(), torch.rand(2, 20)
    expected = net.output(torch.relu(net.hidden(X)))
    assert torch.equal(net(X), expected)
    assert net(X).shape == (2, 10)


def test_my_sequential_applies_modules_in_order_like_nn_sequential():
    torch.manual_seed(0)
    layers = [nn.Linear(20, 8), nn.ReLU(), nn.Linear(8, 3)]
    X = torch.rand(4, 20)
    assert torch.equal(MySequential(*layers)(X), nn.Sequential(*layers)(X))


def test_my_sequential_registers_its_children():
    net = MySequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    assert len(list(net.parameters())) == 4
    assert set(net.state_dict()) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    net.to(torch.float64)
    assert all(p.dtype == torch.float64 for p in net.parameters())


def test_my_sequential_len_and_indexing():
    first, last = nn.Linear(4, 3), nn.Linear(3, 2)
    net = MySequential(first, nn.ReLU(), last)
    assert len(net) == 3
    assert net[0] is first and net[-1] is last
    assert net[0:2][0] is first


def test_my_sequential_applies_a_module_given_twice_twice():
    torch.manual_seed(0)
    shared = nn.Linear(3, 3)
    net = MySequential(shared, nn.Tanh(), shared)
    X = torch.rand(2, 3)
    assert torch.equal(net(X), shared(torch.tanh(shared(X))))
    assert net[2] is shared and len(net) == 3


def test_fixed_hidden_mlp_weight_is_a_buffer_not_a_parameter():
    net = FixedHiddenMLP()
    assert "rand_weight" in dict(net.named_buffers())
    assert "rand_weight" in net.state_dict()
    assert all(p is not net.rand_weight for p in net.parameters())
    net.to("meta")
    assert net.rand_weight.device.type == "meta"


def test_fixed_hidden_mlp_output_is_small_scalar_and_trainable():
    torch.manual_seed(0)
    net = FixedHiddenMLP()
    out = net(torch.rand(2, 20))
    assert out.shape == () and out.abs() <= 1
    out.backward()
    assert net.linear.weight.grad is not None
    assert net.rand_weight.grad is None


def test_nest_mlp_shape_and_parameters():
    net = NestMLP()
    assert net(torch.rand(3, 20)).shape == (3, 16)
    assert len(list(net.parameters())) == 6


@pytest.mark.parametrize("dim, shape", [(-1, (5, 5)), (0, (10, 2))])
def test_parallel_module_concatenates_along_dim(dim, shape):
    torch.manual_seed(0)
    net1, net2 = nn.Linear(4, 2), nn.Linear(4, 3 if dim == -1 else 2)
    X = torch.rand(5, 4)
    out = ParallelModule(net1, net2, dim=dim)(X)
    assert out.shape == shape
    assert torch.equal(out, torch.cat((net1(X), net2(X)), dim=dim))


def test_printing_a_parallel_module_tells_its_dimension():
    assert "dim=0" in repr(ParallelModule(nn.Identity(), nn.Identity(), dim=0)).splitlines()[1]
