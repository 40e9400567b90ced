"""Wrong and alternative answers for the `atelier` assignment, to prove its tests right.

Each WRONG entry must fail at least one test cell of its name; each RIGHT entry must pass them
all (see the exercises' grading harness in tests/).
"""

# The parts of a correct save_resumable that its variants below keep.
_CHECKPOINT = '''
def _checkpoint(model, optimizer, step):
    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "rng": rng}
'''

WRONG = {
    "Standardize": {
        "statistics kept as plain tensor attributes, not buffers": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.mean = X.mean(dim=0)
        self.std = torch.where(std == 0, torch.ones_like(std), std)

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "statistics stored as parameters": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.mean = nn.Parameter(X.mean(dim=0))
        self.std = nn.Parameter(torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "non-persistent buffers: missing from the state_dict": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mean", X.mean(dim=0), persistent=False)
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std), persistent=False)

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "sample standard deviation (correction=1) instead of the population's": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0)
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "one mean and one standard deviation over all the elements": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        self.register_buffer("mean", X.mean().expand(X.shape[1]).clone())
        self.register_buffer("std", X.std(correction=0).expand(X.shape[1]).clone())

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "a constant column divided by zero": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", X.std(dim=0, correction=0))

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "statistics measured again on every input": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        flat = X.reshape(-1, X.shape[-1])
        std = flat.std(dim=0, correction=0)
        return (X - flat.mean(dim=0)) / torch.where(std == 0, torch.ones_like(std), std)
''',
        "the input standardized in place": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        with torch.no_grad():
            return X.sub_(self.mean).div_(self.std)
''',
    },
    "save_resumable": {
        "the generators' states are not saved": '''
def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "the model object itself is pickled": '''
def save_resumable(path, model, optimizer, step):
    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save({"model": model, "optimizer": optimizer.state_dict(), "step": step, "rng": rng}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "the initial seed saved instead of the generator's state": '''
def save_resumable(path, model, optimizer, step):
    rng = {"torch": torch.tensor(torch.initial_seed()), "python": random.getstate()}
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "rng": rng}
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "written straight to path: not atomic": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    torch.save(_checkpoint(model, optimizer, step), path)
''',
        "temporary file in the system's temporary folder, not beside path": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp()
    os.close(fd)
    try:
        torch.save(_checkpoint(model, optimizer, step), tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "the temporary file is left behind when the write fails": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    torch.save(_checkpoint(model, optimizer, step), tmp)
    os.replace(tmp, path)
''',
        "the failure is swallowed": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(_checkpoint(model, optimizer, step), tmp)
        os.replace(tmp, path)
    except Exception:
        pass
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "copied over path instead of renamed: the temporary file stays": _CHECKPOINT + '''
import shutil


def save_resumable(path, model, optimizer, step):
    tmp = f"{path}.tmp"
    torch.save(_checkpoint(model, optimizer, step), tmp)
    shutil.copyfile(tmp, path)
''',
    },
    "load_resumable": {
        "the generators are not restored": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["step"]
''',
        "the optimizer is not restored": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint["step"]
''',
        "state_dict().update(): the dict is a copy, the model is not changed": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.state_dict().update(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint["step"]
''',
        "weights_only=False: the file's code runs": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=False)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint["step"]
''',
        "returns the whole checkpoint instead of the step": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint
''',
    },
    "export_model": {
        "exported in training mode: the dropout stays in the program": '''
def export_model(model, example, path):
    batch = torch.export.Dim("lot")
    torch.export.save(torch.export.export(model, (example,), dynamic_shapes=({0: batch},)), path)
''',
        "the batch size fixed by the example": '''
def export_model(model, example, path):
    training = model.training
    model.eval()
    exported = torch.export.export(model, (example,))
    model.train(training)
    torch.export.save(exported, path)
''',
        "left in evaluation mode": '''
def export_model(model, example, path):
    model.eval()
    batch = torch.export.Dim("lot")
    torch.export.save(torch.export.export(model, (example,), dynamic_shapes=({0: batch},)), path)
''',
        "the model pickled with torch.save: torch.export.load cannot read it": '''
def export_model(model, example, path):
    torch.save(model, path)
''',
    },
}

RIGHT = {
    "Standardize": {
        "raw statistics in the buffers, zeros replaced in forward; var().sqrt()": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        self.register_buffer("mean", X.detach().mean(0))
        self.register_buffer("std", X.detach().var(0, unbiased=False).sqrt())

    def forward(self, inputs):
        return (inputs - self.mean) / self.std.masked_fill(self.std == 0, 1.0)
''',
    },
    "save_resumable": {
        "NamedTemporaryFile beside path, written through the open file": '''
def save_resumable(path, model, optimizer, step):
    path = Path(path)
    checkpoint = {"step": int(step), "rng": {"python": random.getstate(), "torch": torch.random.get_rng_state()},
                  "optimizer": optimizer.state_dict(), "model": model.state_dict()}
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
        try:
            torch.save(checkpoint, file)
        except BaseException:
            file.close()
            os.remove(file.name)
            raise
    os.replace(file.name, path)
''',
    },
    "load_resumable": {
        "loaded on the CPU, generators restored first": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    random.setstate(checkpoint["rng"]["python"])
    torch.random.set_rng_state(checkpoint["rng"]["torch"])
    for target, key in ((model, "model"), (optimizer, "optimizer")):
        target.load_state_dict(checkpoint[key])
    return int(checkpoint["step"])
''',
    },
    "export_model": {
        "a deep copy in evaluation mode, Dim.AUTO": '''
import copy


def export_model(model, example, path):
    frozen = copy.deepcopy(model).eval()
    exported = torch.export.export(frozen, (example,), dynamic_shapes=({0: torch.export.Dim.AUTO},))
    torch.export.save(exported, path)
''',
    },
}

# ---------------------------------------------------------------------------------------
# Near misses: each breaks exactly one rule of the statement (tests/variants/rules.py);
# tests/grading/kernels/test_graders.py adds them to WRONG.
RULE_BREAKERS = {
    "Standardize": {
        "a constant column divided by a tiny epsilon instead of 1": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", X.std(dim=0, correction=0).clamp_min(1e-6))

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "forward under torch.no_grad(): no gradient reaches the input": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        with torch.no_grad():
            return (X - self.mean) / self.std
''',
        "statistics of shape (1, d), kept with keepdim=True": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0, keepdim=True)
        self.register_buffer("mean", X.mean(dim=0, keepdim=True))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        return (X - self.mean) / self.std
''',
        "leading dimensions flattened into one": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        return (X.reshape(-1, X.shape[-1]) - self.mean) / self.std
''',
        "multiplied by the standard deviation instead of divided": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mean", X.mean(dim=0))
        self.register_buffer("std", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        return (X - self.mean) * self.std
''',
        "buffers named mu and sigma instead of mean and std": '''
class Standardize(nn.Module):
    def __init__(self, X):
        super().__init__()
        std = X.std(dim=0, correction=0)
        self.register_buffer("mu", X.mean(dim=0))
        self.register_buffer("sigma", torch.where(std == 0, torch.ones_like(std), std))

    def forward(self, X):
        return (X - self.mu) / self.sigma
''',
    },
    "save_resumable": {
        "Python's generator left out": '''
def save_resumable(path, model, optimizer, step):
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step,
                  "rng": {"torch": torch.get_rng_state()}}
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "the optimizer's state is not saved": '''
def save_resumable(path, model, optimizer, step):
    fresh = type(optimizer)(model.parameters(), **optimizer.defaults)
    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    checkpoint = {"model": model.state_dict(), "optimizer": fresh.state_dict(), "step": step, "rng": rng}
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "parameters only: the BatchNorm buffers are missing": '''
def save_resumable(path, model, optimizer, step):
    parameters = {name: param.detach() for name, param in model.named_parameters()}
    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    checkpoint = {"model": parameters, "optimizer": optimizer.state_dict(), "step": step, "rng": rng}
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "the step after the saved one is recorded": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(_checkpoint(model, optimizer, step + 1), tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "an extra key beside the four of the statement": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save({**_checkpoint(model, optimizer, step), "torch_version": str(torch.__version__)}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "draws numbers of its own (a random name for the temporary file) before taking the states": '''
def save_resumable(path, model, optimizer, step):
    suffix = f".{random.randrange(10**6)}.{int(torch.randint(10**6, ()))}.tmp"
    rng = {"torch": torch.get_rng_state(), "python": random.getstate()}
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "rng": rng}
    tmp = Path(path).with_name(Path(path).name + suffix)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "draws a random name for the temporary file after taking the states": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    checkpoint = _checkpoint(model, optimizer, step)
    tmp = Path(path).with_name(f"{Path(path).name}.{random.randrange(10**6)}.tmp")
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
''',
        "the old file removed as well when the write fails": _CHECKPOINT + '''

def save_resumable(path, model, optimizer, step):
    fd, tmp = tempfile.mkstemp(dir=Path(path).parent)
    os.close(fd)
    try:
        torch.save(_checkpoint(model, optimizer, step), tmp)
        os.replace(tmp, path)
    except BaseException:
        os.remove(tmp)
        if os.path.exists(path):
            os.remove(path)
        raise
''',
    },
    "load_resumable": {
        "Python's generator is not restored": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    return checkpoint["step"]
''',
        "the refusal is swallowed: None returned": '''
import pickle


def load_resumable(path, model, optimizer):
    try:
        checkpoint = torch.load(path, weights_only=True)
    except pickle.UnpicklingError:
        return None
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint["step"]
''',
        "a new optimizer is restored instead of the one passed in": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer = type(optimizer)(model.parameters(), **optimizer.defaults)
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint["step"]
''',
        "the buffers are not restored: only the parameters are copied": '''
def load_resumable(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    parameters = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in checkpoint["model"].items():
            if name in parameters:
                parameters[name].copy_(value)
    optimizer.load_state_dict(checkpoint["optimizer"])
    torch.set_rng_state(checkpoint["rng"]["torch"])
    random.setstate(checkpoint["rng"]["python"])
    return checkpoint["step"]
''',
    },
    "export_model": {
        "always back in training mode afterwards": '''
def export_model(model, example, path):
    model.eval()
    batch = torch.export.Dim("lot")
    exported = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
    model.train()
    torch.export.save(exported, path)
''',
    },
}
