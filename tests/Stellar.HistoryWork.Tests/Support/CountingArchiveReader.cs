using System.Collections.Concurrent;

namespace Stellar.HistoryWork.Tests.Support;

/// <summary>Passes reads through to another archive and remembers which paths were opened.</summary>
internal sealed class CountingArchiveReader(IArchiveReader inner) : IArchiveReader
{
    private readonly ConcurrentQueue<string> _opened = new();

    public string Name => inner.Name;

    public IReadOnlyCollection<string> Opened => _opened;

    public int OpenCount(string path) => _opened.Count(p => p == path);

    public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        _opened.Enqueue(path);
        return inner.OpenReadAsync(path, cancellationToken);
    }

    public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => inner.ExistsAsync(path, cancellationToken);
}
