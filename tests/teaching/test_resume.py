import random
import types

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from constructeur.io import CheckpointError, load_checkpoint, load_tensors, save_checkpoint
from constructeur.resume import load_resumable, rng_states, save_resumable, set_rng_states

FEATURES = torch.randn(64, 5, generator=torch.Generator().manual_seed(0))
TARGETS = FEATURES[:, :1] - FEATURES[:, 1:2] ** 2


def _training(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Dropout(0.3), nn.BatchNorm1d(16), nn.Linear(16, 1))
    return model, torch.optim.Adam(model.parameters(), lr=0.01)


def _train(model, optimizer, steps):
    """Random mini-batches from torch and from Python's random, dropout: every generator counts."""
    losses = []
    for _ in range(steps):
        batch = torch.randint(len(FEATURES), (8,))
        batch[0] = random.randrange(len(FEATURES))
        loss = F.mse_loss(model(FEATURES[batch]), TARGETS[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def _interrupted(tmp_path, load):
    """Losses and model of a run saved after 4 steps, resumed by ``load`` for 6 more steps,
    and those of the same run never interrupted."""
    random.seed(1)
    model, optimizer = _training()
    first = _train(model, optimizer, 4)
    save_resumable(tmp_path / "run.pt", model, optimizer, 4)
    straight = first + _train(model, optimizer, 6)
    torch.manual_seed(123)  # a new process: its generators are elsewhere
    random.seed(123)
    resumed, resumed_optimizer = _training(seed=7)
    step = load(tmp_path / "run.pt", resumed, resumed_optimizer)["step"]
    return step, straight, first + _train(resumed, resumed_optimizer, 6), model, resumed


def test_a_resumed_run_continues_bit_for_bit(tmp_path):
    step, straight, resumed, model, restored = _interrupted(tmp_path, load_resumable)
    assert step == 4
    assert resumed == straight
    for name, value in model.state_dict().items():
        assert torch.equal(restored.state_dict()[name], value), name


def test_without_the_generators_the_resumed_run_differs(tmp_path):
    _, straight, resumed, _, _ = _interrupted(tmp_path, load_checkpoint)
    assert resumed[:4] == straight[:4] and resumed[4:] != straight[4:]


def test_the_checkpoint_reads_back_with_weights_only(tmp_path):
    model, optimizer = _training()
    save_resumable(tmp_path / "run.pt", model, optimizer, 3)
    checkpoint = load_tensors(tmp_path / "run.pt")  # torch.load(..., weights_only=True)
    assert sorted(checkpoint) == ["metadata", "model", "optimizer", "rng"]
    assert sorted(checkpoint["rng"]) == ["cpu", "python"]
    assert checkpoint["metadata"]["step"] == 3


def test_a_plain_checkpoint_is_refused_in_french(tmp_path):
    model, optimizer = _training()
    save_checkpoint(tmp_path / "plain.pt", model, optimizer, step=2)
    with pytest.raises(CheckpointError, match="pas par save_resumable"):
        load_resumable(tmp_path / "plain.pt", model, optimizer)


def test_a_failed_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    model, optimizer = _training()
    save_resumable(tmp_path / "run.pt", model, optimizer, 1)

    def full_disk(obj, path):
        open(path, "wb").write(b"PK\x03\x04")  # the first bytes of an archive, then the failure
        raise OSError("disque plein")

    monkeypatch.setattr(torch, "save", full_disk)
    with pytest.raises(OSError, match="disque plein"):
        save_resumable(tmp_path / "run.pt", model, optimizer, 2)
    monkeypatch.undo()
    assert load_resumable(tmp_path / "run.pt", model, optimizer)["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["run.pt"]


def test_an_accelerator_generator_is_saved_and_restored(monkeypatch):
    """Without a GPU: a stand-in for torch.cuda records what it is asked."""
    calls = []
    fake = types.SimpleNamespace(
        get_rng_state=lambda device: calls.append(("get", device)) or torch.tensor([7], dtype=torch.uint8),
        set_rng_state=lambda state, device: calls.append(("set", device, state.tolist())),
    )
    monkeypatch.setattr(torch, "get_device_module", lambda device: fake)
    states = rng_states("cuda:0")
    assert states["cuda"].tolist() == [7]
    set_rng_states(states, "cuda:0")
    set_rng_states({key: states[key] for key in ("python", "cpu")}, "cuda:0")  # saved on a CPU
    assert calls == [("get", torch.device("cuda:0")), ("set", torch.device("cuda:0"), [7])]


def test_extra_entries_cannot_take_the_reserved_names(tmp_path):
    with pytest.raises(ValueError, match="noms réservés.*model"):
        save_checkpoint(tmp_path / "c.pt", nn.Linear(1, 1), extra={"model": 1})
    assert not (tmp_path / "c.pt").exists()
