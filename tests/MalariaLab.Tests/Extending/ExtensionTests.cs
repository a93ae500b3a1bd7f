using MalariaLab.Foundation.Common;
using MalariaLab.Scoring.Figures;
using MalariaLab.Modelling.Models;
using MalariaLab.Workflows.Pipeline;
using MalariaLab.Foundation.Runs;
using MalariaLab.Foundation.Specs;
using MalariaLab.Tests.Support;

namespace MalariaLab.Tests.Extending;

/// <summary>Adding a model and a figure is one file each plus one registration line; the spec schema accepts the
/// new name, Train builds the model, Evaluate draws the figure and the report shows it.</summary>
[Collection(LibTorchCollection.Name)]
public class ExtensionTests
{
    static readonly object Registration = new();

    static void RegisterOnce()
    {
        lock (Registration)
        {
            if (!ModelRegistry.Names.Contains(ToyModel.Entry.Name)) ModelRegistry.Register(ToyModel.Entry);
            if (FigureRegistry.All.All(f => f.FileName != ToyFigure.Definition.FileName)) FigureRegistry.Register(ToyFigure.Definition);
        }
    }

    [Fact]
    public void A_registered_toy_model_and_figure_train_evaluate_and_show_in_the_report()
    {
        RegisterOnce();
        using var tiny = new TinyExperiment();
        var options = tiny.Options("model.arch=toy-linear");
        var spec = tiny.Spec(options);
        Assert.Equal("toy-linear", spec.Model.Arch);

        var run = new Orchestrator(spec, options, new CapturingLog()).TrainEvaluatePublish();

        Assert.Equal(RunStatus.Published, RunManifest.Read(run.Path).Status);
        Assert.True(File.Exists(run.File("plots/toy_scores.png")));
        Assert.True(File.Exists(run.File("plots/roc.png")));
        Assert.False(File.Exists(run.File("plots/filters.png"))); // the toy model has no first convolution to show
        string report = File.ReadAllText(run.File("report.md"));
        Assert.Contains("Toy: one grey tile per scored image:", report);
        Assert.Contains("![toy_scores](plots/toy_scores.png)", report);
    }

    [Fact]
    public void Registered_names_are_the_spec_schema_choices_and_unknown_ones_are_refused()
    {
        RegisterOnce();
        var arch = SpecSchema.Find("model.arch")!;
        Assert.Equal(ModelRegistry.Names, arch.AllowedChoices);
        Assert.Contains("toy-linear", SpecTable.Markdown());
        var e = Assert.Throws<SpecException>(() => SpecLoader.Parse("name: a\nseed: 1\nmodel: {arch: toy-lineer}\n", "a.yaml"));
        Assert.Equal("a.yaml:3:15: 'model.arch': expected one of: " + string.Join(" | ", ModelRegistry.Names) + ", found 'toy-lineer'", e.Message);
        Assert.Equal(MalariaLab.Data.Splitting.SplitStrategyRegistry.All.Select(s => s.Name), SpecSchema.Find("split.strategy")!.AllowedChoices);
    }

    [Fact]
    public void Registering_a_name_twice_is_refused()
    {
        RegisterOnce();
        Assert.Throws<InvalidOperationException>(() => ModelRegistry.Register(ToyModel.Entry));
        Assert.Throws<InvalidOperationException>(() => FigureRegistry.Register(ToyFigure.Definition));
    }
}
