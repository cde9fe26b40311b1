"""Visible checks of 07_torch_tensors_autograd: small fixed examples, run in your kernel.

The hidden graders test more behaviours, with fresh random inputs.
"""
import torch
from torch import nn

from dlcourse.visible import Checks

checks = Checks()


@checks.of("tensor_summary")
def _(tensor_summary):
    s = tensor_summary(torch.zeros(2, 3))
    checks.expect(isinstance(s, dict), f"tensor_summary should return a dict, got a {type(s).__name__}")
    expected = {"shape": (2, 3), "dtype": "float32", "device": "cpu", "requires_grad": False, "contiguous": True}
    for key, value in expected.items():
        checks.expect(key in s, f"the dict has no key {key!r}; expected keys {sorted(expected)}")
        checks.expect(s[key] == value, f"for torch.zeros(2, 3), {key!r} is {s[key]!r}, expected {value!r}")
    checks.expect(isinstance(s["shape"], tuple), f"'shape' should be a tuple, got a {type(s['shape']).__name__}")
    w = torch.ones(4, 2, dtype=torch.float64, requires_grad=True)
    s = tensor_summary(w.T)
    checks.expect(s["dtype"] == "float64", f"for a float64 tensor, 'dtype' is {s['dtype']!r}, expected 'float64'")
    checks.expect(s["requires_grad"] is True, "w.T of a tensor w with requires_grad=True also requires grad")
    checks.expect(s["contiguous"] is False, "a transposed (4, 2) tensor is not contiguous: 'contiguous' should be False")
    checks.expect(tuple(s["shape"]) == (2, 4), f"w.T has shape (2, 4), got {s['shape']!r}")
    s = tensor_summary(torch.tensor([1, 2, 3]))
    checks.expect(s["dtype"] == "int64", f"torch.tensor([1, 2, 3]) has dtype 'int64', got {s['dtype']!r}")


@checks.of("best_device")
def _(best_device):
    d = best_device()
    checks.expect(isinstance(d, torch.device), f"best_device() should return a torch.device, got {d!r}")
    want = "cuda" if torch.cuda.is_available() else "cpu"
    checks.expect(d.type == want, f"CUDA available: {torch.cuda.is_available()}, so expected a {want!r} device, got {d}")


@checks.of("to_patches")
def _(to_patches):
    img = torch.arange(2 * 4 * 4.0).reshape(2, 4, 4)      # C=2, H=W=4
    out = to_patches(img, 2)
    checks.expect(isinstance(out, torch.Tensor), f"to_patches should return a tensor, got a {type(out).__name__}")
    checks.expect(tuple(out.shape) == (4, 8), f"a (2, 4, 4) image in 2x2 patches gives shape (4, 8), got {tuple(out.shape)}")
    first = [0.0, 1.0, 4.0, 5.0, 16.0, 17.0, 20.0, 21.0]
    second = [2.0, 3.0, 6.0, 7.0, 18.0, 19.0, 22.0, 23.0]
    checks.expect(out[0].tolist() == first,
                  f"row 0 (top-left patch, channel 0 then channel 1) should be {first}, got {out[0].tolist()}")
    checks.expect(out[1].tolist() == second,
                  f"row 1 should be the top-RIGHT patch (row-major order): {second}, got {out[1].tolist()}")
    wide = torch.arange(1 * 2 * 6.0).reshape(1, 2, 6)
    got = to_patches(wide, 2).tolist()
    want = [[0.0, 1.0, 6.0, 7.0], [2.0, 3.0, 8.0, 9.0], [4.0, 5.0, 10.0, 11.0]]
    checks.expect(got == want, f"a (1, 2, 6) image in 2x2 patches should give {want}, got {got}")


@checks.of("grad_of")
def _(grad_of):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    g = grad_of(lambda v: (v**2).sum(), x)
    checks.expect(isinstance(g, torch.Tensor), f"grad_of should return a tensor, got a {type(g).__name__}")
    checks.expect(g.tolist() == [2.0, 4.0, 6.0], f"the gradient of sum(x**2) at [1, 2, 3] is [2, 4, 6], got {g.tolist()}")
    checks.expect(x.grad is None, "grad_of left a gradient in x.grad; it should leave x.grad as it was (None)")
    checks.expect(not g.requires_grad, "the returned gradient still requires grad: it should be a plain tensor without a graph")
    g2 = grad_of(lambda v: (v**2).sum(), x)
    checks.expect(g2.tolist() == [2.0, 4.0, 6.0], f"a second call on the same x gave {g2.tolist()}, expected [2, 4, 6] again")


@checks.of("freeze")
def _(freeze):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
    freeze(net, ["0."])
    got = {name: p.requires_grad for name, p in net.named_parameters()}
    want = {"0.weight": False, "0.bias": False, "2.weight": True, "2.bias": True}
    checks.expect(got == want, f"freeze(net, ['0.']) should give requires_grad {want}, got {got}")
    net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
    freeze(net, ["2.b", "bias"])
    got = {name: p.requires_grad for name, p in net.named_parameters()}
    want = {"0.weight": True, "0.bias": True, "2.weight": True, "2.bias": False}
    checks.expect(got == want, f"freeze(net, ['2.b', 'bias']) freezes only names STARTING with a prefix: "
                               f"expected {want}, got {got}")


@checks.of("predict")
def _(predict):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.Dropout(0.5), nn.Linear(16, 2))
    x = torch.randn(5, 4)
    net.eval()
    with torch.no_grad():
        want = net(x)
    net.train()
    out = predict(net, x)
    checks.expect(isinstance(out, torch.Tensor), f"predict should return a tensor, got a {type(out).__name__}")
    checks.expect(torch.allclose(out, want), "predict's output differs from the eval-mode output (is dropout still on?)")
    checks.expect(not out.requires_grad, "predict's output requires grad: run the model under torch.no_grad()")
    checks.expect(net.training and net[1].training, "after predict the model should be back in training mode")
    net[1].eval()
    predict(net, x)
    modes = [m.training for m in net.modules()]
    checks.expect(modes == [True, True, False, True],
                  f"with only the dropout layer in eval mode, the modes after predict should be "
                  f"[True, True, False, True] (model, Linear, Dropout, Linear), got {modes}")


@checks.of("manual_sgd_step")
def _(manual_sgd_step):
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -1.0]]))
        model.bias.fill_(0.5)
    weight = model.weight
    x, y = torch.tensor([[1.0, 2.0]]), torch.tensor([[0.0]])
    loss = ((model(x) - y) ** 2).mean()        # prediction -0.5, d loss/d pred = -1
    manual_sgd_step(model, loss, 0.1)
    checks.expect(torch.allclose(model.weight.detach(), torch.tensor([[1.1, -0.8]])),
                  f"after one step with lr=0.1 the weight should be [[1.1, -0.8]], got {model.weight.detach().tolist()}")
    checks.expect(torch.allclose(model.bias.detach(), torch.tensor([0.6])),
                  f"after one step with lr=0.1 the bias should be [0.6], got {model.bias.detach().tolist()}")
    checks.expect(model.weight is weight and model.weight.is_leaf and model.weight.requires_grad,
                  "the weight should be updated in place: the same Parameter, still a leaf that requires grad")
    grads = [p.grad for p in model.parameters()]
    checks.expect(all(g is None or not g.any() for g in grads), "gradients should be cleared (None or zero) after the step")


@checks.of("SquarePlus")
def _(SquarePlus):
    checks.expect(isinstance(SquarePlus, type) and issubclass(SquarePlus, torch.autograd.Function),
                  "SquarePlus should be a subclass of torch.autograd.Function")
    x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)
    y = SquarePlus.apply(x)
    want = ((x + torch.sqrt(x * x + 4)) / 2).detach()
    checks.expect(torch.allclose(y.detach(), want), f"SquarePlus.apply([-2, 0, 1.5]) should be {want.tolist()}, got {y.detach().tolist()}")
    y.backward(torch.tensor([1.0, 1.0, 2.0], dtype=torch.float64))
    slope = (1 + x.detach() / torch.sqrt(x.detach() ** 2 + 4)) / 2
    want_grad = slope * torch.tensor([1.0, 1.0, 2.0], dtype=torch.float64)
    checks.expect(x.grad is not None and torch.allclose(x.grad, want_grad),
                  f"with upstream gradient [1, 1, 2], x.grad should be {want_grad.tolist()}, "
                  f"got {None if x.grad is None else x.grad.tolist()}")
    xs = torch.linspace(-3, 3, 7, dtype=torch.float64, requires_grad=True)
    checks.expect(torch.autograd.gradcheck(SquarePlus.apply, (xs,), raise_exception=False),
                  "torch.autograd.gradcheck fails: the backward does not match the forward's derivative")
    far = torch.tensor([-1e8], dtype=torch.float64, requires_grad=True)   # squareplus(-1e8) = 1e-8 (to 16 digits)
    value = SquarePlus.apply(far)
    got = value.item()
    checks.expect(abs(got - 1e-8) <= 1e-6 * 1e-8,
                  f"SquarePlus.apply(-1e8) should be 1e-08 (relative error under 1e-6), got {got!r}: "
                  "x + sqrt(x*x + 4) cancels for x << 0, use the conjugate form (Exercise 8)")
    value.backward()
    slope = far.grad.item()                                             # the exact slope there is 1e-16
    checks.expect(abs(slope - 1e-16) <= 1e-6 * 1e-16,
                  f"the gradient of SquarePlus at -1e8 should be 1e-16 (relative error under 1e-6), got {slope!r}: "
                  "the derivative cancels in the same way, rewrite it too")


check = checks.check
needs = checks.needs
