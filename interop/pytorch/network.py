"""The seed CNN as a torch.nn.Module, with MalariaLab's layer names and layouts (README: Weights for PyTorch users).

Keras order per block: Conv 3x3 same -> ReLU -> BatchNorm (eps 1e-3) -> MaxPool 2 -> Dropout; then Flatten in HWC order
(as Keras flattens NHWC), Dense -> ReLU -> Dropout -> Dense 1 (the logit of Parasitized). Input: N x 3 x size x size.
"""
import torch
from torch import nn


class SeedCnn(nn.Module):
    FILTERS = (16, 32, 64, 128)

    def __init__(self, size=48, dense_units=128, conv_dropout=0.2, dense_dropout=0.3):
        super().__init__()
        if size % 16:
            raise ValueError(f"size: seed-cnn needs a multiple of 16 (four 2x2 pools), got {size}")
        channels = (3,) + self.FILTERS
        for i in range(4):
            setattr(self, f"conv{i + 1}", nn.Conv2d(channels[i], channels[i + 1], 3, padding=1))
            setattr(self, f"bn{i + 1}", nn.BatchNorm2d(channels[i + 1], eps=1e-3, momentum=0.01))
        self.pool = nn.MaxPool2d(2)
        self.conv_dropout = nn.Dropout(conv_dropout)
        self.dense_dropout = nn.Dropout(dense_dropout)
        side = size // 16
        self.fc1 = nn.Linear(self.FILTERS[-1] * side * side, dense_units)
        self.fc2 = nn.Linear(dense_units, 1)

    def forward(self, x):
        for i in range(1, 5):
            x = getattr(self, f"conv{i}")(x).relu()
            x = getattr(self, f"bn{i}")(x)
            x = self.conv_dropout(self.pool(x))
        x = x.permute(0, 2, 3, 1).flatten(1)  # HWC order: fc1's weights are laid out as Keras flattens
        x = self.dense_dropout(self.fc1(x).relu())
        return self.fc2(x)

    @classmethod
    def from_state(cls, tensors, size):
        """A network in eval mode holding the given state dict (numpy arrays by PyTorch name)."""
        model = cls(size=size, dense_units=tensors["fc1.weight"].shape[0])
        state = {name: torch.from_numpy(value) for name, value in tensors.items()}
        model.load_state_dict(state, strict=True)
        return model.eval()
