"""Hidden graders of freeze: names starting with a prefix are frozen, every other stays trainable."""
from dlcourse.grading import expect, graded, probe

# named_parameters() of the probe's network (order aside)
NAMES = ["scale", "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
         "encoder_extra.weight", "encoder_extra.bias", "decoder.0.weight", "decoder.0.bias",
         "head.weight", "head.bias"]
# prefixes that start names, including partial words and dotted paths
STARTS = ["encoder", "encoder.", "encoder.0", "encoder.2.w", "encoder_", "enc", "dec", "decoder.0.bias",
          "head", "head.b", "sca", "scale"]
# "e" starts two names and lies inside most others: it belongs to the second test only, so a prefix matched
# anywhere in the name costs the same points on every grading run
ANYWHERE = "e"
# strings found inside names but at the start of none
INSIDE = ["weight", "bias", "0", "2.weight", "coder", "extra", "0.bias", "ead", "cale"]


def requires_grad(t):
    """t.requires_grad read through torch's own C descriptor (a property patched onto torch.Tensor cannot fake it)."""
    for klass in t.__class__.__mro__:
        found = klass.__dict__.get("requires_grad")
        if found is not None and found.__class__.__name__ == "getset_descriptor":
            return found.__get__(t) is True
    return None


@probe(uses=[requires_grad])
def probe_freeze(mod, prefixes):
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(1))
            self.encoder = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))
            self.encoder_extra = nn.Linear(4, 4)
            self.decoder = nn.Sequential(nn.Linear(4, 4))
            self.head = nn.Linear(4, 2)

    net = Net()
    mod.freeze(net, list(prefixes))
    return {name: requires_grad(param) for name, param in net.named_parameters()}


def frozen_by(prefixes):
    return {name: not any(name.startswith(p) for p in prefixes) for name in NAMES}


def check(sub, prefixes):
    """freeze's result on one list of prefixes, compared both ways: frozen where a prefix starts the name, and
    trainable everywhere else (freezing everything, or nothing, earns nothing)."""
    got = sub.run(probe_freeze, prefixes)
    expect(sorted(got) == sorted(NAMES), "after freeze the module's parameters are not the same ones: "
                                         "freeze should only change requires_grad")
    want = frozen_by(prefixes)
    missed = [n for n in NAMES if want[n] is False and got[n] is not False]
    expect(not missed, "freeze left trainable a parameter whose name starts with one of the prefixes "
                       "(prefixes are plain string prefixes of the full dotted name, partial words too)")
    extra = [n for n in NAMES if want[n] is True and got[n] is not True]
    expect(not extra, "freeze froze a parameter whose name does not START with any of the prefixes "
                      "(a prefix found elsewhere in the name, or an empty list of prefixes, freezes nothing)")


@graded("freeze", points=2)
def test_freeze_prefixed_parameters_frozen(sub, rng):
    for round_ in range(4):
        k = int(rng.integers(1, 3))
        prefixes = [str(p) for p in rng.choice(STARTS, size=k, replace=False)]
        # always one prefix that is not a whole top-level name; in the first round one that no other prefix covers
        partial = ["enc", "dec", "decoder.0.bias"] if round_ == 0 else \
            ["encoder.0", "encoder.2.w", "enc", "dec", "head.b", "sca", "decoder.0.bias"]
        prefixes.append(str(rng.choice(partial)))
        check(sub, prefixes)


@graded("freeze", points=1)
def test_freeze_other_parameters_stay_trainable(sub, rng):
    rounds = []
    for _ in range(3):                   # first the rounds that freeze something: doing nothing earns nothing
        inside = [str(p) for p in rng.choice(INSIDE, size=2, replace=False)]
        rounds.append(inside + [str(rng.choice(STARTS + [ANYWHERE]))])
    rounds += [[], [str(p) for p in rng.choice(INSIDE, size=2, replace=False)]]   # nothing starts with these
    for prefixes in rounds:
        check(sub, prefixes)
