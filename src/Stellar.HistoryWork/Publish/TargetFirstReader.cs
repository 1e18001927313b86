using System.Collections.Concurrent;
using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// What a mirror downloads from: a file the target already holds is read from the target and verified exactly like a
/// download (its hash, its place in the chain, its binding to the headers), so a rerun fetches from the source only
/// what the target lacks or holds damaged. A target copy that fails any rule, or that cannot be read, is not read again
/// in this run: the file comes from the source. The range itself (<c>.well-known</c>, where the archive starts) is
/// always the source's.
/// </summary>
internal sealed class TargetFirstReader : IArchiveReader, IFailoverArchive
{
    private readonly IArchiveReader _target;
    private readonly IArchiveReader _source;

    // Paths whose target copy failed a rule (or must come from the source to anchor the chain).
    private readonly ConcurrentDictionary<string, bool> _sourceOnly = new(StringComparer.Ordinal);

    // Paths the target delivered; what verified of them is already in place there.
    private readonly ConcurrentDictionary<string, bool> _fromTarget = new(StringComparer.Ordinal);

    public TargetFirstReader(IArchiveReader target, IArchiveReader source)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        _target = target;
        _source = source;
    }

    /// <summary>The source's name: what logs and metrics call the archive being mirrored.</summary>
    public string Name => _source.Name;

    /// <inheritdoc />
    public string Location => _source.Location;

    /// <summary>Files opened at the target instead of the source.</summary>
    public int FilesFromTarget => _fromTarget.Count;

    // The target is never the alternative: a file its copy failed comes from the source, and a source that failed is final.
    bool IFailoverArchive.HasAlternativeTo(IReadOnlySet<IArchiveReader> failed) =>
        (_source as IFailoverArchive)?.HasAlternativeTo(failed) ?? !failed.Contains(_source);

    /// <summary>The target's copy when it has one this run has not rejected, else the source's.</summary>
    public async ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!_sourceOnly.ContainsKey(path))
        {
            try
            {
                var stream = await _target.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
                _fromTarget[path] = true;
                return new TargetStream(stream, path);
            }
            catch (Exception e) when (e is ArchiveException or IOException or UnauthorizedAccessException)
            {
                // Missing or unreadable at the target: the source has the file.
            }
        }

        return await _source.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the source has the file (the target is never asked: it does not define the range).</summary>
    public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => _source.ExistsAsync(path, cancellationToken);

    /// <summary>A target copy that failed is not read again; a source copy is reported to the source (a pool avoids that member).</summary>
    public void ReportBadContent(Stream stream, Exception problem)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream is TargetStream fromTarget)
        {
            ReadFromSource(fromTarget.Path);
            return;
        }

        _source.ReportBadContent(stream, problem);
    }

    /// <summary>From now on <paramref name="path"/> is read from the source only.</summary>
    public void ReadFromSource(string path)
    {
        _sourceOnly[path] = true;
        _fromTarget.TryRemove(path, out _);
    }

    /// <summary>Whether <paramref name="path"/> is read from the source only.</summary>
    public bool IsReadFromSource(string path) => _sourceOnly.ContainsKey(path);

    /// <summary>
    /// Whether the copy of <paramref name="path"/> this run verified came from the target: the target already holds
    /// exactly those bytes, so publishing need not read them back.
    /// </summary>
    public bool CameFromTarget(string path) => _fromTarget.ContainsKey(path) && !_sourceOnly.ContainsKey(path);

    IArchiveReader? IFailoverArchive.MemberOf(Stream stream) =>
        stream is TargetStream ? _target : (_source as IFailoverArchive)?.MemberOf(stream) ?? _source;

    /// <summary>A stream the target delivered, marked so that a failed rule is blamed on the target's copy.</summary>
    private sealed class TargetStream(Stream inner, string path) : ReadOnlyPassThroughStream(inner, leaveOpen: false)
    {
        public string Path => path;

        public override long Length => Inner.Length;
    }
}
