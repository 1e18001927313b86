namespace Stellar.HistoryWork.Hosting;

/// <summary>
/// A reader for archive locations of one URI scheme the package does not know itself (<c>s3://</c> from
/// Stellar.HistoryWork.S3, say), registered with <see cref="HistoryArchivesBuilder.AddScheme"/>.
/// </summary>
public sealed class HistoryArchiveScheme
{
    /// <summary>A scheme and the function that makes its readers.</summary>
    /// <param name="scheme">The URI scheme without <c>://</c>, e.g. <c>s3</c>; case-insensitive.</param>
    /// <param name="create">Makes the reader for an archive name and its location, with the host's services.</param>
    /// <exception cref="ArgumentException"><paramref name="scheme"/> is empty or one the package handles (http, https, file).</exception>
    public HistoryArchiveScheme(string scheme, Func<IServiceProvider, string, string, IArchiveReader> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        ArgumentNullException.ThrowIfNull(create);
        if (scheme.Contains(':', StringComparison.Ordinal) || scheme is "http" or "https" or "file")
        {
            throw new ArgumentException($"'{scheme}': give a scheme without '://' other than http, https and file.", nameof(scheme));
        }

        Scheme = scheme.ToLowerInvariant();
        Create = create;
    }

    /// <summary>The URI scheme, lower case, without <c>://</c>.</summary>
    public string Scheme { get; }

    /// <summary>Makes a reader: (services, archive name, location) → reader. A disposable reader is disposed with the host.</summary>
    public Func<IServiceProvider, string, string, IArchiveReader> Create { get; }
}
