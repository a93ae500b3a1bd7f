using MalariaLab.Modelling.Models;
using static TorchSharp.torch;

namespace MalariaLab.Tests.Extending;

/// <summary>A new architecture, written as docs/architecture.md's "Extending" says: one file with the network (its steps)
/// and its entry; forward, summary and ONNX come from the steps.</summary>
public sealed class ToyModel : LayeredNetwork
{
    public static readonly ModelEntry Entry = new("toy-linear", "a single dense layer over the pixels (test only)", (_, size) => new ToyModel(size), []);

    readonly TorchSharp.Modules.Linear dense;

    public ToyModel(int size) : base("toy-linear")
    {
        dense = nn.Linear(3 * size * size, 1);
        RegisterComponents();
    }

    public override IEnumerable<LayerStep> Steps()
    {
        yield return new("flatten", "Flatten (CHW order)", x => x.flatten(1), null, (g, x) => OnnxLayers.FlattenChw(g, "flatten", x));
        yield return new("dense", "Dense (logit)", dense.forward, dense, (g, x) => OnnxLayers.Dense(g, "dense", x, dense));
    }
}
