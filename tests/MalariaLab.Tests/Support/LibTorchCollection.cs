namespace MalariaLab.Tests.Support;

/// <summary>LibTorch's thread count is process-wide and training sets it (set_num_threads); bit-for-bit comparisons
/// change when another test changes it mid-way. Test classes that run LibTorch in this process share this
/// collection, which runs alone, one class at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LibTorchCollection
{
    public const string Name = "LibTorch in-process (process-wide thread count)";
}
