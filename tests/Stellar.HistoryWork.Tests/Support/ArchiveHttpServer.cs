using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Tests.Support;

/// <summary>What a faulty response does.</summary>
internal enum HttpFaultKind
{
    /// <summary>Answer with a status code (and Retry-After when given), no body.</summary>
    Status,

    /// <summary>Send half the body, then reset the connection.</summary>
    ResetMidBody,

    /// <summary>Announce the full Content-Length, send half the body, end the response.</summary>
    TruncatedBody,

    /// <summary>Send the whole body with one byte flipped in the middle.</summary>
    CorruptBody,

    /// <summary>Send half the body, then go silent until the client gives up.</summary>
    StallMidBody,

    /// <summary>Send no headers at all until the client gives up.</summary>
    StallBeforeHeaders,
}

/// <summary>One injected fault; <see cref="Times"/> responses get it, then the path behaves again.</summary>
internal sealed record HttpFault(HttpFaultKind Kind, int Times = 1, int StatusCode = 0, TimeSpan? RetryAfter = null)
{
    public static HttpFault Status(int statusCode, int times = 1, TimeSpan? retryAfter = null) => new(HttpFaultKind.Status, times, statusCode, retryAfter);

    public static HttpFault NotFound(int times = int.MaxValue) => Status(404, times);

    public static HttpFault Reset(int times = 1) => new(HttpFaultKind.ResetMidBody, times);

    public static HttpFault Truncated(int times = 1) => new(HttpFaultKind.TruncatedBody, times);

    public static HttpFault Corrupt(int times = 1) => new(HttpFaultKind.CorruptBody, times);

    public static HttpFault Stall(int times = 1) => new(HttpFaultKind.StallMidBody, times);

    public static HttpFault StallHeaders(int times = 1) => new(HttpFaultKind.StallBeforeHeaders, times);
}

/// <summary>
/// A loopback Kestrel server (127.0.0.1, a free port) serving an archive directory, with faults
/// injected per path, and a count of requests per path so tests can see retries and failover.
/// </summary>
internal sealed class ArchiveHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FaultSlot>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);

    private ArchiveHttpServer(WebApplication app, string root)
    {
        _app = app;
        _root = Path.GetFullPath(root);
    }

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<ArchiveHttpServer> StartAsync(string root)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ArchiveHttpServer(app, root);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Queues a fault for <paramref name="path"/>; faults apply in the order added.</summary>
    public void AddFault(string path, HttpFault fault) =>
        _faults.GetOrAdd(path, _ => new ConcurrentQueue<FaultSlot>()).Enqueue(new FaultSlot(fault));

    /// <summary>How many requests (GET or HEAD) reached <paramref name="path"/>.</summary>
    public int RequestCount(string path) => _requests.TryGetValue(path, out var count) ? count : 0;

    public int TotalRequests => _requests.Values.Sum();

    /// <summary>A snapshot of the requests so far: path → how many.</summary>
    public IReadOnlyDictionary<string, int> Requests => new Dictionary<string, int>(_requests, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = (context.Request.Path.Value ?? "/").TrimStart('/');
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        var fault = TakeFault(path);
        var aborted = context.RequestAborted;

        if (fault?.Kind == HttpFaultKind.Status)
        {
            context.Response.StatusCode = fault.StatusCode;
            if (fault.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return;
        }

        if (fault?.Kind == HttpFaultKind.StallBeforeHeaders)
        {
            await WaitForAbortAsync(aborted);
            return;
        }

        var file = Path.GetFullPath(Path.Combine(_root, path));
        if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var bytes = await File.ReadAllBytesAsync(file, aborted);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = bytes.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var half = bytes.Length / 2;
        switch (fault?.Kind)
        {
            case HttpFaultKind.ResetMidBody:
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, half), aborted);
                await context.Response.Body.FlushAsync(aborted);
                context.Abort();
                return;
            case HttpFaultKind.TruncatedBody:
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, half), aborted);
                await context.Response.Body.FlushAsync(aborted);
                return;
            case HttpFaultKind.StallMidBody:
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, half), aborted);
                await context.Response.Body.FlushAsync(aborted);
                await WaitForAbortAsync(aborted);
                return;
            case HttpFaultKind.CorruptBody:
                bytes[half] ^= 0xFF;
                break;
        }

        await context.Response.Body.WriteAsync(bytes, aborted);
    }

    private HttpFault? TakeFault(string path)
    {
        if (!_faults.TryGetValue(path, out var queue))
        {
            return null;
        }

        while (queue.TryPeek(out var slot))
        {
            if (slot.TryUse())
            {
                return slot.Fault;
            }

            queue.TryDequeue(out _);
        }

        return null;
    }

    private static async Task WaitForAbortAsync(CancellationToken aborted)
    {
        try
        {
            // Bounded so a broken test cannot hang the run; clients give up long before.
            await Task.Delay(TimeSpan.FromMinutes(2), aborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class FaultSlot(HttpFault fault)
    {
        private int _remaining = fault.Times;

        public HttpFault Fault { get; } = fault;

        public bool TryUse()
        {
            while (true)
            {
                var remaining = Volatile.Read(ref _remaining);
                if (remaining <= 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
                {
                    return true;
                }
            }
        }
    }
}
