using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Extending;

/// <summary>A new architecture, written as README's "Extending" says: one file with the network and its entry.</summary>
public sealed class ToyModel : nn.Module<Tensor, Tensor>
{
    public static readonly ModelEntry Entry = new("toy-linear", "a single dense layer over the pixels (test only)", (_, size) => new ToyModel(size),
        (model, graph, input) => OnnxLayers.Dense(graph, "dense", OnnxLayers.FlattenChw(graph, "flatten", input), ((ToyModel)model).dense));

    readonly TorchSharp.Modules.Linear dense;

    public ToyModel(int size) : base("toy-linear")
    {
        dense = nn.Linear(3 * size * size, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => dense.forward(x.flatten(1));
}
