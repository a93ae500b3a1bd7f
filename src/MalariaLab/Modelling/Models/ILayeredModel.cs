using MalariaLab.Modelling.Export;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>How a step is written as ONNX nodes: from the tensor named <c>input</c>, returns its output's name.</summary>
public delegate string OnnxStep(OnnxGraph graph, string input);

/// <summary>One named step of a forward pass: what it computes, its parameters (null for parameter-free steps) and its
/// ONNX nodes (null: the identity at inference, as dropout is).</summary>
public sealed record LayerStep(string Name, string Kind, Func<Tensor, Tensor> Apply, nn.Module? Layer, OnnxStep? Onnx);

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
