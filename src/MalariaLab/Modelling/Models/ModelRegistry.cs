using System.Runtime.CompilerServices;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using static TorchSharp.torch;

namespace MalariaLab.Modelling.Models;

/// <summary>A registered architecture: its spec name (model.arch), what it is, how it is built for an image size, and
/// the model.* keys it reads (a spec that sets another one is refused: it would change the cache key and nothing else).
/// Its ONNX export, summary and FLOPs come from the network's steps (<see cref="LayeredNetwork"/>).</summary>
public sealed record ModelEntry(string Name, string Description, Func<ModelSpec, int, LayeredNetwork> Create, IReadOnlyList<SpecKey> Options);

/// <summary>model.arch → network. Adding an architecture is one new file (the network, with its
/// <see cref="ModelEntry"/>) and one line here (or one <see cref="Register"/> call); the spec schema follows.</summary>
public static class ModelRegistry
{
    static readonly string KeyPath = SpecKeys.Model.Arch.Path;
    static readonly List<ModelEntry> Models = [];

    static ModelRegistry()
    {
        Register(SeedCnn.Entry);
        Register(WideGapCnn.Entry);
        Register(ResNetSmall.Entry);
        Register(CompactCnn.Entry);
    }

#pragma warning disable CA2255 // the library's own registries must be known before any spec is validated
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Load() => RuntimeHelpers.RunClassConstructor(typeof(ModelRegistry).TypeHandle);

    public static IReadOnlyList<ModelEntry> All { get { lock (Models) return [.. Models]; } }
    public static IReadOnlyCollection<string> Names => All.Select(m => m.Name).ToList();

    public static void Register(ModelEntry entry)
    {
        lock (Models)
        {
            if (Models.Any(m => m.Name == entry.Name)) throw new InvalidOperationException($"model '{entry.Name}' is already registered");
            Models.Add(entry);
        }
        SpecChoices.Add(KeyPath, entry.Name, entry.Description, [.. entry.Options.Select(k => k.Path)]);
    }

    public static LayeredNetwork Create(ModelSpec spec, int imageSize) => Find(spec.Arch).Create(spec, imageSize);

    public static ModelEntry Find(string arch) =>
        All.FirstOrDefault(m => m.Name == arch)
        ?? throw new MalariaLabException($"{KeyPath}: unknown architecture '{arch}'; known: {string.Join(", ", Names)}");
}
