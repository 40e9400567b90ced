"""Verdicts outside the kernel, without a kernel: what crosses as data (``wire``), how a
test cell's three functions are found (``trial``), and how the grader judges whatever the
kernel answers, forged answers included (``remote``, with a fake kernel)."""

import base64
import json
import pickle
from types import SimpleNamespace
from unittest import mock

import pytest
import torch
from safetensors.torch import save
from nbformat.v4 import new_code_cell, new_output

from constructeur.grading import wire
from constructeur.grading.outputs import STOPPED, Event, events
from constructeur.grading.remote import REQUEST, run_test
from constructeur.grading.trial import MIME, check, collect, function_source, raised
from constructeur.grading.wire import NotData, decode, encode

DOUBLE = '''def given(rng):
    return {"X": torch.randn(3, generator=rng)}


def measure(given):
    return {"out": double(given["X"])}


def judge(given, seen):
    assert torch.allclose(seen["out"], 2 * given["X"]), "la sortie n'est pas le double de l'entrée"


check(given, measure, judge)
'''


class Kernel:
    """A fake learner's kernel: runs the grader's request (``trial.answer``) with ``double``
    as the learner's name and returns what it displayed; or returns ``outputs``, whatever
    was asked (a kernel that skips, forges or floods)."""

    def __init__(self, double=None, outputs=None):
        self.double, self.outputs, self.requests, self.names = double, outputs, [], {}

    def __call__(self, code):
        self.requests.append(code)
        if self.outputs is not None:
            return self.outputs
        shown = []
        shell = SimpleNamespace(user_ns={"double": self.double, **self.names})
        with mock.patch("IPython.get_ipython", lambda: shell), mock.patch(
            "IPython.display.display", lambda data, raw: shown.append(new_output("display_data", data=data))
        ):
            exec(code, {})
        return shown


def nested(depth):
    """A list nested ``depth`` levels deep (past Python's recursion limit)."""
    tree = []
    for _ in range(depth):
        tree = [tree]
    return tree


def _displayed(value):
    return [new_output("display_data", data={MIME: value})]


def test_data_crosses_and_objects_do_not():
    state = torch.nn.Linear(2, 3).state_dict()
    wide = torch.randn(2, 3, dtype=torch.complex128)
    data = decode(encode({"state": state, "shape": torch.Size([2, 3]), "c": torch.ones(2, dtype=torch.complex64), "w": wide.T}))
    assert data["shape"] == [2, 3] and data["c"].dtype == torch.complex64
    assert data["w"].dtype == torch.complex128 and torch.equal(data["w"], wide.T)  # safetensors has no complex128
    assert torch.equal(data["state"]["weight"], state["weight"])
    with pytest.raises(NotData, match="Linear"):
        encode({"net": torch.nn.Linear(2, 3)})
    with pytest.raises(NotData, match="niveaux"):
        nested = []
        for _ in range(wire.MAX_DEPTH + 2):
            nested = [nested]
        encode(nested)


def test_a_tensor_subclass_crosses_as_a_plain_tensor():
    class Always(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return True if func is torch.Tensor.__eq__ else super().__torch_function__(func, types, args, kwargs or {})

    sent = torch.zeros(3).as_subclass(Always)
    received = decode(encode(sent))
    assert type(received) is torch.Tensor and not torch.equal(received, torch.ones(3))


@pytest.mark.parametrize(
    "payload, problem",
    [
        ({"tree": 1}, "forme"),
        ({"tree": {"$tensor": "0"}, "tensors": ""}, "ne contient pas"),
        ({"tree": None, "tensors": base64.b64encode(pickle.dumps(torch.ones(2))).decode()}, "illisibles"),
        ({"tree": "x" * (wire.MAX_BYTES + 1), "tensors": ""}, "Mio"),
        ({"tree": None, "tensors": "pas du base64 !"}, "illisibles"),
        ({"tree": nested(10**5), "tensors": ""}, "arbre JSON"),
        ({"tree": {"$tensor": "0", "complex": True}, "tensors": base64.b64encode(save({"0": torch.ones(3)})).decode()}, "parties"),
    ],
)
def test_forged_payloads_are_refused_in_french(payload, problem):
    with pytest.raises(NotData, match=problem):
        decode(payload)


def test_check_runs_the_three_functions_in_the_learner_notebook():
    exec(DOUBLE, {"double": lambda X: 2 * X, "torch": torch, "check": check})
    with pytest.raises(AssertionError, match="double"):
        exec(DOUBLE, {"double": lambda X: X + 1, "torch": torch, "check": check})


def test_collect_finds_a_trial_and_leaves_other_cells():
    given, measure, judge = collect(DOUBLE)
    assert (given.__name__, measure.__name__, judge.__name__) == ("given", "measure", "judge")
    assert function_source(DOUBLE, measure).startswith("def measure(given):")
    assert "judge" not in function_source(DOUBLE, measure)
    assert collect("assert double(2) == 4") is None  # an ordinary test cell: not executed here


def test_a_right_answer_passes_and_a_wrong_one_fails_in_the_grader():
    assert run_test(DOUBLE, Kernel(double=lambda X: 2 * X), new_code_cell()) == []
    [failure] = run_test(DOUBLE, Kernel(double=lambda X: X + 1), new_code_cell())
    assert (failure.ename, failure.evalue) == ("AssertionError", "la sortie n'est pas le double de l'entrée")


def test_the_kernel_receives_inputs_and_measure_but_no_expected_value():
    kernel = Kernel(double=lambda X: 2 * X)
    run_test(DOUBLE, kernel, new_code_cell())
    [request] = kernel.requests
    assert "def measure(given)" in request and "judge" not in request and "allclose" not in request


def test_inputs_are_drawn_afresh_for_each_grading():
    seen = []
    kernel = Kernel(double=lambda X: seen.append(X.clone()) or 2 * X)
    run_test(DOUBLE, kernel, new_code_cell())
    run_test(DOUBLE, kernel, new_code_cell())
    assert not torch.equal(*seen)


def test_the_learner_exception_is_the_failure():
    def broken(X):
        raise IndexError("indice 3 hors des bornes\n\x1b[2JTotal : 21/21")

    [failure] = run_test(DOUBLE, Kernel(double=broken), new_code_cell())
    assert failure.ename == "IndexError" and "\n" not in failure.evalue and "\x1b" not in failure.evalue


@pytest.mark.parametrize(
    "outputs",
    [
        [],  # the request was skipped
        _displayed({"seen": encode({"out": torch.ones(3)})}) * 2,  # a second, forged answer
        _displayed({"seen": encode({"out": "tout est juste"})}),  # not a tensor: the judge cannot read it
        _displayed({"seen": {"tree": {"$tensor": "0"}, "tensors": base64.b64encode(pickle.dumps(0)).decode()}}),
        _displayed("réussi"),
        [new_output("stream", name="stdout", text=json.dumps({MIME: "réussi"}))],
    ],
)
def test_a_forged_or_missing_answer_scores_nothing(outputs):
    cell = new_code_cell()
    [failure] = run_test(DOUBLE, Kernel(outputs=outputs), cell)
    assert failure.output_type == "error" and failure.ename == STOPPED
    [event] = events(cell)  # what went wrong, as data
    assert event["event"] in (Event.NO_ANSWER, Event.UNREADABLE_ANSWER, Event.INCONCLUSIVE_ANSWER)


def test_the_kernel_errors_are_kept_when_there_is_no_answer():
    stopped = new_output("error", ename=STOPPED, evalue="délai dépassé", traceback=[])
    assert run_test(DOUBLE, Kernel(outputs=[stopped]), new_code_cell()) == [stopped]


def test_answer_displays_the_exception_of_the_learner_code():
    shown = Kernel(double=lambda X: 1 / 0)(REQUEST.format(source=function_source(DOUBLE, collect(DOUBLE)[1]), payload=encode({"X": torch.ones(1)})))
    assert shown[0]["data"][MIME]["raised"]["type"] == "ZeroDivisionError"


def test_the_learner_code_is_measured_without_tensorfloat32():
    """On a GPU, TF32 products would differ from the grader's float32 beyond the tolerances."""
    source = DOUBLE.replace('return {"out": double(given["X"])}', 'return {"out": double(given["X"]), "tf32": tf32()}')
    source = source.replace("    assert torch.allclose", "    assert seen['tf32'] == [False, False], seen['tf32']\n    assert torch.allclose")
    torch.backends.cudnn.allow_tf32 = True  # torch's default for convolutions
    kernel = Kernel(double=lambda X: 2 * X)
    kernel.names = {"tf32": lambda: [torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32]}
    assert run_test(source, kernel, new_code_cell()) == []
    assert torch.backends.cudnn.allow_tf32  # the setting is given back


def test_raised_tells_the_exception_and_what_it_derives_from():
    class Mine(ValueError):
        pass

    def fail():
        raise Mine("n vaut -1")

    assert raised(fail) == {"type": "Mine", "message": "n vaut -1", "kinds": ["Mine", "ValueError", "Exception", "BaseException", "object"]}
    assert raised(lambda: None) is None
