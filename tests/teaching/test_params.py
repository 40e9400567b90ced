import torch
from torch import nn

from constructeur.blocks import NestMLP
from constructeur.params import count_parameters, parameter_shapes, parameter_table, tied_parameters


def test_parameter_shapes_of_nested_modules_without_buffers():
    net = nn.Sequential(NestMLP(4), nn.BatchNorm1d(16))
    shapes = parameter_shapes(net)
    assert shapes["0.net.0.weight"] == (64, 4)
    assert shapes["0.linear.bias"] == (16,)
    assert "1.running_mean" not in shapes
    assert len(shapes) == 8


def test_parameter_table_lists_name_shape_and_size():
    lines = parameter_table(nn.Linear(4, 2)).splitlines()
    assert lines[0].split() == ["nom", "forme", "taille"]
    assert lines[1].split() == ["weight", "(2,", "4)", "8"]
    assert lines[2].split() == ["bias", "(2,)", "2"]


def test_count_parameters_counts_tied_once_and_can_skip_frozen():
    shared = nn.Linear(8, 8)
    net = nn.Sequential(nn.Linear(4, 8), shared, nn.ReLU(), shared)
    assert count_parameters(net) == 4 * 8 + 8 + 8 * 8 + 8
    net[0].weight.requires_grad_(False)
    assert count_parameters(net, trainable_only=True) == 8 + 8 * 8 + 8


def test_tied_parameters_finds_shared_layers_only():
    shared = nn.Linear(8, 8)
    net = nn.Sequential(nn.Linear(4, 8), shared, nn.ReLU(), shared)
    assert tied_parameters(net) == [["1.weight", "3.weight"], ["1.bias", "3.bias"]]
    assert tied_parameters(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))) == []


def test_tied_gradients_add_up():
    torch.manual_seed(0)
    shared = nn.Linear(3, 3, bias=False)
    X = torch.rand(2, 3)
    shared(shared(X)).sum().backward()
    tied_grad = shared.weight.grad.clone()
    first, second = nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False)
    with torch.no_grad():
        first.weight.copy_(shared.weight)
        second.weight.copy_(shared.weight)
    second(first(X)).sum().backward()
    torch.testing.assert_close(tied_grad, first.weight.grad + second.weight.grad)
