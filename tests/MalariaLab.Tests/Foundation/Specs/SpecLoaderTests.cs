using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Foundation.Specs;

public class SpecLoaderTests
{
    static ExperimentSpec Parse(string yaml, params string[] sets) => SpecLoader.Parse(yaml, "x.yaml", sets);

    [Fact]
    public void Unknown_key_names_line_column_path_and_allowed_keys()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\nsplit: {stratgy: patient}\n"));
        Assert.Equal("x.yaml:3:18: 'split.stratgy': unknown key 'stratgy' in 'split'; allowed keys: strategy, validation, test, folds, fold (did you mean 'strategy'?)", e.Message);
    }

    [Fact]
    public void Wrong_type_names_the_key_and_what_is_allowed()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\ntrain:\n  batch_size: eight\n"));
        Assert.Equal("x.yaml:4:15: 'train.batch_size': expected an integer in [1, 4096], found 'eight'", e.Message);
    }

    [Fact]
    public void Out_of_range_value_is_refused()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\nsplit:\n  validation: 1.5\n"));
        Assert.Equal("x.yaml:4:15: 'split.validation': value 1.5 is out of range; expected a number in [0, 0.9]", e.Message);
    }

    [Fact]
    public void Patient_kfold_with_test_validates_on_its_fold_so_split_validation_must_be_0()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\nsplit:\n  strategy: patient-kfold\n  validation: 0.2\n  test: 0.2\n"));
        Assert.Equal("x.yaml:5:15: 'split.validation': must be 0 with split.test (0.2) in patient-kfold: fold split.fold is then the validation set, " +
                     "and the test patients are held out of every fold", e.Message);
        var spec = Parse("name: a\nseed: 1\nsplit:\n  strategy: patient-kfold\n  validation: 0\n  test: 0.2\n");
        Assert.Equal((0.0, 0.2), (spec.Split.Validation, spec.Split.Test));
        // Elsewhere validation 0 is still refused: training needs validation images.
        Assert.Contains("must be above 0", Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\nsplit:\n  strategy: patient\n  validation: 0\n  test: 0.2\n")).Message);
    }

    [Fact]
    public void Missing_required_key_is_refused()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\n"));
        Assert.Equal("x.yaml:1:1: 'seed': required key is missing; expected an integer in [0, 2147483647]", e.Message);
    }

    [Fact]
    public void Choice_lists_the_allowed_values()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\ndataset:\n  corrections: fix\n"));
        Assert.Equal("x.yaml:4:16: 'dataset.corrections': expected one of: none | exclude | relabel, found 'fix'", e.Message);
    }

    [Fact]
    public void Section_given_a_scalar_is_refused()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\ntrain: 5\n"));
        Assert.StartsWith("x.yaml:3:8: 'train': expected a mapping with keys batch_size, epochs,", e.Message);
    }

    [Fact]
    public void Duplicate_key_and_invalid_yaml_are_refused()
    {
        Assert.Contains("x.yaml:3:1", Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\nseed: 2\n")).Message);
        Assert.StartsWith("x.yaml:3:1: not valid YAML:", Assert.Throws<SpecException>(() => Parse("name: a\nseed: [1\n")).Message);
    }

    [Fact]
    public void Quoted_number_is_not_a_number()
    {
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: '1'\n"));
        Assert.Equal("x.yaml:2:7: 'seed': expected an integer in [0, 2147483647], found '1'", e.Message);
    }

    [Fact]
    public void Set_overrides_apply_and_are_validated_like_the_file()
    {
        var spec = Parse("name: a\nseed: 1\n", "train.lr=0.001", "split.strategy=patient");
        Assert.Equal(0.001, spec.Train.Lr);
        Assert.Equal("patient", spec.Split.Strategy);

        var bad = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\n", "train.lr=fast"));
        Assert.Equal("--set train.lr=fast: 'train.lr': expected a number in [0, 10], found 'fast'", bad.Message);
        var unknown = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\n", "train.lrate=1"));
        Assert.StartsWith("--set train.lrate=1: 'train.lrate': unknown key 'lrate' in 'train'", unknown.Message);
        var malformed = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\n", "seed"));
        Assert.Equal("--set seed: expected key.path=value, e.g. --set train.lr=0.001", malformed.Message);
    }

    [Fact]
    public void Seed_cnn_spec_is_the_reference_notebook()
    {
        var spec = SpecLoader.LoadFile(Path.Combine(TestPaths.RepoRoot, "experiments", "seed-cnn.yaml"));
        Assert.Equal(("exclude", "keras-validation-split", 0.2), (spec.Dataset.Corrections, spec.Split.Strategy, spec.Split.Validation));
        Assert.Equal((48, "nearest"), (spec.Preprocess.Size, spec.Preprocess.Interpolation));
        Assert.Equal((8, 75, 1e-4, 1e-7), (spec.Train.BatchSize, spec.Train.Epochs, spec.Train.Lr, spec.Train.Epsilon));
        Assert.Equal(("val_loss", 3, false), (spec.Train.EarlyStopping.Monitor, spec.Train.EarlyStopping.Patience, spec.Train.EarlyStopping.Maximize));
        Assert.Equal(("val_accuracy", true), (spec.Train.Checkpoint.Monitor, spec.Train.Checkpoint.Maximize));
    }

    [Fact]
    public void Every_shipped_experiment_is_valid()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "experiments"), "*.yaml"))
            SpecLoader.LoadFile(file);
    }

    [Fact]
    public void Resolved_yaml_reads_back_to_the_same_spec_and_hash()
    {
        var spec = Parse("name: a\nseed: 7\ntrain: {lr: 0.0003}\ndataset: {sha256: null}\n");
        var again = SpecLoader.Parse(spec.ToYaml(), "resolved.yaml");
        Assert.Equal(spec.ToYaml(), again.ToYaml());
        Assert.Equal(spec.Hash, again.Hash);
        Assert.Null(again.Dataset.Sha256);
    }

    [Fact]
    public void Sweep_lists_are_validated_per_value()
    {
        var spec = Parse("name: a\nseed: 1\nsweep:\n  seed: [1, 2, 3]\n  train.lr: [0.001, 0.0001]\n");
        Assert.Equal(["seed", "train.lr"], spec.Sweep.Select(a => a.Path));
        Assert.Equal([1L, 2L, 3L], spec.Sweep[0].Values.Cast<long>());
        var e = Assert.Throws<SpecException>(() => Parse("name: a\nseed: 1\nsweep:\n  train.lr: [0.1, x]\n"));
        Assert.Equal("x.yaml:4:19: 'train.lr': expected a number in [0, 10], found 'x'", e.Message);
    }

    [Fact]
    public void Docs_document_every_spec_key()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "spec.md"));
        var missing = SpecSchema.Keys.Where(k => !readme.Contains($"`{k.Path}`")).Select(k => k.Path).ToList();
        Assert.Empty(missing);
    }
}
