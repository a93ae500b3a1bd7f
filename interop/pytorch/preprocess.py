"""Image file -> uint8 H x W x 3 RGB array, exactly as MalariaLab (and Keras' load_img) prepares it:
Pillow's convert('RGB') when the mode is not RGB, then Image.resize((size, size), NEAREST | BILINEAR).
MalariaLab's C# resizer reproduces Pillow's arithmetic bit for bit (tests/MalariaLab.Tests/Imaging/PillowParityTests).
"""
import numpy as np
from PIL import Image

FILTERS = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR}


def load(path, size=48, interpolation="nearest"):
    if interpolation not in FILTERS:
        raise ValueError(f"interpolation: expected one of {', '.join(FILTERS)}, got {interpolation!r}")
    with Image.open(path) as image:
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.asarray(image.resize((size, size), FILTERS[interpolation]), dtype=np.uint8)


def to_tensor_input(images, scale):
    """uint8 N x H x W x 3 -> float32 N x 3 x H x W, multiplied by scale in float32 as the pipeline does."""
    import torch
    x = torch.from_numpy(np.ascontiguousarray(images)).to(torch.float32)
    return x.mul(np.float32(scale)).permute(0, 3, 1, 2)
