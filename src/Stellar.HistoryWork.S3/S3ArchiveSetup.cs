using Amazon.S3;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// What <see cref="S3ArchiveReader"/> and <see cref="S3ArchiveWriter"/> check and build alike, in one place: their
/// arguments, and the client a <c>Create(location, …)</c> owns.
/// </summary>
internal static class S3ArchiveSetup
{
    /// <summary>The options to use (defaults when null), validated, once the client and location are known to be given.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="location"/> is null.</exception>
    public static S3ArchiveOptions Check(IAmazonS3 client, S3ArchiveLocation location, S3ArchiveOptions? options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(location);
        options ??= new S3ArchiveOptions();
        options.Validate();
        return options;
    }

    /// <summary>
    /// Parses <paramref name="location"/> (<c>s3://BUCKET[/PREFIX]</c>) and builds a client from
    /// <paramref name="connection"/>; the options name the credentials found unless they name some already.
    /// </summary>
    /// <exception cref="ArgumentException">The location, endpoint or region is not valid.</exception>
    /// <exception cref="S3ArchiveAccessException">No credentials were found.</exception>
    public static (IAmazonS3 Client, S3ArchiveLocation Location, S3ArchiveOptions Options) Open(
        string location, S3ConnectionOptions? connection, S3ArchiveOptions? options)
    {
        var parsed = S3ArchiveLocation.Parse(location);
        var client = (connection ?? new S3ConnectionOptions()).CreateClient(out var credentials);
        options ??= new S3ArchiveOptions();
        options.CredentialsDescription ??= credentials;
        return (client, parsed, options);
    }
}
