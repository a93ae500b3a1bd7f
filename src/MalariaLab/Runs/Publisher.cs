using System.Text.Json;
using MalariaLab.Common;
using MalariaLab.Evaluation;
using MalariaLab.Reporting;

namespace MalariaLab.Runs;

/// <summary>Publish: writes the report, then seals the run: the manifest lists every file with its SHA-256 and
/// the status "published", files become read-only, and runs/&lt;experiment&gt;/latest names the run. Publishing a
/// published run again changes nothing.</summary>
public static class Publisher
{
    public static void Publish(RunFolder run, ILog log)
    {
        var manifest = RunManifest.Read(run.Path);
        if (manifest.Status == RunStatus.Published)
        {
            Verify(run, manifest);
            Seal(run, manifest.Experiment); // completes a publish that was killed after the manifest was sealed
            log.Info($"publish: {run.Path} is already published; nothing changed");
            return;
        }
        if (manifest.Status != RunStatus.Complete || !File.Exists(run.File("metrics.json")))
            throw new MalariaLabException($"{run.Path}: only a complete, evaluated run can be published (status '{manifest.Status}')");
        var metrics = JsonSerializer.Deserialize<EvaluationMetrics>(File.ReadAllText(run.File("metrics.json")), RunManifest.Json)!;
        string markdown = ReportWriter.Markdown(run, manifest, metrics);
        AtomicFile.WriteAllText(run.File("report.md"), markdown);
        AtomicFile.WriteAllText(run.File("report.html"), ReportWriter.Html(markdown));
        var sealedManifest = manifest with { Status = RunStatus.Published, Files = run.HashFiles() };
        sealedManifest.Write(run.Path);
        Seal(run, manifest.Experiment);
        log.Info($"publish: sealed {sealedManifest.Files.Count} files in {run.Path}; runs/{manifest.Experiment}/latest → {run.Id}");
    }

    /// <summary>Makes the files read-only and moves the experiment's latest pointer to this run unless it already
    /// names a newer one (ids sort by time). Safe to repeat.</summary>
    static void Seal(RunFolder run, string experiment)
    {
        foreach (var file in Directory.EnumerateFiles(run.Path, "*", SearchOption.AllDirectories))
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string pointer = Path.Combine(Path.GetDirectoryName(run.Path)!, "latest");
        string? current = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : null;
        if (current is null || string.CompareOrdinal(current, run.Id) < 0) AtomicFile.WriteAllText(pointer, run.Id + "\n");
    }

    /// <summary>Checks a published run against its manifest; names the first file that differs.</summary>
    public static void Verify(RunFolder run, RunManifest manifest)
    {
        if (manifest.Status != RunStatus.Published)
            throw new MalariaLabException($"{run.Path}: run status is '{manifest.Status}', expected 'published'");
        var actual = run.HashFiles();
        foreach (var (file, sha) in manifest.Files)
        {
            if (!actual.TryGetValue(file, out var now))
                throw new MalariaLabException($"{run.Path}: {file} is listed in the manifest but missing (tampered?)");
            if (now != sha)
                throw new MalariaLabException($"{run.Path}: {file} has SHA-256 {now}, the manifest says {sha} (tampered?)");
        }
        var extra = actual.Keys.Except(manifest.Files.Keys).FirstOrDefault();
        if (extra is not null) throw new MalariaLabException($"{run.Path}: {extra} is not in the manifest (added after publishing?)");
    }

    /// <summary>A run folder, "latest", or an experiment name → the run folder path.</summary>
    public static RunFolder Resolve(string reference, string runsRoot, string defaultExperiment)
    {
        if (Directory.Exists(reference) && File.Exists(Path.Combine(reference, RunManifest.FileName))) return RunFolder.Open(reference);
        string experiment = reference == "latest" ? defaultExperiment : reference;
        string pointer = Path.Combine(runsRoot, experiment, "latest");
        if (File.Exists(pointer)) return RunFolder.Open(Path.Combine(runsRoot, experiment, File.ReadAllText(pointer).Trim()));
        throw new MalariaLabException($"{reference}: not a run folder, and no published run of experiment '{experiment}' under {runsRoot}");
    }
}
