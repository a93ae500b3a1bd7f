using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Data.Indexing;

/// <summary>The real NIH sample (30 patients, 3,703 PNGs) through Download → Extract → Index → Split.</summary>
public sealed class RealSampleTests : IClassFixture<RealSampleTests.Artifacts>
{
    public sealed class Artifacts : TempFolder;

    readonly Artifacts _artifacts;
    public RealSampleTests(Artifacts artifacts) => _artifacts = artifacts;

    sealed record Indexed(IReadOnlyList<IndexRow> Rows, string Fingerprint, string SkippedCsv);

    Indexed Index(string corrections, CapturingLog log)
    {
        var pipeline = Pipeline(corrections, log);
        pipeline.Resolve("index");
        return new Indexed(pipeline.IndexRows(), pipeline.DatasetFingerprint, pipeline.OutputPath("index", IndexStage.SkippedCsv));
    }

    Orchestrator Pipeline(string corrections, CapturingLog log, params string[] sets)
    {
        var options = new PipelineOptions
        {
            DatasetSource = TestPaths.SampleZip,
            Mirror = TestPaths.SharedData,
            Artifacts = _artifacts.Path,
            Sets = [$"dataset.corrections={corrections}", .. sets],
        };
        options = options with { Experiment = Path.Combine(TestPaths.RepoRoot, "experiments", "seed-cnn.yaml") };
        return new Orchestrator(options.LoadSpec(), options, log);
    }

    [Fact]
    public void Original_labels_give_the_published_counts()
    {
        var log = new CapturingLog();
        var index = Index("none", log);
        Assert.Equal(1646, index.Rows.Count(r => r.Label == Labels.Parasitized));
        Assert.Equal(2057, index.Rows.Count(r => r.Label == Labels.Uninfected));
        Assert.Equal(30, index.Rows.Select(r => r.Patient).Distinct().Count());
        var skipped = Csv.ReadRecords(index.SkippedCsv, "path", "reason");
        Assert.Equal(["Parasitized/Thumbs.db", "Uninfected/Thumbs.db"], skipped.Select(s => s["path"]));
        // Patients from the official maps equal the file-name prefix on every file.
        Assert.All(index.Rows, r => Assert.Equal(PatientMaps.FromFileName(r.FileName), r.Patient));
        Assert.All(index.Rows, r => Assert.True(r.Width is >= 46 and <= 394 && r.Height is >= 40 and <= 385));
    }

    [Fact]
    public void Exclude_keeps_the_true_lists_and_relabel_swaps_the_false_ones()
    {
        var excluded = Index("exclude", new CapturingLog());
        var relabelled = Index("relabel", new CapturingLog());
        var none = Index("none", new CapturingLog());
        int falseParasitized = relabelled.Rows.Count(r => r.Correction == "relabelled" && r.Class == Labels.Parasitized);
        int falseUninfected = relabelled.Rows.Count(r => r.Correction == "relabelled" && r.Class == Labels.Uninfected);
        Assert.Equal(1646 - falseParasitized, excluded.Rows.Count(r => r.Label == Labels.Parasitized));
        Assert.Equal(2057 - falseUninfected, excluded.Rows.Count(r => r.Label == Labels.Uninfected));
        Assert.Equal(1646 - falseParasitized + falseUninfected, relabelled.Rows.Count(r => r.Label == Labels.Parasitized));
        Assert.Equal(3703, relabelled.Rows.Count);
        Assert.NotEqual(none.Fingerprint, relabelled.Fingerprint);
        Assert.Equal((124, 116), (falseParasitized, falseUninfected));
        // skipped.csv says why by code (what Evaluate's mistakes figure compares), the reason beside it for people.
        var codes = Csv.ReadRecords(excluded.SkippedCsv, "path", "code", "reason").GroupBy(s => s["code"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["excluded-false"] = 240, ["os-metadata"] = 2 }, codes);
    }

    [Fact]
    public void Second_run_reuses_the_cache_and_the_index()
    {
        Index("none", new CapturingLog());
        var log = new CapturingLog();
        Index("none", log);
        Assert.Contains("download: up to date", log.Text);
        Assert.Contains("index: up to date", log.Text);
    }

    [Fact]
    public void Split_is_identical_in_two_separate_processes_and_artifact_folders()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        string Split(TempFolder folder)
        {
            var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "split", $"--dataset-source={TestPaths.SampleZip}", $"--mirror={TestPaths.SharedData}",
                $"--artifacts={folder.Path}", "--set", "split.strategy=patient", "--set", "split.test=0.2");
            Assert.True(exit == 0, output);
            return File.ReadAllText(Directory.GetFiles(folder.File("splits"), "split.csv", SearchOption.AllDirectories).Single());
        }
        string first = Split(a);
        Assert.Equal(first, Split(b));
        var rows = MalariaLab.Data.Splitting.SplitFile.Read(Directory.GetFiles(a.File("splits"), "split.csv", SearchOption.AllDirectories).Single());
        Assert.All(rows.GroupBy(r => r.Patient), g => Assert.Single(g.Select(r => r.Subset).Distinct()));
    }
}
