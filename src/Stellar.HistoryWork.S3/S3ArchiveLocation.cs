namespace Stellar.HistoryWork.S3;

/// <summary>
/// Where an archive lives in object storage: a bucket and an optional key prefix, written
/// <c>s3://BUCKET[/PREFIX]</c>. Archive-relative paths become keys under the prefix.
/// </summary>
public sealed class S3ArchiveLocation
{
    /// <summary>The URI scheme prefix, <c>s3://</c>.</summary>
    public const string Scheme = "s3://";

    /// <param name="bucket">The bucket name (3–63 characters: lower-case letters, digits, '.', '-').</param>
    /// <param name="prefix">Key prefix of the archive root, without leading or trailing '/'; empty for the bucket's root.</param>
    /// <exception cref="ArgumentException">The bucket name or the prefix is not valid.</exception>
    public S3ArchiveLocation(string bucket, string? prefix = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        if (bucket.Length is < 3 or > 63 || !bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
        {
            throw new ArgumentException($"'{bucket}' is not a bucket name (3-63 characters: a-z, 0-9, '.', '-').", nameof(bucket));
        }

        prefix = (prefix ?? string.Empty).Trim('/');
        if (prefix.Length > 0)
        {
            ArchivePathGuard.Validate(prefix);
        }

        Bucket = bucket;
        Prefix = prefix;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The archive root's key prefix, without slashes at either end; empty for the bucket's root.</summary>
    public string Prefix { get; }

    /// <summary>Whether <paramref name="location"/> is written <c>s3://…</c> (case-insensitive).</summary>
    public static bool IsS3(string? location) =>
        location is not null && location.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>s3://BUCKET[/PREFIX]</c>.</summary>
    /// <exception cref="ArgumentException">Not an <c>s3://</c> location, or a bad bucket name or prefix.</exception>
    public static S3ArchiveLocation Parse(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (!IsS3(location))
        {
            throw new ArgumentException($"'{location}' is not an s3://BUCKET[/PREFIX] location.", nameof(location));
        }

        var rest = location[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new S3ArchiveLocation(rest) : new S3ArchiveLocation(rest[..slash], rest[(slash + 1)..]);
    }

    /// <summary>The object key of an archive-relative path.</summary>
    /// <exception cref="ArgumentException">The path is not a relative archive path.</exception>
    public string KeyOf(string path)
    {
        ArchivePathGuard.Validate(path);
        return Prefix.Length == 0 ? path : Prefix + "/" + path;
    }

    /// <summary><c>s3://BUCKET[/PREFIX]</c>.</summary>
    public override string ToString() => Prefix.Length == 0 ? Scheme + Bucket : $"{Scheme}{Bucket}/{Prefix}";
}
