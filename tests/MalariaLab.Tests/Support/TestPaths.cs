namespace MalariaLab.Tests.Support;

/// <summary>Locates the repository and the read-only shared data beside it (../shared/data).</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedData =>
        Environment.GetEnvironmentVariable("MALARIALAB_SHARED_DATA") ?? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    public static string SampleZip => Path.Combine(SharedData, "nih-cell-images-sample.zip");

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "MalariaLab.Cli.dll");

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MalariaLab.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MalariaLab.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
public class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "malarialab-tests", Guid.NewGuid().ToString("N"));
    public TempFolder() => Directory.CreateDirectory(Path);
    public string File(string relative) => System.IO.Path.Combine(Path, relative);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
