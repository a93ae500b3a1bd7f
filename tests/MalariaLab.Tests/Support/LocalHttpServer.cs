using System.Net;
using System.Net.Sockets;

namespace MalariaLab.Tests.Support;

/// <summary>A tiny HTTP server on 127.0.0.1 serving one payload, with Range support and scripted faults:
/// a status code to return, or a connection cut after N bytes (once).</summary>
public sealed class LocalHttpServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly byte[] _payload;
    public int Requests;
    public List<string?> RangeHeaders { get; } = [];
    public int? FailWithStatus { get; set; }
    public long? CutAfterBytes { get; set; }
    public bool SupportRanges { get; set; } = true;
    /// <summary>Sends the body in 64 KiB pieces with this pause between them (a slow server).</summary>
    public TimeSpan Throttle { get; set; } = TimeSpan.Zero;
    public string Url { get; }

    public LocalHttpServer(byte[] payload)
    {
        _payload = payload;
        int port = FreePort();
        Url = $"http://127.0.0.1:{port}/cell_images.zip";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(Serve);
    }

    static int FreePort()
    {
        var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        int port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            Interlocked.Increment(ref Requests);
            try { Handle(context); }
            catch (Exception) { /* the client went away */ }
        }
    }

    void Handle(HttpListenerContext context)
    {
        var response = context.Response;
        string? range = context.Request.Headers["Range"];
        lock (RangeHeaders) RangeHeaders.Add(range);
        if (FailWithStatus is { } status)
        {
            response.StatusCode = status;
            response.Close();
            return;
        }
        long start = 0;
        if (SupportRanges && range is not null && range.StartsWith("bytes="))
        {
            start = long.Parse(range[6..].TrimEnd('-'));
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{_payload.Length - 1}/{_payload.Length}");
        }
        response.ContentLength64 = _payload.Length - start;
        if (CutAfterBytes is { } cut)
        {
            CutAfterBytes = null;
            response.OutputStream.Write(_payload, (int)start, (int)Math.Min(cut, _payload.Length - start));
            response.OutputStream.Flush();
            response.Abort(); // drop the connection mid-body
            return;
        }
        for (long at = start; at < _payload.Length; at += 65536)
        {
            response.OutputStream.Write(_payload, (int)at, (int)Math.Min(65536, _payload.Length - at));
            if (Throttle > TimeSpan.Zero) { response.OutputStream.Flush(); Thread.Sleep(Throttle); }
        }
        response.Close();
    }

    public void Dispose() => _listener.Close();
}
