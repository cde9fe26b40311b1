"""Hidden graders of predict: eval-mode outputs, every module's mode restored, no autograd."""
import numpy as np
import torch
from torch import nn

from dlcourse.grading import close, expect, graded, probe


def requires_grad(t):
    """t.requires_grad read through torch's own C descriptor (a property patched onto torch.Tensor cannot fake it)."""
    for klass in t.__class__.__mro__:
        found = klass.__dict__.get("requires_grad")
        if found is not None and found.__class__.__name__ == "getset_descriptor":
            return found.__get__(t) is True
    return None


@probe(uses=[requires_grad])
def probe_predict(mod, state, x, modes, tag):
    # A network with dropout and batch norm and a spy layer that appends, for every forward pass, its own mode and
    # its input tensor to a list held only by this probe (no module attribute); its class gets a fresh random name
    # per run. Whether autograd recorded is judged after the call from each input's own requires_grad.
    from torch import nn

    seen = []

    def spy_forward(self, v):
        seen.append((self.training is True, v))
        return v

    Spy = type(tag.capitalize(), (nn.Module,), {"forward": spy_forward})
    d, h = state["0.weight"].shape[1], state["0.weight"].shape[0]
    k = state["5.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.BatchNorm1d(h), nn.ReLU(), Spy(), nn.Dropout(0.5), nn.Linear(h, k))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    for module, mode in zip(net.modules(), modes):
        module.training = mode is True
    out = torch.as_tensor(mod.predict(net, torch.tensor(x)))
    probe_after = net[0].weight * 1.0                      # carries a graph only if recording is back on
    return {"out": out.detach().double().numpy().copy(), "graph": [requires_grad(out), out.grad_fn is not None],
            "seen": [[training, requires_grad(v), v.grad_fn is not None] for training, v in seen],
            "modes_after": [m.training is True for m in net.modules()],
            "recording_after": requires_grad(probe_after),
            "running_mean": net[1].running_mean.detach().double().numpy().copy(),
            "param_grads": [p.grad is None for p in net.parameters()]}


def random_case(rng):
    d, h, k = (int(v) for v in rng.integers(2, 7, size=3))
    n = int(rng.integers(3, 9))
    state = {
        "0.weight": rng.standard_normal((h, d)).astype(np.float32),
        "0.bias": rng.standard_normal(h).astype(np.float32),
        "1.weight": rng.uniform(0.5, 2.0, h).astype(np.float32),
        "1.bias": rng.standard_normal(h).astype(np.float32),
        "1.running_mean": rng.standard_normal(h).astype(np.float32),
        "1.running_var": rng.uniform(0.5, 3.0, h).astype(np.float32),
        "1.num_batches_tracked": np.array(int(rng.integers(1, 100)), dtype=np.int64),
        "5.weight": rng.standard_normal((k, h)).astype(np.float32),
        "5.bias": rng.standard_normal(k).astype(np.float32),
    }
    return state, rng.standard_normal((n, d)).astype(np.float32)


def eval_output(state, x):
    """The expected prediction, computed here: the same network in eval mode without autograd."""
    d, h, k = state["0.weight"].shape[1], state["0.weight"].shape[0], state["5.weight"].shape[0]
    net = nn.Sequential(nn.Linear(d, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Identity(), nn.Dropout(0.5), nn.Linear(h, k))
    net.load_state_dict({name: torch.tensor(value) for name, value in state.items()})
    net.eval()
    with torch.no_grad():
        return net(torch.tensor(x)).numpy()


N_MODULES = 7   # the Sequential and its six layers


def tag(rng):
    """A fresh name for the probe's spy, per run."""
    return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=12))


def output_right(got, state, x):
    close(got["out"], eval_output(state, x), "predict's output differs from the model's output in eval mode "
          "(dropout must be off and batch norm must use its running statistics)", rtol=1e-4, atol=1e-5)


@graded("predict", points=1)
def test_predict_matches_eval_mode(sub, rng):
    for _ in range(2):
        state, x = random_case(rng)
        got = sub.run(probe_predict, state, x, [True] * N_MODULES, tag(rng))
        output_right(got, state, x)
        expect(len(got["seen"]) > 0 and all(training is False for training, _, _ in got["seen"]),
               "during predict's forward pass some layers were still in training mode")
        close(got["running_mean"], state["1.running_mean"],
              "predict changed batch norm's running statistics: the forward pass ran in training mode", rtol=0, atol=0)


@graded("predict", points=2)
def test_predict_restores_previous_modes(sub, rng):
    configurations = [[True] * N_MODULES, [False] * N_MODULES]
    while len(configurations) < 5:
        modes = [bool(v) for v in rng.integers(0, 2, size=N_MODULES)]
        if len(set(modes)) == 2 and modes not in configurations:
            configurations.append(modes)
    configurations.append([True] + [bool(v) for v in rng.integers(0, 2, size=N_MODULES - 1)])
    configurations[-1][2] = False                     # a batch norm kept in eval mode inside a training model
    for modes in configurations:
        state, x = random_case(rng)
        got = sub.run(probe_predict, state, x, modes, tag(rng))
        output_right(got, state, x)                   # leaving the modes alone earns nothing by itself
        if len(set(modes)) == 1:
            what = "a model entirely in " + ("train" if modes[0] else "eval") + " mode"
        else:
            what = "a model whose submodules were in a mix of train and eval modes"
        expect(got["modes_after"] == modes,
               f"after predict on {what}, the modes of the model and its submodules were not restored "
               "to what each one was before the call")


@graded("predict", points=1)
def test_predict_runs_without_autograd(sub, rng):
    state, x = random_case(rng)
    got = sub.run(probe_predict, state, x, [True] * N_MODULES, tag(rng))
    output_right(got, state, x)                       # computing nothing earns nothing
    expect(len(got["seen"]) > 0, "predict never ran the model")
    expect(all(recording is False and graph is False for _, recording, graph in got["seen"]),
           "predict ran the model with gradient recording on: use torch.no_grad()")
    expect(got["graph"] == [False, False],
           "predict's output is part of an autograd graph (it requires grad); compute it under torch.no_grad()")
    expect(got["recording_after"] is True, "after predict, gradient recording is still off: it must be back on "
                                           "(use torch.no_grad() as a with block)")
    expect(all(flag is True for flag in got["param_grads"]), "predict left gradients on the model's parameters")
