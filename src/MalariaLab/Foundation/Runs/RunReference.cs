using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

/// <summary>The one resolver for run references: a run folder, NAME or NAME/latest (that experiment's latest
/// published run), NAME/* (every published run of it, oldest first), latest (the current spec's experiment), or a run id
/// as the Runs and Compare tables print it (NAME/RUN-ID, or a bare RUN-ID when one experiment has it).</summary>
public static class RunReference
{
    public static IReadOnlyList<RunFolder> Resolve(string reference, string runsRoot, string currentExperiment)
    {
        if (reference.Length == 0) throw new MalariaLabException("run reference is empty; expected a run folder, NAME, NAME/latest, NAME/* or latest");
        if (Directory.Exists(reference) && File.Exists(Path.Combine(reference, RunManifest.FileName))) return [RunFolder.Open(reference)];
        if (reference.EndsWith("/*", StringComparison.Ordinal)) return AllPublished(reference[..^2], runsRoot);
        string experiment = reference switch
        {
            "latest" => currentExperiment,
            _ when reference.EndsWith("/latest", StringComparison.Ordinal) => reference[..^"/latest".Length],
            _ => reference.Split('/')[0],
        };
        CheckName(reference, experiment);
        // A run id copied from a table, NAME/RUN-ID, names that run (never the experiment's latest).
        if (reference.Split('/') is [var name, var runId] && name.Length > 0 && runId.Length > 0 && runId != "latest")
        {
            CheckName(reference, runId);
            string folder = Path.Combine(runsRoot, name, runId);
            if (File.Exists(Path.Combine(folder, RunManifest.FileName))) return [RunFolder.Open(folder)];
            throw new MalariaLabException($"{reference}: no run {runId} of experiment '{name}' under {runsRoot}");
        }
        string pointer = Path.Combine(runsRoot, experiment, LatestPointer.Name);
        if (LatestPointer.Read(pointer) is { } id)
        {
            CheckName(pointer, id);
            return [RunFolder.Open(Path.Combine(runsRoot, experiment, id))];
        }
        // The bare RUN-ID of any experiment.
        if (Directory.Exists(runsRoot) && !reference.Contains('/'))
        {
            var byId = FolderLinks.Subfolders(runsRoot).Select(e => Path.Combine(e, reference)).Where(f => File.Exists(Path.Combine(f, RunManifest.FileName))).ToList();
            if (byId.Count == 1) return [RunFolder.Open(byId[0])];
            if (byId.Count > 1) throw new MalariaLabException($"{reference}: run id of {byId.Count} experiments ({string.Join(", ", byId.Select(f => Path.GetFileName(Path.GetDirectoryName(f))))}); write NAME/{reference}");
        }
        throw new MalariaLabException($"{reference}: not a run folder, and no published run of experiment '{experiment}' under {runsRoot}");
    }

    /// <summary>Exactly one run (Predict, Evaluate, Reproduce); NAME/* is refused there.</summary>
    public static RunFolder ResolveOne(string reference, string runsRoot, string currentExperiment)
    {
        var runs = Resolve(reference, runsRoot, currentExperiment);
        if (runs.Count != 1) throw new MalariaLabException($"{reference}: names {runs.Count} runs; this command takes one (a folder, NAME or latest)");
        return runs[0];
    }

    static List<RunFolder> AllPublished(string experiment, string runsRoot)
    {
        CheckName(experiment + "/*", experiment);
        string folder = Path.Combine(runsRoot, experiment);
        if (!Directory.Exists(folder)) throw new MalariaLabException($"{experiment}/*: no runs of experiment '{experiment}' under {runsRoot}");
        var runs = Foundation.Common.FolderLinks.Subfolders(folder).Order(StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(d, RunManifest.FileName)) && RunManifest.Read(d).Status == RunStatus.Published)
            .Select(RunFolder.Open).ToList();
        if (runs.Count == 0) throw new MalariaLabException($"{experiment}/*: no published runs under {folder}");
        return runs;
    }

    /// <summary>Experiment names and run ids are single path segments: a reference never walks out of the runs folder.</summary>
    static void CheckName(string reference, string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
            throw new MalariaLabException($"{reference}: '{name}' is not an experiment name or run id");
    }
}
