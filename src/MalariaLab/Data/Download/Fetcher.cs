using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using MalariaLab.Foundation.Common;

namespace MalariaLab.Data.Download;

/// <summary>Fetches a file into the content cache: from the cache itself (no request), a mirror folder,
/// a local path or file:// URL, or http(s) with resume. Every result is SHA-256 verified when a hash is
/// pinned; a mismatch deletes the temp file and names expected and actual.</summary>
public sealed class Fetcher(ContentCache cache, ILog log, string? mirror = null, HttpSettings? settings = null)
{
    readonly HttpSettings _settings = settings ?? new HttpSettings();
    HttpClient? _client;
    // No overall timeout (353 MB on a slow link may take an hour): the connect and idle-read limits bound each wait.
    HttpClient Http => _client ??= new HttpClient(new SocketsHttpHandler { ConnectTimeout = _settings.ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan };

    public FetchResult Fetch(FetchRequest request, CancellationToken cancel = default)
    {
        string? expected = request.ExpectedSha256?.ToLowerInvariant();
        if (expected is not null && cache.TryGet(expected, request.FileName, out var cached))
        {
            log.Info($"{request.FileName}: in cache ({cached}), no request made");
            return new FetchResult(cached, expected, new FileInfo(cached).Length, "cache");
        }
        if (expected is not null && mirror is not null && FindInMirror(request.FileName, expected) is { } mirrored)
        {
            log.Info($"{request.FileName}: using mirror copy {mirrored}");
            return CopyLocal(mirrored, request, expected, "mirror " + mirrored);
        }
        if (TryLocalPath(request.Source) is { } local)
            return CopyLocal(local, request, expected, "local " + local);
        if (Uri.TryCreate(request.Source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return DownloadWithRetries(uri, request, expected, cancel);
        throw new MalariaLabException($"{request.Source}: not found (expected an existing file, a file:// URL or an http(s) URL)");
    }

    /// <summary>A local path for plain paths and file:// URLs; null for other URLs.</summary>
    public static string? TryLocalPath(string source)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.IsFile) return uri.LocalPath;
        if (source.Contains("://")) return null;
        return Path.GetFullPath(source);
    }

    string? FindInMirror(string fileName, string expected)
    {
        if (!Directory.Exists(mirror))
            throw new MalariaLabException($"--mirror={mirror}: folder not found");
        // Never through a link to a folder: a mirror holding a link to / would otherwise be walked into /proc.
        // (A file that is a link is still taken: its SHA-256 decides.)
        var candidates = new[] { mirror }.Concat(Directory.EnumerateDirectories(mirror, "*", FolderLinks.NoLinks))
            .Select(dir => Path.Combine(dir, fileName)).Where(p => FileKinds.Of(p) == FileKind.Regular);
        foreach (var candidate in candidates.Order(StringComparer.Ordinal))
        {
            string actual = Hashing.Sha256OfFile(candidate);
            if (actual == expected) return candidate;
            log.Warn($"mirror file {candidate} has SHA-256 {actual}, expected {expected}; not used");
        }
        return null;
    }

    FetchResult CopyLocal(string path, FetchRequest request, string? expected, string origin)
    {
        if (!File.Exists(path))
            throw new MalariaLabException($"{path}: file not found ({request.FileName})");
        string temp = AtomicFile.TempPathFor(Path.Combine(cache.PartialFolder, request.FileName));
        try
        {
            long size = new FileInfo(path).Length;
            string actual;
            using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                actual = CopyHashing(source, target, new ProgressMeter(log, $"copy {request.FileName}", size), 0, CancellationToken.None);
            Verify(request, expected, actual);
            return new FetchResult(cache.Adopt(temp, actual, request.FileName), actual, size, origin);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A dropped connection, a refused or slow connect, or a server that goes quiet is retried (resuming
    /// from the partial file); after the last attempt the error names the URL.</summary>
    FetchResult DownloadWithRetries(Uri uri, FetchRequest request, string? expected, CancellationToken cancel)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return DownloadHttp(uri, request, expected, cancel);
            }
            catch (TransientDownloadError e) when (attempt < _settings.Attempts)
            {
                log.Warn($"{uri}: {e.Message}; attempt {attempt + 1} of {_settings.Attempts} in {attempt} s (resumes from the partial file)");
                Thread.Sleep(TimeSpan.FromSeconds(attempt));
            }
            catch (TransientDownloadError e)
            {
                throw new MalariaLabException($"{uri}: {e.Message} ({attempt} attempt{(attempt == 1 ? "" : "s")}); run again to resume", e);
            }
        }
    }

    sealed class TransientDownloadError(string message, Exception? inner = null) : Exception(message, inner);

    FetchResult DownloadHttp(Uri uri, FetchRequest request, string? expected, CancellationToken cancel)
    {
        // The partial file is keyed by URL so an interrupted download resumes on the next run.
        Directory.CreateDirectory(cache.PartialFolder);
        string partial = Path.Combine(cache.PartialFolder, Hashing.Sha256Hex(uri.AbsoluteUri)[..16] + "-" + request.FileName + ".part");
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        if (have > 0) message.Headers.Range = new RangeHeaderValue(have, null);
        HttpResponseMessage response;
        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            waiting.CancelAfter(_settings.ReadTimeout);
            try
            {
                response = Http.Send(message, HttpCompletionOption.ResponseHeadersRead, waiting.Token);
            }
            catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
            {
                throw new TransientDownloadError(e.InnerException is TimeoutException
                    ? $"no connection within {_settings.ConnectTimeout.TotalSeconds:F0} s"
                    : $"no answer within {_settings.ReadTimeout.TotalSeconds:F0} s", e);
            }
            catch (HttpRequestException e)
            {
                throw new TransientDownloadError($"request failed: {e.Message}", e);
            }
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                File.Delete(partial); // the partial file is not a prefix the server recognises: start over
                return DownloadHttp(uri, request, expected, cancel);
            }
            if (!response.IsSuccessStatusCode)
                throw new MalariaLabException($"{uri}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}; nothing was cached");
            bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
            if (!resumed) have = 0;
            else log.Info($"{request.FileName}: resuming at {ProgressMeter.Bytes(have)}");
            long? total = response.Content.Headers.ContentLength is { } length ? length + have : null;
            using (var body = response.Content.ReadAsStream(cancel))
            using (var target = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write))
            {
                try
                {
                    CopyHashing(body, target, new ProgressMeter(log, $"download {request.FileName}", total, alreadyDone: have), have, cancel, _settings.ReadTimeout);
                }
                catch (IOException e)
                {
                    throw new TransientDownloadError($"connection lost after {ProgressMeter.Bytes(target.Length)} ({e.Message})", e);
                }
                catch (OperationCanceledException e) when (!cancel.IsCancellationRequested)
                {
                    throw new TransientDownloadError($"no data for {_settings.ReadTimeout.TotalSeconds:F0} s after {ProgressMeter.Bytes(target.Length)}", e);
                }
            }
            if (total is { } expectedLength && new FileInfo(partial).Length != expectedLength)
                throw new TransientDownloadError($"got {new FileInfo(partial).Length} bytes, expected {expectedLength}");
        }
        string actual = Hashing.Sha256OfFile(partial);
        try
        {
            Verify(request, expected, actual);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
        long size = new FileInfo(partial).Length;
        return new FetchResult(cache.Adopt(partial, actual, request.FileName), actual, size, uri.AbsoluteUri);
    }

    static void Verify(FetchRequest request, string? expected, string actual)
    {
        if (expected is not null && actual != expected)
            throw new MalariaLabException($"{request.Source}: SHA-256 mismatch for {request.FileName}: expected {expected}, actual {actual}; the file was not cached");
    }

    /// <summary>Copies while hashing; with an idle timeout, each read must bring data within it.</summary>
    static string CopyHashing(Stream source, Stream target, ProgressMeter progress, long already, CancellationToken cancel, TimeSpan? idle = null)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var buffer = new byte[1 << 20];
        long done = already;
        int read;
        int Read()
        {
            if (idle is null) return source.Read(buffer);
            quiet.CancelAfter(idle.Value);
            return source.ReadAsync(buffer, quiet.Token).AsTask().GetAwaiter().GetResult();
        }
        while ((read = Read()) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            target.Write(buffer, 0, read);
            sha.AppendData(buffer, 0, read);
            done += read;
            progress.Report(done);
        }
        (target as FileStream)?.Flush(flushToDisk: true);
        progress.Finish(done);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
