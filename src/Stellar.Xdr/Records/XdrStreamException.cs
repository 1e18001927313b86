namespace Stellar.Xdr;

/// <summary>A record-marked stream (RFC 5531) that is cut off, damaged or has a record over the size cap.</summary>
public sealed class XdrStreamException : XdrException
{
    /// <summary>An exception with a default message.</summary>
    public XdrStreamException()
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public XdrStreamException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public XdrStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for a stream that broke <paramref name="rule"/> at <paramref name="offset"/> of <paramref name="sourceName"/>, described by <paramref name="message"/> and caused by <paramref name="innerException"/> if given.</summary>
    public XdrStreamException(XdrRule rule, long offset, string? sourceName, string message, Exception? innerException = null)
        : base(FormattableString.Invariant($"{sourceName ?? "XDR stream"}: {rule} at byte {offset}: {message}"), innerException!)
    {
        Rule = rule;
        Offset = offset;
        SourceName = sourceName;
    }

    /// <summary>The rule the stream broke.</summary>
    public XdrRule Rule { get; }

    /// <summary>Offset in the decompressed stream where the broken record (or its header) starts.</summary>
    public long Offset { get; }

    /// <summary>The file or source name given to the reader, if any.</summary>
    public string? SourceName { get; }
}
