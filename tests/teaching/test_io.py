import os

import pytest
import torch
from torch import nn

from constructeur.blocks import MLP
from constructeur.io import (
    CheckpointError,
    atomic_path,
    load_checkpoint,
    load_parameters,
    load_tensors,
    save_checkpoint,
    save_parameters,
    save_tensors,
)


@pytest.mark.parametrize(
    "obj",
    [
        torch.arange(4),
        [torch.ones(2, dtype=torch.float16), torch.zeros(3, dtype=torch.bool)],
        {"x": torch.randn(2, 3), "y": torch.tensor([1, 2], dtype=torch.int64)},
    ],
    ids=["tensor", "list", "dict"],
)
def test_tensors_round_trip_exactly(tmp_path, obj):
    save_tensors(tmp_path / "t.pt", obj)
    loaded = load_tensors(tmp_path / "t.pt")
    items = obj.items() if isinstance(obj, dict) else enumerate(obj if isinstance(obj, list) else [obj])
    for key, tensor in items:
        got = loaded[key] if isinstance(obj, (dict, list)) else loaded
        assert got.dtype == tensor.dtype and torch.equal(got, tensor)


def test_parameters_round_trip_with_safetensors_and_tied_weights(tmp_path):
    torch.manual_seed(0)
    shared = nn.Linear(4, 4)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    save_parameters(net, tmp_path / "p.safetensors")
    clone = nn.Sequential(shared2 := nn.Linear(4, 4), nn.ReLU(), shared2)
    load_parameters(clone, tmp_path / "p.safetensors")
    X = torch.rand(3, 4)
    assert torch.equal(clone(X), net(X))
    assert clone[0].weight is clone[2].weight


def test_loading_parameters_into_another_architecture_fails(tmp_path):
    save_parameters(MLP(), tmp_path / "p.safetensors")
    with pytest.raises(RuntimeError, match="size mismatch"):
        load_parameters(MLP(hidden_features=8), tmp_path / "p.safetensors")


def train(model, optimizer, steps, seed):
    generator = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        X = torch.rand(8, 20, generator=generator)
        loss = model(X).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def test_resumed_training_matches_uninterrupted_training(tmp_path):
    torch.manual_seed(0)
    straight = MLP()
    resumed = MLP()
    resumed.load_state_dict(straight.state_dict())
    opt_straight = torch.optim.Adam(straight.parameters(), lr=0.01)
    train(straight, opt_straight, 3, seed=1)
    save_checkpoint(tmp_path / "c.pt", straight, opt_straight, step=3)
    train(straight, opt_straight, 3, seed=2)

    fresh_opt = torch.optim.Adam(resumed.parameters(), lr=0.01)
    metadata = load_checkpoint(tmp_path / "c.pt", resumed, fresh_opt)
    train(resumed, fresh_opt, 3, seed=2)
    assert metadata == {"torch_version": torch.__version__, "step": 3, "architecture": "MLP"}
    for a, b in zip(straight.parameters(), resumed.parameters()):
        assert torch.equal(a, b)


def test_checkpoint_without_optimizer_and_with_named_architecture(tmp_path):
    model = nn.Linear(2, 1)
    save_checkpoint(tmp_path / "c.pt", model, architecture="régression")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    assert load_checkpoint(tmp_path / "c.pt", nn.Linear(2, 1), optimizer)["architecture"] == "régression"


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path):
    save_tensors(tmp_path / "t.pt", torch.ones(2))
    with pytest.raises(CheckpointError, match="n'est pas un point de contrôle"):
        load_checkpoint(tmp_path / "t.pt", nn.Linear(2, 1))


def test_a_checkpoint_saved_on_a_gpu_loads_on_the_cpu(tmp_path):
    # Tag every CPU storage as 'cuda:0' while saving, as a GPU machine would.
    def tag_as_gpu(storage):
        return "cuda:0" if storage.device.type == "cpu" else None

    torch.serialization.register_package(1, tag_as_gpu, lambda storage, location: None)
    try:
        save_checkpoint(tmp_path / "gpu.pt", nn.Linear(2, 1))
    finally:
        registry = torch.serialization._package_registry
        registry[:] = [entry for entry in registry if entry[1] is not tag_as_gpu]
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.load(tmp_path / "gpu.pt", weights_only=True)
    assert load_checkpoint(tmp_path / "gpu.pt", nn.Linear(2, 1))["architecture"] == "Linear"


class Payload:
    """Pickles into a call that would create a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_malicious_checkpoint_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    torch.save({"weight": torch.ones(1), "x": Payload(marker)}, tmp_path / "evil.pt")
    with pytest.raises(CheckpointError, match="objets Python non autorisés.*open"):
        load_tensors(tmp_path / "evil.pt")
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
@pytest.mark.parametrize("kind", ["torch", "safetensors"])
def test_damaged_files_raise_a_clear_error(tmp_path, damage, kind):
    path = tmp_path / "f"
    if kind == "torch":
        save_tensors(path, {"w": torch.ones(1000)})
    else:
        save_parameters(MLP(), path)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"not a file" * 3, "empty": b""}[damage])
    with pytest.raises(CheckpointError, match="tronqué ou corrompu"):
        if kind == "torch":
            load_tensors(path)
        else:
            load_parameters(MLP(), path)


def test_missing_file_is_reported_as_such(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_tensors(tmp_path / "absent.pt")
    with pytest.raises(IsADirectoryError):
        load_tensors(tmp_path)


def test_an_unreadable_file_is_not_called_corrupted(tmp_path, monkeypatch):
    """Tests run as root here, who may read anything: the refusal is simulated."""
    path = tmp_path / "other.pt"
    save_tensors(path, torch.ones(1))

    def refuse(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(torch, "load", refuse)
    with pytest.raises(PermissionError, match="Permission denied"):
        load_tensors(path)


class Unpicklable:
    def __reduce__(self):
        raise TypeError("cannot be pickled")


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "c.pt"
    save_tensors(path, torch.ones(3))
    with pytest.raises(TypeError):
        save_tensors(path, {"w": torch.zeros(3), "bad": Unpicklable()})
    assert torch.equal(load_tensors(path), torch.ones(3))
    assert os.listdir(tmp_path) == ["c.pt"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_files_have_the_mode_torch_save_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        torch.save(torch.ones(1), tmp_path / "torch.pt")
        save_tensors(tmp_path / "ours.pt", torch.ones(1))
        save_parameters(nn.Linear(1, 1), tmp_path / "ours.safetensors")
    finally:
        os.umask(previous)
    modes = {path.name: path.stat().st_mode & 0o777 for path in tmp_path.iterdir()}
    assert modes == dict.fromkeys(["torch.pt", "ours.pt", "ours.safetensors"], mode)


def test_atomic_path_replaces_only_on_success(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("ancien")
    with pytest.raises(ZeroDivisionError):
        with atomic_path(path) as tmp:
            open(tmp, "w").write("nouveau")
            1 / 0
    assert path.read_text() == "ancien"
    with atomic_path(path) as tmp:
        open(tmp, "w").write("nouveau")
    assert path.read_text() == "nouveau"
    assert sorted(os.listdir(tmp_path)) == ["a.txt"]
