using MalariaLab.Foundation.Common;
using MalariaLab.Data.Indexing;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Workflows.Prediction;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Data.Splitting;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Reliability;

/// <summary>Odd data sets, lists and run folders: each handled or refused with a message naming what is wrong.</summary>
public class DataInputTests
{
    [Fact]
    public void Empty_data_set_is_a_clear_error()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.File("Parasitized"));
        Directory.CreateDirectory(temp.File("Uninfected"));
        var e = Assert.Throws<MalariaLabException>(() => DatasetIndexer.Build(temp.Path, "none", null, null, new CapturingLog()));
        Assert.Contains("no readable images in class folder 'Parasitized'", e.Message);
    }

    [Fact]
    public void No_class_folders_at_all_is_a_clear_error()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<MalariaLabException>(() => DatasetIndexer.Build(temp.Path, "none", null, null, new CapturingLog()));
        Assert.Contains("no class folders found; expected 'Parasitized/' and 'Uninfected/'", e.Message);
    }

    [Fact]
    public void A_class_with_one_image_is_indexed_and_split()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.Path, [("P1", 1, 6)]);
        var index = DatasetIndexer.Build(temp.Path, "none", null, null, new CapturingLog());
        Assert.Single(index.Rows, r => r.Label == Labels.Parasitized);
        var split = Splitter.Split(index.Rows, new SplitSpec("keras-validation-split", 0.2, 0, 5, 0), 1);
        // int(0.2 * 1) = 0: the single image trains, as Keras would do.
        Assert.Equal(Subsets.Train, split.Single(s => s.Label == Labels.Parasitized).Subset);
    }

    [Fact]
    public void Patient_map_with_unknown_files_and_unmapped_images_warns_and_falls_back()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.Path, [("P1", 2, 2)]);
        var map = new Dictionary<string, string> { ["ghost_IMG_1.png"] = "GHOST" };
        var log = new CapturingLog();
        var index = DatasetIndexer.Build(temp.Path, "none", null, map, log);
        Assert.All(index.Rows, r => Assert.Equal("P1", r.Patient));
        Assert.Contains("warning: 4 images are not in the patient maps; their patient is the file name prefix before _IMG", log.Text);
    }

    [Fact]
    public void Corrections_lists_naming_absent_files_are_counted_not_fatal()
    {
        using var temp = new TempFolder();
        SyntheticData.WriteFolder(temp.Path, [("P1", 2, 2)]);
        var parasitized = Directory.GetFiles(temp.File("Parasitized")).Select(f => Path.GetFileName(f)).ToHashSet();
        var uninfected = Directory.GetFiles(temp.File("Uninfected")).Select(f => Path.GetFileName(f)).Take(1).Append("absent1.png").ToHashSet();
        var lists = new CorrectionLists(parasitized, uninfected, new HashSet<string> { "absent2.png" }, new HashSet<string>());
        var log = new CapturingLog();
        var index = DatasetIndexer.Build(temp.Path, "exclude", lists, null, log);
        Assert.Equal(3, index.Rows.Count); // two confirmed parasitized, one confirmed uninfected
        Assert.Contains("corrections lists name 2 files that are not in this data set", log.Text);
        Assert.Equal(["excluded: in no True list (Fuhad et al. 2020)"], index.Skipped.Select(s => s.Reason));

        var none = lists with { TrueUninfected = new HashSet<string>() };
        var e = Assert.Throws<MalariaLabException>(() => DatasetIndexer.Build(temp.Path, "exclude", none, null, new CapturingLog()));
        Assert.EndsWith("no readable images in class folder 'Uninfected' (2 excluded by the corrections policy)", e.Message);
    }

    [Fact]
    public void Malformed_corrections_list_names_file_and_line()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("True_parasitized.csv"), ",True_parasitized\n0,a.png\nnot-a-row\n");
        var e = Assert.Throws<MalariaLabException>(() => CorrectionLists.ReadList(temp.File("True_parasitized.csv")));
        Assert.Equal($"{temp.File("True_parasitized.csv")}:3: expected \"index,filename\", found \"not-a-row\"", e.Message);
    }

    [Fact]
    public void Split_csv_with_a_missing_column_names_it()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("split.csv"), "path,label,patient\na,b,c\n");
        var e = Assert.Throws<MalariaLabException>(() => SplitFile.Read(temp.File("split.csv")));
        Assert.Equal($"{temp.File("split.csv")}:1: missing column 'subset' (header: path,label,patient)", e.Message);
    }

    [Fact]
    public void Predict_with_an_incomplete_run_folder_is_refused()
    {
        using var temp = new TempFolder();
        var run = HandMadeRun.Write(temp.File("run"), "name: x\nseed: 1\n", 0.9);
        var manifest = RunManifest.Read(run.Path);
        (manifest with { Status = RunStatus.Incomplete }).Write(run.Path);
        var e = Assert.Throws<MalariaLabException>(() => Predictor.Predict(run, temp.Path, new CapturingLog()));
        Assert.Contains("run status is 'incomplete', expected 'published'", e.Message);
    }

    [Fact]
    public void Predict_with_a_folder_that_is_not_a_run_is_refused()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<MalariaLabException>(() => Predictor.Predict(RunFolder.Open(temp.Path), temp.Path, new CapturingLog()));
        Assert.Contains("not a run folder (no manifest.json)", e.Message);
    }

    [Fact]
    public void Unknown_cli_option_and_missing_value_are_clear()
    {
        var (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "split", "--datset-source=x");
        Assert.Equal(2, exit);
        Assert.Contains("error: Unrecognized command or argument '--datset-source=x'", output);
        (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "nonsense");
        Assert.Equal(2, exit);
        Assert.Contains("error: Unrecognized command or argument 'nonsense'", output);
        (exit, output) = CliProcess.Run(TestPaths.RepoRoot, "predict", "--run=x");
        Assert.Equal(2, exit);
        Assert.Contains("Option '--input' is required", output);
    }

    [Fact]
    public void Missing_spec_file_and_missing_dataset_source_are_clear()
    {
        Assert.Contains("experiment spec not found", Assert.Throws<SpecException>(() => SpecLoader.LoadFile("/nonexistent/spec.yaml")).Message);
        using var temp = new TempFolder();
        var options = new PipelineOptions { Artifacts = temp.Path, DatasetSource = temp.File("missing.zip") };
        var spec = SpecLoader.Override(SpecLoader.Parse("name: x\nseed: 1\n", "x.yaml"), ("dataset.source", options.DatasetSource), ("dataset.sha256", null));
        var e = Assert.Throws<MalariaLabException>(() => new Orchestrator(spec, options, new CapturingLog()).Resolve("download"));
        Assert.Contains("missing.zip: file not found", e.Message);
    }
}
