"""FocalLoss returns the mean for reduction="sum".

breaks: FocalLoss
"""
import torch.nn.functional as F
from torch import nn


class FocalLoss(nn.Module):
    def __init__(self, gamma=2.0, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(reduction)
        self.gamma, self.reduction = gamma, reduction

    def forward(self, logits, target):
        log_pt = F.log_softmax(logits, dim=1).gather(1, target.long().unsqueeze(1)).squeeze(1)
        loss = -((1 - log_pt.exp()) ** self.gamma) * log_pt
        if self.reduction == "none":
            return loss
        return loss.mean()
