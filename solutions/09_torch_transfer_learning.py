"""Reference solution of 09_torch_transfer_learning.

Generated from source/09_torch_transfer_learning/09_torch_transfer_learning.ipynb by `dlcourse build`; do not edit.
"""


import copy
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
# These networks are tiny: one thread runs them faster than several, which would spend more time
# synchronising than computing (on a busy shared machine, many times faster).
torch.set_num_threads(1)
BACKBONE = "digit_backbone.pt"      # the pre-trained weights, shipped beside this notebook


class DigitNet(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.head(self.features(x))


def digits(low, high):
    # Images (N, 1, 8, 8) float32 of pixels/16 and labels digit - low, for the digits low..high.
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    keep = (y >= low) & (y <= high)
    return (torch.tensor(X[keep] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8),
            torch.tensor(y[keep] - low))


net = DigitNet()
for name, value in net.state_dict().items():
    print(f"{name:28s} {tuple(value.shape)}")
print("parameters:", sum(p.numel() for p in net.parameters()))


small = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
state = small.state_dict()
renamed = {k.replace("2.", "3."): v for k, v in state.items()}      # e.g. a layer added in between
other = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
try:
    other.load_state_dict(renamed)                                  # strict: refuses
except RuntimeError as err:
    print("strict load refused:", str(err).splitlines()[1].strip())
result = other.load_state_dict(renamed, strict=False)              # loads what matches, silently
print("non-strict: missing", result.missing_keys, "unexpected", result.unexpected_keys)


def load_backbone(path):
    """DigitNet(5) with the weights saved at `path`, loaded strictly."""
    model = DigitNet(5)
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model


if __name__ == "__main__":
    with needs("load_backbone"):
        backbone = load_backbone(BACKBONE).eval()
        x04, y04 = digits(0, 4)
        x59, y59 = digits(5, 9)
        with torch.no_grad():
            print("accuracy on 0-4 (its training data):", (backbone(x04).argmax(1) == y04).float().mean().item())
            feats = backbone.features(x59)
        half = torch.arange(len(y59)) % 2 == 0
        means = torch.stack([feats[half & (y59 == c)].mean(0) for c in range(5)])
        nearest = torch.cdist(feats[~half], means).argmin(1)
        print("nearest class mean on frozen features of 5-9:", round((nearest == y59[~half]).float().mean().item(), 3))


toy = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
too_early = torch.optim.SGD(toy.parameters(), lr=0.1)        # built before the head is replaced
toy[2] = nn.Linear(toy[2].in_features, 3)                     # a fresh head for 3 classes
print("output shape:", tuple(toy(torch.randn(5, 4)).shape))
known = {id(p) for group in too_early.param_groups for p in group["params"]}
print("the early optimizer knows the new head:", all(id(p) in known for p in toy[2].parameters()))

if __name__ == "__main__":
    from torchvision.models import resnet18

    resnet = resnet18(weights=None)
    print("ResNet-18 head:", resnet.fc)
    resnet.fc = nn.Linear(resnet.fc.in_features, 5)
    print("after replacing it:", resnet.fc, "| output", tuple(resnet(torch.randn(1, 3, 64, 64)).shape))


def replace_head(model, num_classes):
    """Give `model` a fresh Linear head with `num_classes` outputs; returns the same model."""
    model.head = nn.Linear(model.head.in_features, num_classes)
    return model


if __name__ == "__main__":
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    parts = ["conv 1\n+ BN", "conv 2\n+ BN", "conv 3\n+ BN", "head"]
    plans = {"feature extraction": [0, 0, 0, 2], "partial unfreezing": [0, 0, 1, 2],
             "full fine-tuning": [1, 1, 1, 1], "discriminative rates": [1, 1, 1, 2]}
    colours = {0: "#d0d0d0", 1: "#9ecae1", 2: "#3182bd"}
    fig, ax = plt.subplots(figsize=(8, 3.4))
    for row, (name, plan) in enumerate(plans.items()):
        y = len(plans) - 1 - row
        ax.text(-0.2, y + 0.35, name, ha="right", va="center", fontsize=10)
        for col, (part, kind) in enumerate(zip(parts, plan)):
            ax.add_patch(FancyBboxPatch((col * 1.3, y), 1.0, 0.7, boxstyle="round,pad=0.03",
                                        facecolor=colours[kind], edgecolor="black"))
            ax.text(col * 1.3 + 0.5, y + 0.35, part, ha="center", va="center", fontsize=8)
            if col:
                ax.annotate("", (col * 1.3, y + 0.35), (col * 1.3 - 0.3, y + 0.35), arrowprops={"arrowstyle": "->"})
    for kind, label in ((0, "frozen (no gradient, BN statistics fixed)"), (1, "trains at a small rate"),
                        (2, "trains at a large rate")):
        ax.scatter([], [], s=120, marker="s", color=colours[kind], edgecolors="black", label=label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.45, -0.02), ncol=3, fontsize=8, frameon=False)
    ax.set_xlim(-3.2, 5.3)
    ax.set_ylim(-0.4, len(plans))
    ax.axis("off")
    ax.set_title("What trains in each strategy (DigitNet: backbone -> head)")
    plt.tight_layout()
    plt.show()


bn_net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
for p in bn_net.parameters():
    p.requires_grad_(False)                      # "frozen"...
before = bn_net[1].running_mean.clone()
bn_net.train()
bn_net(torch.randn(16, 3) + 5)                   # ...but a training-mode forward pass
print("running mean moved though every parameter is frozen:", not torch.equal(before, bn_net[1].running_mean))
bn_net[1].eval()
moved = bn_net[1].running_mean.clone()
bn_net(torch.randn(16, 3) + 5)
print("in eval mode it stays put:", torch.equal(moved, bn_net[1].running_mean))
bn_net.train()
print("model.train() switched it back to training mode:", bn_net[1].training)


def freeze_backbone(model):
    """Freeze everything but model.head: no gradients, batch-norm statistics fixed (eval mode)."""
    for name, child in model.named_children():
        trainable = name == "head"
        for p in child.parameters():
            p.requires_grad_(trainable)
        if not trainable:
            for module in child.modules():
                if isinstance(module, nn.modules.batchnorm._BatchNorm):
                    module.eval()


def unfreeze(model, prefixes):
    # Make the parameters whose names start with one of `prefixes` trainable again.
    for name, p in model.named_parameters():
        if name.startswith(tuple(prefixes)):
            p.requires_grad_(True)


demo = DigitNet(5)
for p in demo.parameters():
    p.requires_grad_(False)                                  # everything frozen, as after a full freeze
unfreeze(demo, ["features.7.", "features.8.", "head."])     # the last block and the head train again
print("trainable:", [n for n, p in demo.named_parameters() if p.requires_grad])


late = [p for n, p in demo.named_parameters() if p.requires_grad and not n.startswith("head.")]
new_head = [p for n, p in demo.named_parameters() if p.requires_grad and n.startswith("head.")]
optimizer = torch.optim.Adam([{"params": late, "lr": 1e-4},         # pre-trained features: small steps
                              {"params": new_head, "lr": 1e-2}])    # the new head: large steps
for group in optimizer.param_groups:
    print(f"lr {group['lr']:g}: {sum(p.numel() for p in group['params'])} parameters in {len(group['params'])} tensors")


def param_groups(model, backbone_lr, head_lr):
    """Optimizer groups of the trainable parameters: the head at head_lr, the rest at backbone_lr."""
    # TODO 1: the trainable parameters of model.head.
    # TODO 2: the trainable parameters of the rest of the model (compare parameters by identity, `is`/`id`).
    # TODO 3: one dict {"params": [...], "lr": ...} per part that is not empty; return the list.
    head_ids = {id(p) for p in model.head.parameters()}
    head = [p for p in model.head.parameters() if p.requires_grad]
    backbone = [p for p in model.parameters() if p.requires_grad and id(p) not in head_ids]
    groups = []
    if backbone:
        groups.append({"params": backbone, "lr": backbone_lr})
    if head:
        groups.append({"params": head, "lr": head_lr})
    return groups


def _keep_frozen_bn_in_eval(model):
    # Batch-norm layers whose weights are frozen stay in eval mode: their statistics do not move.
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.weight is not None \
                and not module.weight.requires_grad:
            module.eval()


def fine_tune(model, loader, epochs, lr):
    """Adam on the trainable parameters, cross-entropy, `epochs` passes; frozen batch norm kept frozen."""
    # TODO 1: an Adam optimizer over the parameters that require grad, at `lr`; a cross-entropy loss.
    # TODO 2: for each epoch: model.train(), then frozen batch norm back in eval mode (the helper above).
    # TODO 3: for each (x, y) batch of the loader: clear the gradients, forward, loss, backward, step.
    # TODO 4: return the same model, in eval mode.
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        _keep_frozen_bn_in_eval(model)
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    model.eval()
    return model


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def train_with_groups(model, loader, epochs, groups):
    # fine_tune's loop, with an optimizer built from parameter groups.
    optimizer = torch.optim.Adam(groups)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        model.train()
        _keep_frozen_bn_in_eval(model)
        for x, y in loader:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()
    return model.eval()


def run_strategy(strategy, x, y, epochs=10):
    # Adapt to (x, y) with one strategy; the same seeds for every strategy.
    torch.manual_seed(0)
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0))
    if strategy == "from scratch":
        return fine_tune(DigitNet(5), loader, epochs, 1e-3)
    model = replace_head(load_backbone(BACKBONE), 5)
    if strategy == "feature extraction":
        freeze_backbone(model)
        return fine_tune(model, loader, epochs, 1e-2)
    if strategy == "partial unfreezing":
        freeze_backbone(model)
        unfreeze(model, ["features.7.", "features.8."])
        return fine_tune(model, loader, epochs, 3e-3)
    if strategy == "full fine-tuning":
        return fine_tune(model, loader, epochs, 1e-3)
    return train_with_groups(model, loader, epochs, param_groups(model, 3e-4, 3e-3))


ALL_EXERCISES = ("load_backbone", "replace_head", "freeze_backbone", "param_groups", "fine_tune")
STRATEGIES = ["from scratch", "feature extraction", "partial unfreezing", "full fine-tuning", "discriminative rates"]

if __name__ == "__main__":
    from sklearn.model_selection import train_test_split

    x59, y59 = digits(5, 9)
    train, test = train_test_split(np.arange(len(y59)), test_size=0.5, stratify=y59.numpy(), random_state=0)
    with needs(*ALL_EXERCISES):
        for strategy in STRATEGIES:
            start = time.perf_counter()
            model = run_strategy(strategy, x59[train], y59[train])
            trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
            print(f"{strategy:22s} accuracy {accuracy(model, x59[test], y59[test]):.3f}   "
                  f"trainable parameters {trainable:6d}   {time.perf_counter() - start:4.1f} s")


if __name__ == "__main__":
    import matplotlib.pyplot as plt

    sizes = [2, 5, 10, 20, 40]
    curves = {s: [] for s in ("from scratch", "feature extraction", "full fine-tuning")}
    labels = y59[train].numpy()
    with needs(*ALL_EXERCISES):
        for per_class in sizes:
            few = np.concatenate([train[labels == c][:per_class] for c in range(5)])
            for strategy in curves:
                model = run_strategy(strategy, x59[few], y59[few], epochs=30)
                curves[strategy].append(accuracy(model, x59[test], y59[test]))
        plt.figure(figsize=(6, 4))
        for strategy, accs in curves.items():
            plt.plot(sizes, accs, "o-", label=strategy)
        plt.xscale("log")
        plt.xticks(sizes, [str(s) for s in sizes])
        plt.minorticks_off()
        plt.xlabel("training images per class")
        plt.ylabel("held-out accuracy (digits 5-9)")
        plt.ylim(0, 1)
        plt.legend()
        plt.title("Transfer pays most when labels are scarce")
        plt.show()
        print({strategy: [round(a, 2) for a in accs] for strategy, accs in curves.items()})
