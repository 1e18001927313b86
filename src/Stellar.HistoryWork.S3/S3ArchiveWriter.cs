using System.Net;
using System.Runtime.InteropServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// Publishes a history archive to an S3 bucket (or any S3-compatible store). Files below
/// <see cref="S3ArchiveOptions.MultipartThreshold"/> go up with one PutObject, larger ones as a multipart upload
/// whose parts stream from segments of the file, a bounded number at once; a failed or cancelled multipart
/// upload is aborted, so no partial object and no orphan upload remain. Every upload carries Content-MD5, which
/// the server checks before it stores anything, and is never chunk-encoded. <c>.well-known/stellar-history.json</c>
/// is written with <c>Cache-Control: no-cache</c>, conditionally on the version <see cref="Reader"/> last read
/// (<c>If-Match</c>, or <c>If-None-Match: *</c> when it was absent), so a concurrent publisher is never silently
/// overwritten; a conflict fails the write and a retry reads again.
/// </summary>
public sealed class S3ArchiveWriter : IArchiveWriter, IDisposable
{
    private const string WellKnownCacheControl = "no-cache";

    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3ArchiveOptions _options;
    private readonly S3ArchiveReader _reader;

    /// <param name="client">A configured client (the caller keeps ownership). For a custom endpoint, configure it
    /// as <see cref="S3ConnectionOptions.CreateClient"/> does.</param>
    /// <param name="location">The bucket and prefix of the archive root.</param>
    /// <param name="options">Multipart settings, name and meters; defaults when null.</param>
    public S3ArchiveWriter(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options = null)
        : this(client, location, options, ownsClient: false)
    {
    }

    private S3ArchiveWriter(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options, bool ownsClient)
    {
        _options = S3ArchiveSetup.Check(client, location, options);
        _client = client;
        _ownsClient = ownsClient;
        _reader = new S3ArchiveReader(client, location, _options, ownsClient: false);
        ArchiveLocation = location;
    }

    /// <summary>The bucket and prefix written.</summary>
    public S3ArchiveLocation ArchiveLocation { get; }

    /// <inheritdoc />
    public string Name => _reader.Name;

    /// <summary><c>s3://BUCKET[/PREFIX]</c>.</summary>
    public string Location => _reader.Location;

    /// <summary>Reads back what this writer wrote (same client, bucket and prefix); publishing compares through it.</summary>
    public IArchiveReader Reader => _reader;

    /// <summary>
    /// A writer that owns a client built from <paramref name="connection"/> for <paramref name="location"/>
    /// (<c>s3://BUCKET[/PREFIX]</c>); disposing the writer disposes the client.
    /// </summary>
    /// <exception cref="ArgumentException">The location or region is not valid.</exception>
    /// <exception cref="S3ArchiveAccessException">No credentials were found.</exception>
    public static S3ArchiveWriter Create(string location, S3ConnectionOptions? connection = null, S3ArchiveOptions? options = null)
    {
        var (client, parsed, checkedOptions) = S3ArchiveSetup.Open(location, connection, options);
        return new S3ArchiveWriter(client, parsed, checkedOptions, ownsClient: true);
    }

    /// <summary>Checks that the bucket exists and the credentials are accepted (see <see cref="S3ArchiveReader.CheckAccessAsync"/>).</summary>
    /// <exception cref="S3ArchiveAccessException">The bucket does not exist or access is refused.</exception>
    /// <exception cref="ArchiveTransientException">The endpoint cannot be reached or keeps failing.</exception>
    public Task CheckAccessAsync(CancellationToken cancellationToken = default) => _reader.CheckAccessAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var bytes = MemoryMarshal.TryGetArray(data, out var segment) ? segment : new ArraySegment<byte>(data.ToArray());
        var request = NewPut(path, ContentMd5.Of(data.Span));
        request.InputStream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        if (path == ArchivePaths.WellKnownState)
        {
            await PutWellKnownAsync(request, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendAsync(path, request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        var length = new FileInfo(localFile).Length;
        if (length >= _options.MultipartThreshold)
        {
            var upload = new S3MultipartUpload(_client, ArchiveLocation, _options, _reader.Errors, path, localFile, length, ContentTypeOf(path));
            await upload.RunAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = NewPut(path, await ContentMd5.OfFileAsync(localFile, 0, length, cancellationToken).ConfigureAwait(false));
        request.FilePath = localFile;
        if (path == ArchivePaths.WellKnownState)
        {
            await PutWellKnownAsync(request, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendAsync(path, request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) =>
        await _reader.GetSizeAsync(path, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose()
    {
        _reader.Dispose();
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => Location;

    internal static string ContentTypeOf(string path) =>
        path.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream";

    private PutObjectRequest NewPut(string path, string md5) => new()
    {
        BucketName = ArchiveLocation.Bucket,
        Key = ArchiveLocation.KeyOf(path),
        ContentType = ContentTypeOf(path),
        MD5Digest = md5,
        // Third-party servers may store aws-chunked framing inside the object; a plain signed body is exact.
        UseChunkEncoding = false,
    };

    private async Task PutWellKnownAsync(PutObjectRequest request, CancellationToken cancellationToken)
    {
        request.Headers.CacheControl = WellKnownCacheControl;
        var (seen, etag) = _reader.WellKnownVersion;
        if (seen && etag is not null)
        {
            request.IfMatch = etag;
        }
        else if (seen)
        {
            request.IfNoneMatch = "*";
        }

        try
        {
            var response = await SendAsync(ArchivePaths.WellKnownState, request, cancellationToken).ConfigureAwait(false);
            _reader.WellKnownVersion = (true, response.ETag);
        }
        catch (ArchiveException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict })
        {
            // Another publisher wrote it since we read it: forget the version, so the retry reads it again.
            _reader.WellKnownVersion = default;
            throw new ArchiveTransientException(Name, ArchivePaths.WellKnownState, "changed by another writer since it was read (conditional write refused); it is read again before the next attempt", e);
        }
    }

    private async Task<PutObjectResponse> SendAsync(string path, PutObjectRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            _reader.Errors.Succeeded();
            return response;
        }
        catch (Exception e) when (_reader.Errors.Map(e, path, cancellationToken, write: true) is { } error)
        {
            throw error;
        }
        finally
        {
            request.InputStream?.Dispose();
        }
    }
}
