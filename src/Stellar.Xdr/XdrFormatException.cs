namespace Stellar.Xdr;

/// <summary>Bytes that break an XDR rule; <see cref="Offset"/> is where in the decoded input it was found.</summary>
public class XdrFormatException : XdrException
{
    /// <summary>An exception with a default message.</summary>
    public XdrFormatException()
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public XdrFormatException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public XdrFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for input that broke <paramref name="rule"/> at byte <paramref name="offset"/>, described by <paramref name="message"/>.</summary>
    public XdrFormatException(XdrRule rule, long offset, string message)
        : base(FormattableString.Invariant($"XDR {rule} at offset {offset}: {message}"))
    {
        Rule = rule;
        Offset = offset;
    }

    /// <summary>The rule the input broke.</summary>
    public XdrRule Rule { get; }

    /// <summary>Byte offset from the start of the decoded input.</summary>
    public long Offset { get; }
}
