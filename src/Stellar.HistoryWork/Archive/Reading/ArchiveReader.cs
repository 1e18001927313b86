namespace Stellar.HistoryWork;

/// <summary>Builds readers from the archive locations users type.</summary>
public static class ArchiveReader
{
    /// <summary>
    /// A reader for <c>http(s)://…</c> (<see cref="HttpArchiveReader"/>), <c>file:///abs/path</c> or a
    /// plain directory path (<see cref="LocalArchiveReader"/>). A missing directory is not checked here:
    /// its files are then reported missing.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, another URI scheme, or a relative <c>file:</c> URI.</exception>
    public static IArchiveReader FromLocation(string location, HttpClient? httpClient = null, HttpArchiveReaderOptions? httpOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"'{location}' is not a valid URI.", nameof(location));
            }

            return new HttpArchiveReader(uri, httpClient, httpOptions);
        }

        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || !uri.IsFile || !Path.IsPathFullyQualified(uri.LocalPath))
            {
                throw new ArgumentException($"'{location}' is not a file:///absolute/path URI.", nameof(location));
            }

            return new LocalArchiveReader(uri.LocalPath);
        }

        var schemeEnd = location.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0)
        {
            throw new ArgumentException($"'{location}': unsupported archive scheme '{location[..schemeEnd]}' (use http(s)://, file:/// or a directory).", nameof(location));
        }

        return new LocalArchiveReader(location);
    }
}
