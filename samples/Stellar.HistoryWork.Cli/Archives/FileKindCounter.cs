using System.Collections.Concurrent;

namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// An <see cref="IArchiveReader"/> that counts the files it delivered, by kind (the first segment of the archive
/// path), each path once however often it is read: the report's <c>filesByKind</c>, the same for every verb.
/// </summary>
internal sealed class FileKindCounter : IArchiveReader
{
    /// <summary>The kinds a report lists, in its order: HAS files (the root one too), then checkpoint files, then buckets.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["history", "ledger", "transactions", "results", "scp", "bucket"];

    private readonly ConcurrentDictionary<string, byte> _paths;

    /// <param name="inner">The reader whose files are counted.</param>
    /// <param name="sharedWith">Another counter whose tally this one adds to (the members of one pool), or null for a tally of its own.</param>
    public FileKindCounter(IArchiveReader inner, FileKindCounter? sharedWith = null)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _paths = sharedWith?._paths ?? new(StringComparer.Ordinal);
    }

    public IArchiveReader Inner { get; }

    public string Name => Inner.Name;

    public string Location => Inner.Location;

    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var stream = await Inner.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        _paths.TryAdd(path, 0);
        return stream;
    }

    public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => Inner.ExistsAsync(path, cancellationToken);

    public void ReportBadContent(Stream stream, Exception problem) => Inner.ReportBadContent(stream, problem);

    /// <summary>Files delivered so far, for each of <see cref="Kinds"/> (0 when none).</summary>
    public IReadOnlyDictionary<string, long> CountByKind()
    {
        var counts = Kinds.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        foreach (var path in _paths.Keys)
        {
            var kind = KindOf(path);
            if (kind is not null)
            {
                counts[kind]++;
            }
        }

        return counts;
    }

    private static string? KindOf(string path)
    {
        if (path.StartsWith(".well-known/", StringComparison.Ordinal))
        {
            return "history";
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? path : path[..slash];
        return Kinds.Contains(first, StringComparer.Ordinal) ? first : null;
    }
}
