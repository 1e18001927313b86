namespace Stellar.Xdr;

/// <summary>Input that may be valid XDR but goes beyond a limit that protects the decoder (depth, total length).</summary>
public sealed class XdrLimitExceededException : XdrFormatException
{
    /// <summary>An exception with a default message.</summary>
    public XdrLimitExceededException()
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public XdrLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public XdrLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for input that went beyond the limit of <paramref name="rule"/> at byte <paramref name="offset"/>, described by <paramref name="message"/>.</summary>
    public XdrLimitExceededException(XdrRule rule, long offset, string message)
        : base(rule, offset, message)
    {
    }
}
