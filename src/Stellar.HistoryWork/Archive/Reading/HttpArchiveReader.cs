using System.Net;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork;

/// <summary>
/// Reads an archive over HTTP(S). Responses stream (headers first, body on demand); a body that
/// stalls, crawls below the minimum rate or ends short fails with <see cref="ArchiveTransientException"/>.
/// Every failure is an <see cref="ArchiveException"/> (or cancellation by the caller): a server cannot make
/// another exception escape. Redirects are followed (at most <see cref="MaxRedirects"/>) to http(s) on the
/// archive's own host and port only, unless <see cref="HttpArchiveReaderOptions.AllowCrossHostRedirects"/>.
/// An injected <see cref="HttpClient"/> must not decompress (archives serve <c>.gz</c> files as bytes); when it
/// follows redirects itself, a response from another host is refused after the fact.
/// </summary>
public sealed class HttpArchiveReader : IArchiveReader, IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly HttpArchiveReaderOptions _options;
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;

    /// <summary>The most redirects one request follows.</summary>
    public const int MaxRedirects = 5;

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
            _client = new HttpClient(CreateHandler(_options)) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsClient = true;
        }
        else
        {
            _client = httpClient;
        }
    }

    /// <summary>
    /// The primary handler every archive client should have, the one the reader builds for itself: no automatic
    /// decompression (archives serve <c>.gz</c> files as bytes), no automatic redirects (the reader follows them,
    /// to its own host only, see <see cref="HttpArchiveReaderOptions.AllowCrossHostRedirects"/>), the connect
    /// timeout of <paramref name="options"/> and pooled connections renewed every 5 minutes (DNS changes). A client
    /// around it needs <c>Timeout = Timeout.InfiniteTimeSpan</c>: the reader times stalls itself, and a large bucket
    /// takes longer than any fixed overall timeout. Retries do not belong in a handler: the pool makes them.
    /// </summary>
    /// <param name="options">The connect timeout is taken from here; defaults when null.</param>
    public static SocketsHttpHandler CreateHandler(HttpArchiveReaderOptions? options = null)
    {
        options ??= new HttpArchiveReaderOptions();
        options.Validate();
        return new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>The archive root, ending in <c>/</c>.</summary>
    public Uri BaseUri { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The base URI.</summary>
    public string Location => BaseUri.AbsoluteUri;

    /// <inheritdoc />
    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, path, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ArchiveBodyStream(body, response, response.Content.Headers.ContentLength, _options.StallTimeout, _options.TimeProvider, Name, path, _telemetry)
            {
                MinimumRate = _options.MinimumBytesPerSecond,
                MinimumRateWindow = _options.MinimumRateWindow,
            };
        }
        catch (Exception e) when (e is not ArchiveException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
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

    /// <inheritdoc />
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

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <inheritdoc />
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

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage first, string path, CancellationToken token, CancellationToken callerToken)
    {
        var request = first;
        for (var redirects = 0; ; redirects++)
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
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // HttpRequestException, or what a hostile answer makes the handler throw (a bad Location, say).
                throw Failed(new ArchiveTransientException(Name, path, "request failed: " + e.Message, e));
            }
            finally
            {
                if (!ReferenceEquals(request, first))
                {
                    request.Dispose();
                }
            }

            var target = Redirect(response, path, redirects);
            if (target is null)
            {
                return Checked(response, path);
            }

            response.Dispose();
            request = new HttpRequestMessage(first.Method, target);
        }
    }

    /// <summary>Where a redirect leads (null when the response is not one); refuses what the options do not allow.</summary>
    private Uri? Redirect(HttpResponseMessage response, string path, int redirectsSoFar)
    {
        var final = response.RequestMessage?.RequestUri;
        if (final is not null && !_options.AllowCrossHostRedirects && !SameHost(final))
        {
            response.Dispose();
            throw Failed(new ArchiveException(Name, path, $"the answer came from another host ({HostOf(final)}); cross-host redirects are not allowed"));
        }

        var status = (int)response.StatusCode;
        if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
        {
            return null;
        }

        Uri target;
        try
        {
            target = location.IsAbsoluteUri ? location : new Uri(final ?? new Uri(BaseUri, path), location);
        }
        catch (UriFormatException e)
        {
            response.Dispose();
            throw Failed(new ArchiveException(Name, path, $"HTTP {status} redirects to an invalid location: {e.Message}", e));
        }

        string? refusal = null;
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
        {
            refusal = $"redirects to a {target.Scheme}: location; only http(s) is followed";
        }
        else if (!_options.AllowCrossHostRedirects && !SameHost(target))
        {
            refusal = $"redirects to another host ({HostOf(target)}); cross-host redirects are not allowed";
        }
        else if (redirectsSoFar >= MaxRedirects)
        {
            refusal = $"redirects more than {MaxRedirects} times";
        }

        if (refusal is not null)
        {
            response.Dispose();
            throw Failed(new ArchiveException(Name, path, $"HTTP {status} {refusal}"));
        }

        return target;
    }

    private bool SameHost(Uri uri) =>
        string.Equals(uri.IdnHost, BaseUri.IdnHost, StringComparison.OrdinalIgnoreCase) && uri.Port == BaseUri.Port;

    private static string HostOf(Uri uri) => uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";

    private HttpResponseMessage Checked(HttpResponseMessage response, string path)
    {
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
