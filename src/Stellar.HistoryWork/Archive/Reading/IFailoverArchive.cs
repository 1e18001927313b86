namespace Stellar.HistoryWork;

/// <summary>
/// A reader made of several archives that knows which one delivered a stream, so that a rule failing after a file
/// was stored (a header contradicting the trusted hash, a HAS not binding) blames that archive and the next attempt
/// asks another: an <see cref="ArchivePool"/>, or a mirror reading its target before its source.
/// </summary>
internal interface IFailoverArchive
{
    /// <summary>Whether an archive other than <paramref name="failed"/> (those that served a bad copy) can still be asked.</summary>
    bool HasAlternativeTo(IReadOnlySet<IArchiveReader> failed);

    /// <summary>The archive that delivered <paramref name="stream"/> (opened by this reader), else null.</summary>
    IArchiveReader? MemberOf(Stream stream);
}
