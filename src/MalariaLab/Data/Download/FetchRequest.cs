namespace MalariaLab.Data.Download;

/// <summary>What to fetch: a URL (http, https, file) or local path, the file name it is known by (used
/// for the mirror search and the cache entry), and the SHA-256 it must have (null: accept any).</summary>
public sealed record FetchRequest(string Source, string FileName, string? ExpectedSha256);

/// <summary>A verified file in the content-addressed cache and how it got there.</summary>
public sealed record FetchResult(string Path, string Sha256, long Size, string Origin);
