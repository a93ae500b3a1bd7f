using System.Globalization;
using MalariaLab.Foundation.Common;
using MalariaLab.Foundation.Specs;
using MalariaLab.RunCache;
using MalariaLab.Tests.Support;
using MalariaLab.Workflows.Pipeline;

namespace MalariaLab.Tests.Workflows.Pipeline;

/// <summary>A stage's cache key holds exactly the spec keys it reads. Each stage runs on fixed upstream outputs, once per
/// spec key with that key alone changed to another valid value: a key it does not declare must leave its output
/// unchanged (else a change to it would reuse a stale output), and every key or section it declares must change the
/// output for some key (else a change retrains for nothing). The output compared is what downstream consumes (train:
/// the weights).</summary>
[Collection(LibTorchCollection.Name)]
public class StageKeyTests
{
    /// <summary>Declared entries that decide where an output goes, not what it holds.</summary>
    static readonly Dictionary<(string Stage, string Entry), string> NotInTheOutput = new()
    {
        [("train", "name")] = "selects the experiment's run folder (runs/NAME/); the weights do not depend on it",
    };

    /// <summary>Another valid value for a key, or null when the key has none to offer here.</summary>
    static string? Another(SpecKey key, object? value) => key.Kind switch
    {
        ValueKind.Choice => key.AllowedChoices.FirstOrDefault(c => c != (string?)value),
        ValueKind.Boolean => value is true ? "false" : "true",
        ValueKind.Integer => ((long)value! + 1 <= (key.Max ?? double.MaxValue) ? (long)value! + 1 : (long)value! - 1).ToString(CultureInfo.InvariantCulture),
        ValueKind.Number => Number(key, (double)value!),
        ValueKind.Sha256 => value is null ? new string('a', 64) : null,
        ValueKind.Identifier => value + "2",
        _ => key.Path == "dataset.source" ? null : value + " changed",
    };

    static string Number(SpecKey key, double value)
    {
        double max = key.Max ?? value + 1, min = key.Min ?? value - 1;
        double other = value + 0.05 <= max ? value + 0.05 : (value + min) / 2;
        if (value is > 0 and < 0.01) other = value * 2;
        return other.ToString("R", CultureInfo.InvariantCulture);
    }

    static string Identity(StageDefinition stage, StageResult? result) =>
        result is null ? "none" : string.Join(";", result.Outputs.Where(o => stage.Name != "train" || o.Key.EndsWith(".bin", StringComparison.Ordinal))
            .OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value.Identity}"));

    [Theory]
    [InlineData("split")]
    [InlineData("prepare")]
    [InlineData("train")]
    public void A_stage_reads_exactly_the_keys_it_declares(string stageName)
    {
        using var tiny = new TinyExperiment();
        var options = tiny.Options("train.histograms=false");
        var spec = tiny.Spec(options);
        var stage = StageGraph.Get(stageName);
        var baseline = new Orchestrator(spec, options, new CapturingLog());
        baseline.Resolve(stageName);
        var before = new HashSet<string>();
        void Add(string name) { foreach (var u in StageGraph.Get(name).Upstream) if (before.Add(u)) Add(u); }
        Add(stageName);
        var upstream = StageGraph.Stages.Where(s => before.Contains(s.Name)).ToDictionary(s => s.Name, s => baseline.Lock(s.Name));

        int probe = 0;
        string RunOn(ExperimentSpec s)
        {
            var walk = new Orchestrator(s, options, new CapturingLog());
            walk.Seed(upstream);
            foreach (var (name, found) in upstream) StageGraph.Get(name).CheckReused?.Invoke(walk, found); // loads what they hold
            return Identity(stage, stage.Run(walk, Hashing.Sha256Hex($"probe{probe++}")));
        }

        string expected = RunOn(spec);
        var problems = new List<string>();
        var changedBy = new Dictionary<string, List<string>>();
        foreach (var key in SpecSchema.Keys)
        {
            if (Another(key, spec.Values[key.Path]) is not { } value) continue;
            ExperimentSpec mutated;
            try { mutated = SpecLoader.Override(spec, (key.Path, value)); }
            catch (SpecException) { continue; } // no other valid value alone (a rule between keys)
            string actual;
            try { actual = RunOn(mutated); }
            catch (MalariaLabException e) { actual = "error: " + e.Message; }
            catch (InvalidOperationException e) when (e.Message.Contains("not resolved")) { actual = "upstream no longer fits: " + e.Message; } // e.g. preprocess.size with the fixed prepared cache
            catch (Exception e) { problems.Add($"crashed with {key.Path} = {value}: {e.GetType().Name}: {e.Message}"); continue; }
            bool changed = actual != expected;
            bool declared = stage.Reads(key.Path);
            if (changed && !declared) problems.Add($"reads {key.Path} ({spec.Values[key.Path]} → {value} changed its output) but does not declare it");
            if (changed)
                foreach (var entry in stage.SpecKeys.Where(e => e.Covers(key.Path)).Select(e => e.Pattern))
                    (changedBy.TryGetValue(entry, out var list) ? list : changedBy[entry] = []).Add(key.Path);
        }
        foreach (var entry in stage.SpecKeys.Select(e => e.Pattern))
            if (!changedBy.ContainsKey(entry) && !NotInTheOutput.ContainsKey((stageName, entry)))
                problems.Add($"declares {entry} but no change to it changed its output");
        Assert.True(problems.Count == 0, $"stage {stageName}: " + string.Join("; ", problems));
    }
}
