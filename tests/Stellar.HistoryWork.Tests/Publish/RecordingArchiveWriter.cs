namespace Stellar.HistoryWork.Tests.Publish;

/// <summary>
/// A hand-written fake target: records every write in order and passes it to a real <see cref="LocalArchiveWriter"/>
/// (so the copy can be verified), optionally failing or pausing chosen writes.
/// </summary>
internal sealed class RecordingArchiveWriter : IArchiveWriter
{
    private readonly LocalArchiveWriter _inner;
    private readonly List<string> _writes = [];

    public RecordingArchiveWriter(string root, string name = "recording")
    {
        _inner = new LocalArchiveWriter(root, name);
        Name = name;
    }

    public string Name { get; }

    public IArchiveReader Reader => _inner.Reader;

    /// <summary>Throws an <see cref="IOException"/> for a write when it returns true (path, writes so far).</summary>
    public Func<string, int, bool>? FailWhen { get; set; }

    /// <summary>Awaited before a write reaches the directory.</summary>
    public Func<string, Task>? BeforeWrite { get; set; }

    /// <summary>Called once a write reached the directory.</summary>
    public Action<string>? AfterWrite { get; set; }

    /// <summary>Paths written, in the order the writes completed.</summary>
    public IReadOnlyList<string> Writes
    {
        get
        {
            lock (_writes)
            {
                return [.. _writes];
            }
        }
    }

    public async ValueTask PutBytesAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(path);
        await _inner.PutBytesAsync(path, data, cancellationToken);
        Record(path);
    }

    public async ValueTask PutFileAsync(string path, string localFile, CancellationToken cancellationToken = default)
    {
        await BeforeAsync(path);
        await _inner.PutFileAsync(path, localFile, cancellationToken);
        Record(path);
    }

    public ValueTask<long?> GetSizeAsync(string path, CancellationToken cancellationToken = default) => _inner.GetSizeAsync(path, cancellationToken);

    private async Task BeforeAsync(string path)
    {
        if (BeforeWrite is { } before)
        {
            await before(path);
        }

        int count;
        lock (_writes)
        {
            count = _writes.Count;
        }

        if (FailWhen is { } fail && fail(path, count))
        {
            throw new IOException($"injected write failure: {path}");
        }
    }

    private void Record(string path)
    {
        lock (_writes)
        {
            _writes.Add(path);
        }

        AfterWrite?.Invoke(path);
    }
}
