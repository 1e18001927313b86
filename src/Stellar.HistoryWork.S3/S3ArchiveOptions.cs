using System.Diagnostics.Metrics;

namespace Stellar.HistoryWork.S3;

/// <summary>Settings of <see cref="S3ArchiveReader"/> and <see cref="S3ArchiveWriter"/>; every one has a working default.</summary>
public sealed class S3ArchiveOptions
{
    /// <summary>The smallest part S3 accepts (5 MiB), except for the last part of an upload.</summary>
    public const long MinPartSize = 5L * 1024 * 1024;

    /// <summary>The largest part S3 accepts (5 GiB).</summary>
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;

    /// <summary>The most parts one multipart upload may have.</summary>
    public const int MaxParts = 10_000;

    /// <summary>For logs and metric tags; default: the bucket name (never a key).</summary>
    public string? Name { get; set; }

    /// <summary>Which credentials the client signs with, for access errors (never a secret); default "the client's credentials".</summary>
    public string? CredentialsDescription { get; set; }

    /// <summary>
    /// The longest wait for the next bytes of an object being read (default 30 s). A slow but moving download
    /// never times out; a silent one fails as transient.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Files at least this large are uploaded in parts (default 64 MiB); smaller ones with one PutObject.</summary>
    public long MultipartThreshold { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The size of each part but the last (default 16 MiB; between <see cref="MinPartSize"/> and
    /// <see cref="MaxPartSize"/>). Grown when a file would otherwise need more than <see cref="MaxParts"/> parts.
    /// </summary>
    public long PartSize { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Parts of one file uploading at once (default 4). Each part streams from its segment of the file, so memory
    /// does not grow with it.
    /// </summary>
    public int MaxPartsInFlight { get; set; } = 4;

    /// <summary>Where the archive metrics go; the library's process-wide meter when null.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>The clock for stall timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (StallTimeout <= TimeSpan.Zero && StallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), StallTimeout, "Must be positive or infinite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(PartSize, MinPartSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PartSize, MaxPartSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(MultipartThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPartsInFlight, 1);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    /// <summary>The part size for a file of <paramref name="length"/> bytes: <see cref="PartSize"/>, grown to stay within <see cref="MaxParts"/>.</summary>
    internal long PartSizeFor(long length)
    {
        var needed = (length + MaxParts - 1) / MaxParts;
        return Math.Max(PartSize, needed);
    }
}
