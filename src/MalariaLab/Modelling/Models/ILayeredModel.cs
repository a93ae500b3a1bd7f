using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>One named step of a forward pass; Layer holds its parameters (null for parameter-free steps).</summary>
public sealed record LayerStep(string Name, string Kind, Func<Tensor, Tensor> Apply, nn.Module? Layer);

/// <summary>A model whose forward pass is a list of named steps (for summaries and feature maps).</summary>
public interface ILayeredModel
{
    IEnumerable<LayerStep> Steps();
}

/// <summary>A model whose first layer is a 2-D convolution over the RGB input (its filters and feature maps can be shown).</summary>
public interface IFirstConvolution
{
    TorchSharp.Modules.Conv2d FirstConv { get; }
}
