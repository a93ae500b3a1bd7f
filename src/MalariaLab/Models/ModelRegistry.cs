using MalariaLab.Common;
using MalariaLab.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Models;

/// <summary>model.arch → network. Adding an architecture is one new file and one line here.</summary>
public static class ModelRegistry
{
    static readonly Dictionary<string, Func<ModelSpec, int, nn.Module<Tensor, Tensor>>> Builders = new()
    {
        ["seed-cnn"] = (m, size) => new SeedCnn(size, m.ConvDropout, m.DenseUnits, m.DenseDropout),
    };

    public static IReadOnlyCollection<string> Names => Builders.Keys;

    public static nn.Module<Tensor, Tensor> Create(ModelSpec spec, int imageSize) =>
        Builders.TryGetValue(spec.Arch, out var build)
            ? build(spec, imageSize)
            : throw new MalariaLabException($"model.arch: unknown architecture '{spec.Arch}'; known: {string.Join(", ", Names)}");
}
