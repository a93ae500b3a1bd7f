using MalariaLab.Foundation.Common;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Workflows.Comparison;

/// <summary>What Reproduce checks: the sealed original (Verify) and byte equality with the retrained copy (Compare).</summary>
public class ReproduceCheckTests
{
    [Fact]
    public void Identical_manifests_have_no_differences()
    {
        using var temp = new TempFolder();
        var manifest = RunManifest.Read(HandMadeRun.Write(temp.File("a"), "name: x\nseed: 1\n", 0.9).Path);
        Assert.Empty(Reproducer.Compare(manifest, manifest));
    }

    [Fact]
    public void A_changed_weights_byte_split_or_spec_is_named()
    {
        using var temp = new TempFolder();
        var manifest = RunManifest.Read(HandMadeRun.Write(temp.File("a"), "name: x\nseed: 1\n", 0.9).Path);
        var weights = manifest with { Files = new(manifest.Files) { ["weights/best.bin"] = new string('0', 64) } };
        Assert.Equal(["weights/best.bin: " + manifest.Files["weights/best.bin"] + " vs " + new string('0', 64)], Reproducer.Compare(manifest, weights));
        Assert.StartsWith("split hash:", Assert.Single(Reproducer.Compare(manifest, manifest with { SplitHash = "other" })));
        Assert.StartsWith("spec hash:", Assert.Single(Reproducer.Compare(manifest, manifest with { SpecHash = "other" })));
        Assert.StartsWith("data (dataset fingerprint):", Assert.Single(Reproducer.Compare(manifest, manifest with { DatasetFingerprint = "other" })));
    }

    [Theory]
    [InlineData("weights/best.bin")]
    [InlineData("spec.yaml")]
    public void A_tampered_published_run_is_refused_naming_the_file(string file)
    {
        using var temp = new TempFolder();
        var run = HandMadeRun.Write(temp.File("a"), "name: x\nseed: 1\n", 0.9);
        var bytes = File.ReadAllBytes(run.File(file));
        bytes[0] ^= 1;
        File.WriteAllBytes(run.File(file), bytes);
        var e = Assert.Throws<MalariaLabException>(() => RunSeal.Verify(run, RunManifest.Read(run.Path)));
        Assert.Contains($"{file} has SHA-256", e.Message);
    }
}
