using MalariaLab.Common;

namespace MalariaLab.Runs;

/// <summary>A published run's seal: every file listed with its SHA-256 in the manifest, files read-only, and the
/// experiment's latest pointer. Verify is what every reader of a published run calls first.</summary>
public static class RunSeal
{
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

    /// <summary>Makes the files read-only and moves the experiment's latest pointer to this run unless it already
    /// names a newer one (ids sort by time). Safe to repeat.</summary>
    public static void Seal(RunFolder run)
    {
        foreach (var file in Directory.EnumerateFiles(run.Path, "*", SearchOption.AllDirectories))
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string pointer = Path.Combine(Path.GetDirectoryName(run.Path)!, "latest");
        string? current = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : null;
        if (current is null || string.CompareOrdinal(current, run.Id) < 0) AtomicFile.WriteAllText(pointer, run.Id + "\n");
    }
}
