namespace Stellar.HistoryWork;

/// <summary>
/// The default names of archives: short and stable, because they tag metrics (one value per configured
/// archive, never a path). The full location stays on the reader (<see cref="IArchiveReader.Location"/>).
/// </summary>
internal static class ArchiveNames
{
    /// <summary>The directory's own name: <c>/srv/history/testnet-2025-small</c> → <c>testnet-2025-small</c>.</summary>
    public static string ForDirectory(string fullRoot) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(fullRoot)) is { Length: > 0 } last ? last : "local";

    /// <summary>
    /// Host and non-default port, and the last segment of the base path when there is one, since one host
    /// often serves several archives: <c>https://history.stellar.org/prd/core-live/core_live_001/</c> →
    /// <c>history.stellar.org/core_live_001</c>; <c>http://127.0.0.1:8080/</c> → <c>127.0.0.1:8080</c>.
    /// </summary>
    public static string ForUri(Uri baseUri)
    {
        var last = baseUri.AbsolutePath.TrimEnd('/');
        last = last[(last.LastIndexOf('/') + 1)..];
        return last.Length > 0 ? $"{baseUri.Authority}/{Uri.UnescapeDataString(last)}" : baseUri.Authority;
    }
}
