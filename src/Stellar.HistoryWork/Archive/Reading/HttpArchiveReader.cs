using System.Net;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// Reads an archive over HTTP(S). Responses stream (headers first, body on demand); a body that
/// stalls or ends short fails with <see cref="ArchiveTransientException"/>. An injected
/// <see cref="HttpClient"/> must not decompress (archives serve <c>.gz</c> files as bytes).
/// </summary>
public sealed class HttpArchiveReader : IArchiveReader, IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly HttpArchiveReaderOptions _options;
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;

    /// <param name="baseUri">The archive root (a trailing '/' is added when missing).</param>
    /// <param name="httpClient">A shared client, or null for one with a connect timeout and no overall timeout.</param>
    /// <param name="options">Timeouts, name and clock; defaults when null.</param>
    public HttpArchiveReader(Uri baseUri, HttpClient? httpClient = null, HttpArchiveReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{baseUri}' is not an absolute http(s) URI.", nameof(baseUri));
        }

        _options = options ?? new HttpArchiveReaderOptions();
        _options.Validate();
        BaseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        Name = _options.Name ?? ArchiveNames.ForUri(BaseUri);
        _telemetry = HistoryWorkTelemetry.For(_options.MeterFactory).Archive;
        if (httpClient is null)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectTimeout = _options.ConnectTimeout,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
            _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsClient = true;
        }
        else
        {
            _client = httpClient;
        }
    }

    public Uri BaseUri { get; }

    public string Name { get; }

    /// <summary>The base URI.</summary>
    public string Location => BaseUri.AbsoluteUri;

    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ArchiveBodyStream(body, response, response.Content.Headers.ContentLength, _options.StallTimeout, _options.TimeProvider, Name, path, _telemetry);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && e is not ArchiveException)
        {
            response.Dispose();
            throw Failed(new ArchiveTransientException(Name, path, "could not start the body: " + e.Message, e));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Head, path, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ArchiveFileNotFoundException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    public override string ToString() => Location;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        ArchivePathGuard.Validate(path);
        using var request = new HttpRequestMessage(method, new Uri(BaseUri, path));
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.StallTimeout != Timeout.InfiniteTimeSpan)
        {
            using var timer = new CancellationTokenSource(_options.StallTimeout, _options.TimeProvider);
            using var link = timer.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), headers);
            return await SendCheckedAsync(request, path, headers.Token, cancellationToken).ConfigureAwait(false);
        }

        return await SendCheckedAsync(request, path, headers.Token, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, string path, CancellationToken token, CancellationToken callerToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!callerToken.IsCancellationRequested)
        {
            throw Failed(new ArchiveTransientException(Name, path, $"no response within {_options.StallTimeout.TotalSeconds:0.###} s", e));
        }
        catch (HttpRequestException e)
        {
            throw Failed(new ArchiveTransientException(Name, path, "request failed: " + e.Message, e));
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var detail = $"HTTP {status} {response.ReasonPhrase}";
            ArchiveException error = status switch
            {
                404 or 410 => new ArchiveFileNotFoundException(Name, path, detail),
                408 or 429 or >= 500 => new ArchiveTransientException(Name, path, detail, statusCode: status, retryAfter: RetryAfter(response)),
                _ => new ArchiveException(Name, path, detail),
            };
            throw Failed(error);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _options.TimeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private ArchiveException Failed(ArchiveException error)
    {
        _telemetry.Failed(Name, error);
        return error;
    }
}
