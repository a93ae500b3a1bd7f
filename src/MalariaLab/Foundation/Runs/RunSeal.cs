using MalariaLab.Foundation.Common;

namespace MalariaLab.Foundation.Runs;

/// <summary>A published run's seal: every file listed with its SHA-256 in the manifest, files read-only, and the
/// experiment's latest pointer. Verify is what every reader of a published run calls first.</summary>
public static class RunSeal
{
    /// <summary>The manifest's own seal, in `sha256sum` format: `sha256sum -c manifest.sha256` checks it by hand.</summary>
    public const string ManifestSeal = "manifest.sha256";

    /// <summary>Writes the sealed manifest: its seal first, then the manifest. A kill between the two leaves the old
    /// manifest (not yet "published"), so publishing again completes it; nothing ever re-seals an existing manifest.</summary>
    public static void WriteSealed(RunFolder run, RunManifest manifest)
    {
        string text = manifest.ToText();
        AtomicFile.WriteAllText(run.File(ManifestSeal), $"{Hashing.Sha256Hex(text)}  {RunManifest.FileName}\n");
        AtomicFile.WriteAllText(run.File(RunManifest.FileName), text);
    }

    /// <summary>Checks a published run: the manifest against its seal, then every file against the manifest; names
    /// the first file that differs.</summary>
    public static void Verify(RunFolder run, RunManifest manifest)
    {
        if (manifest.Status != RunStatus.Published)
            throw new MalariaLabException($"{run.Path}: run status is '{manifest.Status}', expected 'published'");
        string seal = run.File(ManifestSeal);
        if (!File.Exists(seal))
            throw new MalariaLabException($"{run.Path}: {ManifestSeal} is missing (published by an older version, or removed); the manifest cannot be trusted");
        string sealedSha = File.ReadAllText(seal).Split(' ', 2)[0].Trim();
        string manifestSha = Hashing.Sha256OfFile(run.File(RunManifest.FileName));
        if (manifestSha != sealedSha)
            throw new MalariaLabException($"{run.Path}: {RunManifest.FileName} has SHA-256 {manifestSha}, {ManifestSeal} says {sealedSha} (edited?)");
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
        string pointer = Path.Combine(Path.GetDirectoryName(run.Path)!, LatestPointer.Name);
        string? current = LatestPointer.Read(pointer);
        if (current is null || string.CompareOrdinal(current, run.Id) < 0) LatestPointer.Write(pointer, run.Id);
    }
}
