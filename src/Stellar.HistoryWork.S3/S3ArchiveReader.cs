using Amazon.S3;
using Amazon.S3.Model;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// Reads a history archive from an S3 bucket (or any S3-compatible store). Objects stream from GetObject and
/// are never buffered whole; a body that stalls or ends short fails as <see cref="ArchiveTransientException"/>.
/// NoSuchKey/404 is <see cref="ArchiveFileNotFoundException"/>; 5xx, SlowDown and connection failures are
/// transient; a missing bucket or refused credentials is <see cref="S3ArchiveAccessException"/>. A 403 on a key
/// after other keys of the archive read fine counts as missing (S3 answers 403 for absent keys to readers
/// without <c>s3:ListBucket</c>); a 403 before any read succeeded is an access error. Archives are addressed by
/// checkpoint and hash, so the reader never lists the bucket.
/// </summary>
/// <remarks>
/// Give the client no retries of its own (<c>MaxErrorRetry = 0</c>, as <see cref="S3ConnectionOptions.CreateClient"/>
/// does): failures are retried once, by an <c>ArchivePool</c>.
/// </remarks>
public sealed class S3ArchiveReader : IArchiveReader, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3ArchiveOptions _options;
    private readonly HistoryWorkTelemetry.ArchiveInstruments _telemetry;
    private readonly Lock _wellKnownLock = new();
    private (bool Seen, string? ETag) _wellKnown;

    /// <param name="client">A configured client (the caller keeps ownership).</param>
    /// <param name="location">The bucket and prefix of the archive root.</param>
    /// <param name="options">Name, stall timeout, clock and meters; defaults when null.</param>
    public S3ArchiveReader(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options = null)
        : this(client, location, options, ownsClient: false)
    {
    }

    internal S3ArchiveReader(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options, bool ownsClient)
    {
        _options = S3ArchiveSetup.Check(client, location, options);
        _client = client;
        _ownsClient = ownsClient;
        ArchiveLocation = location;
        Name = _options.Name ?? location.Bucket;
        Errors = new S3Errors(Name, location, _options.CredentialsDescription ?? "the client's credentials");
        _telemetry = HistoryWorkTelemetry.For(_options.MeterFactory).Archive;
    }

    /// <summary>The bucket and prefix read.</summary>
    public S3ArchiveLocation ArchiveLocation { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary><c>s3://BUCKET[/PREFIX]</c>.</summary>
    public string Location => ArchiveLocation.ToString();

    internal S3Errors Errors { get; }

    /// <summary>
    /// The ETag of <c>.well-known/stellar-history.json</c> when this reader last read it (null when it was
    /// absent); Seen is false until it has been read. The writer makes its next write of that file conditional on it.
    /// </summary>
    internal (bool Seen, string? ETag) WellKnownVersion
    {
        get
        {
            lock (_wellKnownLock)
            {
                return _wellKnown;
            }
        }

        set
        {
            lock (_wellKnownLock)
            {
                _wellKnown = value;
            }
        }
    }

    /// <summary>
    /// A reader that owns a client built from <paramref name="connection"/> for <paramref name="location"/>
    /// (<c>s3://BUCKET[/PREFIX]</c>); disposing the reader disposes the client.
    /// </summary>
    /// <exception cref="ArgumentException">The location, endpoint or region is not valid.</exception>
    /// <exception cref="S3ArchiveAccessException">No credentials were found.</exception>
    public static S3ArchiveReader Create(string location, S3ConnectionOptions? connection = null, S3ArchiveOptions? options = null)
    {
        var (client, parsed, checkedOptions) = S3ArchiveSetup.Open(location, connection, options);
        return new S3ArchiveReader(client, parsed, checkedOptions, ownsClient: true);
    }

    /// <inheritdoc />
    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var request = new GetObjectRequest { BucketName = ArchiveLocation.Bucket, Key = ArchiveLocation.KeyOf(path) };
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Errors.Map(e, path, cancellationToken) is { } error)
        {
            if (error is ArchiveFileNotFoundException && path == ArchivePaths.WellKnownState)
            {
                WellKnownVersion = (true, null);
            }

            throw Failed(error);
        }

        Errors.Succeeded();
        if (path == ArchivePaths.WellKnownState)
        {
            WellKnownVersion = (true, response.ETag);
        }

        return new ArchiveBodyStream(response.ResponseStream, response, response.ContentLength, _options.StallTimeout, _options.TimeProvider, Name, path, _telemetry);
    }

    /// <inheritdoc />
    public async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        await GetSizeAsync(path, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Checks that the archive can be read: reads <c>.well-known/stellar-history.json</c>'s first bytes (its absence
    /// is fine; a new archive has none). Lets a caller fail fast on a missing bucket, refused credentials or an
    /// unreachable endpoint before starting work.
    /// </summary>
    /// <exception cref="S3ArchiveAccessException">The bucket does not exist or access is refused.</exception>
    /// <exception cref="ArchiveTransientException">The endpoint cannot be reached or keeps failing.</exception>
    public async Task CheckAccessAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var stream = await OpenReadAsync(ArchivePaths.WellKnownState, cancellationToken).ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (ArchiveFileNotFoundException) when (!Errors.AnySucceeded)
        {
            // Absent: the bucket answered, so it exists and the credentials work.
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

    /// <summary>The object's size through HeadObject, or null when there is none.</summary>
    internal async Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken)
    {
        var request = new GetObjectMetadataRequest { BucketName = ArchiveLocation.Bucket, Key = ArchiveLocation.KeyOf(path) };
        try
        {
            var response = await _client.GetObjectMetadataAsync(request, cancellationToken).ConfigureAwait(false);
            Errors.Succeeded();
            return response.ContentLength;
        }
        catch (Exception e) when (Errors.Map(e, path, cancellationToken) is { } error)
        {
            return error is ArchiveFileNotFoundException ? null : throw Failed(error);
        }
    }

    private ArchiveException Failed(ArchiveException error)
    {
        _telemetry.Failed(Name, error);
        return error;
    }
}
