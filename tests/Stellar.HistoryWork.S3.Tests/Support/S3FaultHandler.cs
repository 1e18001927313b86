using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;

namespace Stellar.HistoryWork.S3.Tests.Support;

/// <summary>What <see cref="S3FaultHandler"/> does to a matching request.</summary>
internal enum S3Fault
{
    /// <summary>503 with the S3 error code SlowDown.</summary>
    SlowDown,

    /// <summary>500 InternalError.</summary>
    InternalError,

    /// <summary>The connection is reset before a response.</summary>
    Reset,

    /// <summary>The response starts, then the connection is reset after a few body bytes.</summary>
    ResetMidBody,

    /// <summary>412 PreconditionFailed (a conditional write refused).</summary>
    PreconditionFailed,

    /// <summary>403 AccessDenied.</summary>
    AccessDenied,

    /// <summary>The request waits until it is cancelled.</summary>
    Hang,
}

/// <summary>One request as the server was asked it: method, path and query, and the headers that matter here.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, string? CacheControl, string? IfMatch, string? IfNoneMatch, bool HasContentMd5, string? ContentEncoding);

/// <summary>
/// The SDK's <see cref="HttpClientFactory"/> seam with a delegating handler in front of the real socket handler:
/// records every request and injects faults into the ones a rule matches, a given number of times.
/// </summary>
internal sealed class S3FaultHandler : HttpClientFactory
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly List<Rule> _rules = [];

    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>Signalled when a <see cref="S3Fault.Hang"/> request arrives.</summary>
    public TaskCompletionSource Hung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Injects <paramref name="fault"/> into the next <paramref name="times"/> requests that match.</summary>
    public S3FaultHandler Add(S3Fault fault, Func<HttpRequestMessage, bool> match, int times = 1)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(fault, match, times));
        }

        return this;
    }

    public int Count(string method, string pathContains) =>
        _requests.Count(r => r.Method == method && r.PathAndQuery.Contains(pathContains, StringComparison.Ordinal));

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new Handler(this, new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })) { Timeout = TimeSpan.FromSeconds(100) };

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    private S3Fault? Take(HttpRequestMessage request)
    {
        lock (_rules)
        {
            foreach (var rule in _rules)
            {
                if (rule.Remaining > 0 && rule.Match(request))
                {
                    rule.Remaining--;
                    return rule.Fault;
                }
            }
        }

        return null;
    }

    private sealed class Rule(S3Fault fault, Func<HttpRequestMessage, bool> match, int times)
    {
        public S3Fault Fault => fault;

        public Func<HttpRequestMessage, bool> Match => match;

        public int Remaining { get; set; } = times;
    }

    private sealed class Handler(S3FaultHandler owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            owner._requests.Enqueue(new RecordedRequest(
                request.Method.Method,
                request.RequestUri!.PathAndQuery,
                request.Headers.CacheControl?.ToString() ?? Header(request, "Cache-Control"),
                Header(request, "If-Match"),
                Header(request, "If-None-Match"),
                request.Content?.Headers.ContentMD5 is not null || Header(request, "Content-MD5") is not null,
                request.Content?.Headers.ContentEncoding.FirstOrDefault()));
            switch (owner.Take(request))
            {
                case S3Fault.SlowDown:
                    return Error(request, HttpStatusCode.ServiceUnavailable, "SlowDown", "Please reduce your request rate.");
                case S3Fault.InternalError:
                    return Error(request, HttpStatusCode.InternalServerError, "InternalError", "We encountered an internal error. Please try again.");
                case S3Fault.PreconditionFailed:
                    return Error(request, HttpStatusCode.PreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
                case S3Fault.AccessDenied:
                    return Error(request, HttpStatusCode.Forbidden, "AccessDenied", "Access Denied");
                case S3Fault.Reset:
                    throw new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset)));
                case S3Fault.Hang:
                    owner.Hung.TrySetResult();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    throw new InvalidOperationException("unreachable");
                case S3Fault.ResetMidBody:
                    var response = await base.SendAsync(request, cancellationToken);
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    var truncated = new StreamContent(new ResettingStream(body.AsMemory(0, Math.Min(body.Length, 100)).ToArray()));
                    foreach (var header in response.Content.Headers)
                    {
                        truncated.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }

                    response.Content = truncated;
                    return response;
                default:
                    return await base.SendAsync(request, cancellationToken);
            }
        }

        private static string? Header(HttpRequestMessage request, string name) =>
            request.Headers.TryGetValues(name, out var values) || (request.Content?.Headers.TryGetValues(name, out values) ?? false)
                ? string.Join(",", values!)
                : null;

        private static HttpResponseMessage Error(HttpRequestMessage request, HttpStatusCode status, string code, string message) => new(status)
        {
            RequestMessage = request,
            Content = new StringContent(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>fault</RequestId></Error>",
                Encoding.UTF8,
                "application/xml"),
        };
    }

    /// <summary>Gives its bytes, then fails as a reset connection would.</summary>
    private sealed class ResettingStream(byte[] head) : MemoryStream(head)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset));
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            return read > 0 ? read : throw new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset));
        }
    }
}
