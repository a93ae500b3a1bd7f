using MalariaLab.Data.Indexing;
using MalariaLab.Modelling.Models;
using MalariaLab.Data.Prepare;
using MalariaLab.Data.Splitting;
using MalariaLab.Modelling.Training;
using static TorchSharp.torch;

namespace MalariaLab.Workflows.Ensembles;

/// <summary>Each member's P(Parasitized) for the scored images (its own weights, thread count and test-time
/// augmentation) and their mean, the ensemble's probability.</summary>
public static class EnsembleScorer
{
    public sealed record Scores(double[] Mean, double[][] PerMember);

    /// <summary><paramref name="scored"/>: the images to score (any subset name), rows of <paramref name="index"/>.</summary>
    public static Scores Score(IReadOnlyList<MemberRun> members, PreparedImages prepared, IReadOnlyList<IndexRow> index, IReadOnlyList<SplitRow> scored)
    {
        var asTest = scored.Select(r => r with { Subset = Subsets.Test }).ToList();
        using var tensors = new TrainingData(prepared, index, asTest, members[0].Spec.Preprocess.Scale);
        var perMember = new double[members.Count][];
        for (int m = 0; m < members.Count; m++)
        {
            var member = members[m];
            Foundation.Native.TorchSetup.Threads(member.Manifest.Threads);
            using var model = ModelRegistry.Create(member.Spec.Model, member.Spec.Preprocess.Size);
            WeightsFile.Load(model, member.Folder.File(member.Weights));
            perMember[m] = [.. Evaluator.Probabilities(model, tensors, tensors.Test, member.Spec.Evaluate.Tta).Select(p => (double)p)];
        }
        return new Scores(Mean(perMember), perMember);
    }

    /// <summary>The mean over members, summed in member order (the same order every time: bit-for-bit repeatable).</summary>
    public static double[] Mean(IReadOnlyList<double[]> perMember)
    {
        var mean = new double[perMember[0].Length];
        for (int i = 0; i < mean.Length; i++)
        {
            double sum = 0;
            foreach (var p in perMember) sum += p[i];
            mean[i] = sum / perMember.Count;
        }
        return mean;
    }
}
