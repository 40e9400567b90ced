"""Wrong and alternative answers for the `io` assignment, to prove its tests right.

Each WRONG entry must fail at least one test cell of its name; each RIGHT entry must pass them
all (see the exercises' grading harness in tests/).
"""

WRONG = {
    "save_tensors": {
        "plain torch.save: a view drags the whole storage of its base into the file": '''
def save_tensors(path, tensors):
    torch.save(tensors, path)
''',
        ".contiguous() instead of a copy: a contiguous view still shares its base's storage": '''
def save_tensors(path, tensors):
    torch.save({name: tensor.contiguous() for name, tensor in tensors.items()}, path)
''',
        "everything converted to float32 'to be safe': dtypes are lost": '''
def save_tensors(path, tensors):
    torch.save({name: tensor.detach().clone().float() for name, tensor in tensors.items()}, path)
''',
        "only the values saved, as a list: the names are lost": '''
def save_tensors(path, tensors):
    torch.save([tensor.clone() for tensor in tensors.values()], path)
''',
        "pickle instead of torch.save: the file is not in torch.save's format": '''
import pickle


def save_tensors(path, tensors):
    with open(path, "wb") as file:
        pickle.dump({name: tensor.clone() for name, tensor in tensors.items()}, file)
''',
    },
    "load_tensors": {
        "the loaded dict is never returned": '''
def load_tensors(path):
    tensors = torch.load(path, weights_only=True)
''',
        "values rebuilt through .tolist(): float16 comes back as float32": '''
def load_tensors(path):
    loaded = torch.load(path, weights_only=True)
    return {name: torch.tensor(tensor.tolist()) for name, tensor in loaded.items()}
''',
        "pickle.load on a torch.save file": '''
import pickle


def load_tensors(path):
    with open(path, "rb") as file:
        return pickle.load(file)
''',
        "returns the values only, without their names": '''
def load_tensors(path):
    return list(torch.load(path, weights_only=True).values())
''',
    },
    "transfer_first_layers": {
        "modules of dst replaced by those of src: shared memory, new parameter objects": '''
def transfer_first_layers(src, dst, n):
    for index in range(n):
        dst[index] = src[index]
''',
        ".data rebinding: dst and src share their storage": '''
def transfer_first_layers(src, dst, n):
    for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
        for src_param, dst_param in zip(src_child.parameters(), dst_child.parameters()):
            if src_param.shape != dst_param.shape:
                raise ValueError(f"Paramètre de forme {tuple(src_param.shape)} : forme différente dans dst (weight/bias)")
            dst_param.data = src_param.data
''',
        "n counts parameter tensors instead of children": '''
def transfer_first_layers(src, dst, n):
    with torch.no_grad():
        for (name, src_param), dst_param in zip(list(src.named_parameters())[:n], list(dst.parameters())[:n]):
            if src_param.shape != dst_param.shape:
                raise ValueError(f"Paramètre « {name} » : formes différentes")
            dst_param.copy_(src_param)
''',
        "checks and copies in the same loop: dst half modified when an error is raised": '''
def transfer_first_layers(src, dst, n):
    with torch.no_grad():
        for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
            dst_params = dict(dst_child.named_parameters())
            for name, src_param in src_child.named_parameters():
                if dst_params[name].shape != src_param.shape:
                    raise ValueError(f"Paramètre « {name} » : formes différentes")
                dst_params[name].copy_(src_param)
''',
        "no shape check: copy_ raises torch's RuntimeError, not a ValueError": '''
def transfer_first_layers(src, dst, n):
    with torch.no_grad():
        for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
            for src_param, dst_param in zip(src_child.parameters(), dst_child.parameters()):
                dst_param.copy_(src_param)
''',
        "whole state_dict loaded: the layers after n are overwritten too": '''
def transfer_first_layers(src, dst, n):
    for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
        for name, param in src_child.named_parameters():
            if dict(dst_child.named_parameters())[name].shape != param.shape:
                raise ValueError(f"Paramètre « {name} » : formes différentes")
    dst.load_state_dict(src.state_dict(), strict=False)
''',
    },
    "save_checkpoint": {
        "the optimizer's state is not saved": '''
def save_checkpoint(path, model, optimizer, step):
    fresh = type(optimizer)(model.parameters(), **optimizer.defaults)
    torch.save({"model": model.state_dict(), "optimizer": fresh.state_dict(), "step": step}, path)
''',
        "the model object itself is pickled": '''
def save_checkpoint(path, model, optimizer, step):
    torch.save({"model": model, "optimizer": optimizer.state_dict(), "step": step}, path)
''',
        "parameters only: the BatchNorm buffers are missing": '''
def save_checkpoint(path, model, optimizer, step):
    parameters = {name: param.detach() for name, param in model.named_parameters()}
    torch.save({"model": parameters, "optimizer": optimizer.state_dict(), "step": step}, path)
''',
        "the step after the saved one is recorded": '''
def save_checkpoint(path, model, optimizer, step):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step + 1}, path)
''',
    },
    "load_checkpoint": {
        "the optimizer is not restored": '''
def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    return checkpoint["step"]
''',
        "a new optimizer is restored instead of the one passed in": '''
def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer = type(optimizer)(model.parameters(), **optimizer.defaults)
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["step"]
''',
        "state_dict().update(): the dict is a copy, the model is not changed": '''
def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.state_dict().update(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["step"]
''',
        "returns the whole checkpoint instead of the step": '''
def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint
''',
    },
    "load_untrusted": {
        "weights_only=False, then a check of the content: the code already ran": '''
def load_untrusted(path):
    content = torch.load(path, weights_only=False)
    if not isinstance(content, dict):
        raise ValueError("Contenu inattendu : attendu un dictionnaire")
    return content
''',
        "the refusal is swallowed and an empty dict returned": '''
def load_untrusted(path):
    try:
        return torch.load(path, weights_only=True)
    except Exception:
        return {}
''',
        "pickle.load: runs the payload and cannot read torch.save's zip format": '''
import pickle


def load_untrusted(path):
    with open(path, "rb") as file:
        return pickle.load(file)
''',
        "safetensors' loader on a torch.save file": '''
from safetensors.torch import load_file


def load_untrusted(path):
    return load_file(path)
''',
    },
}

RIGHT = {
    "save_tensors": {
        "copies made with torch.empty_like + copy_, written through an open file": '''
def save_tensors(path, tensors):
    copies = {}
    for name, tensor in tensors.items():
        copy = torch.empty_like(tensor)
        copy.copy_(tensor)
        copies[name] = copy
    with open(path, "wb") as file:
        torch.save(copies, file)
''',
    },
    "load_tensors": {
        "reads from an open file, on the CPU": '''
def load_tensors(path):
    with open(path, "rb") as file:
        return dict(torch.load(file, map_location="cpu", weights_only=True))
''',
    },
    "transfer_first_layers": {
        "shapes checked on state_dicts, then load_state_dict per child": '''
def transfer_first_layers(src, dst, n):
    pairs = list(zip(src.children(), dst.children()))[:n]
    for position, (a, b) in enumerate(pairs):
        wanted = {k: v.shape for k, v in a.named_parameters()}
        present = {k: v.shape for k, v in b.named_parameters()}
        for key, shape in wanted.items():
            if present.get(key) != shape:
                raise ValueError(f"Couche {position}, paramètre « {key} » : formes incompatibles ({shape} et {present.get(key)}).")
    for a, b in pairs:
        b.load_state_dict(dict(a.named_parameters()), strict=False)
''',
    },
    "save_checkpoint": {
        "keys of its own plus metadata, written through an open file": '''
def save_checkpoint(path, model, optimizer, step):
    with open(path, "wb") as file:
        torch.save(
            {"step": int(step), "optimizer": optimizer.state_dict(), "model": model.state_dict(), "torch": str(torch.__version__)},
            file,
        )
''',
    },
    "load_checkpoint": {
        "loaded on the CPU, then restored; state_dicts follow the parameters' device": '''
def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    for target, key in ((model, "model"), (optimizer, "optimizer")):
        target.load_state_dict(checkpoint[key])
    return int(checkpoint["step"])
''',
    },
    "load_untrusted": {
        "refusal turned into a French ValueError": '''
import pickle


def load_untrusted(path):
    try:
        return torch.load(path, weights_only=True)
    except pickle.UnpicklingError as error:
        raise ValueError(f"{path} : objets Python arbitraires refusés, rien n'a été exécuté.") from error
''',
    },
}

# ---------------------------------------------------------------------------------------
# Near misses: each breaks exactly one rule of the statement (tests/variants/rules.py);
# tests/grading/kernels/test_graders.py adds them to WRONG.
RULE_BREAKERS = {
    "save_tensors": {
        "scalars saved with shape (1,)": '''
def save_tensors(path, tensors):
    torch.save({name: torch.atleast_1d(tensor.clone()) for name, tensor in tensors.items()}, path)
''',
        "empty tensors left out": '''
def save_tensors(path, tensors):
    torch.save({name: tensor.clone() for name, tensor in tensors.items() if tensor.numel()}, path)
''',
        "metadata saved beside the tensors": '''
def save_tensors(path, tensors):
    torch.save({"format": 1, "tensors": {name: tensor.clone() for name, tensor in tensors.items()}}, path)
''',
    },
    "load_tensors": {
        "every tensor brought back as float32": '''
def load_tensors(path):
    return {name: tensor.float() for name, tensor in torch.load(path, weights_only=True).items()}
''',
    },
    "transfer_first_layers": {
        "values exchanged between src and dst": '''
def transfer_first_layers(src, dst, n):
    pairs = []
    for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
        dst_params = dict(dst_child.named_parameters())
        for name, src_param in src_child.named_parameters():
            if name not in dst_params or dst_params[name].shape != src_param.shape:
                raise ValueError(f"Paramètre « {name} » : formes incompatibles")
            pairs.append((dst_params[name], src_param))
    with torch.no_grad():
        for dst_param, src_param in pairs:
            saved = dst_param.clone()
            dst_param.copy_(src_param)
            src_param.copy_(saved)
''',
        "the error message does not name the parameter": '''
def transfer_first_layers(src, dst, n):
    pairs = []
    for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
        dst_params = dict(dst_child.named_parameters())
        for name, src_param in src_child.named_parameters():
            if name not in dst_params or dst_params[name].shape != src_param.shape:
                raise ValueError("Les deux réseaux ne sont pas compatibles.")
            pairs.append((dst_params[name], src_param))
    with torch.no_grad():
        for dst_param, src_param in pairs:
            dst_param.copy_(src_param)
''',
        "a parameter missing from dst raises a KeyError": '''
def transfer_first_layers(src, dst, n):
    pairs = []
    for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
        dst_params = dict(dst_child.named_parameters())
        for name, src_param in src_child.named_parameters():
            if dst_params[name].shape != src_param.shape:
                raise ValueError(f"Paramètre « {name} » : formes incompatibles")
            pairs.append((dst_params[name], src_param))
    with torch.no_grad():
        for dst_param, src_param in pairs:
            dst_param.copy_(src_param)
''',
    },
    "save_checkpoint": {
        "the step is not saved: load_checkpoint cannot return it": '''
def save_checkpoint(path, model, optimizer, step):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
''',
    },
    "load_checkpoint": {
        "the buffers are not restored: only the parameters are copied": '''
def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, weights_only=True)
    parameters = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in checkpoint["model"].items():
            if name in parameters:
                parameters[name].copy_(value)
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["step"]
''',
    },
    "load_untrusted": {
        "strings refused: only tensors and numbers let through": '''
def load_untrusted(path):
    content = torch.load(path, weights_only=True)

    def check(value):
        if isinstance(value, str):
            raise ValueError("Chaîne refusée")
        if isinstance(value, dict):
            for item in value.values():
                check(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                check(item)

    check(content)
    return content
''',
    },
}

# ---------------------------------------------------------------------------------------
# Mistakes that pass the common cases and break a sentence (issues 15 and 18), and right
# answers written in styles a narrower test rejected: mmap=True, map_location, the file's
# globals checked before a safe load.
RULE_BREAKERS["save_tensors"].update({
    "one-element tensors saved as scalars: shape (1,) becomes ()": '''
def save_tensors(path, tensors):
    torch.save({name: t.clone().squeeze() if t.numel() == 1 else t.clone() for name, t in tensors.items()}, path)
''',
})
RULE_BREAKERS["transfer_first_layers"].update({
    "only each child's own parameters (recurse=False): nested ones are missed": '''
def transfer_first_layers(src, dst, n):
    pairs = []
    for src_child, dst_child in zip(list(src.children())[:n], list(dst.children())[:n]):
        dst_params = dict(dst_child.named_parameters(recurse=False))
        for name, src_param in src_child.named_parameters(recurse=False):
            dst_param = dst_params.get(name)
            if dst_param is None or dst_param.shape != src_param.shape:
                raise ValueError(f"Paramètre « {name} » : formes incompatibles ou absent de dst.")
            pairs.append((dst_param, src_param))
    with torch.no_grad():
        for dst_param, src_param in pairs:
            dst_param.copy_(src_param)
''',
})
RULE_BREAKERS["load_untrusted"].update({
    "an allow-list wider than stated: whole nn modules let through": '''
def load_untrusted(path):
    with torch.serialization.safe_globals([nn.Linear, nn.Sequential, nn.ReLU]):
        return torch.load(path, weights_only=True)
''',
})
RIGHT["load_tensors"].update({
    "mmap=True and map_location='cpu'": '''
def load_tensors(path):
    return torch.load(path, map_location="cpu", mmap=True, weights_only=True)
''',
})
RIGHT["load_checkpoint"].update({
    "mmap=True, map_location to the model's device": '''
def load_checkpoint(path, model, optimizer):
    device = next(model.parameters()).device
    checkpoint = torch.load(path, map_location=device, mmap=True, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return int(checkpoint["step"])
''',
})
RIGHT["load_untrusted"].update({
    "mmap=True and map_location='cpu'": '''
def load_untrusted(path):
    return torch.load(path, map_location="cpu", mmap=True, weights_only=True)
''',
    "the file's globals checked before a safe load": '''
import pickle


def load_untrusted(path):
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    if unsafe:
        raise pickle.UnpicklingError(f"Fichier refusé : il contient {unsafe}")
    return torch.load(path, weights_only=True)
''',
})
