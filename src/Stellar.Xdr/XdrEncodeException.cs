namespace Stellar.Xdr;

/// <summary>A value that cannot be written as XDR (wrong fixed length, over its bound, a missing required value).</summary>
public sealed class XdrEncodeException : XdrException
{
    /// <summary>An exception with a default message.</summary>
    public XdrEncodeException()
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public XdrEncodeException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public XdrEncodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for a value that broke <paramref name="rule"/>, described by <paramref name="message"/>.</summary>
    public XdrEncodeException(XdrRule rule, string message)
        : base(FormattableString.Invariant($"XDR encode {rule}: {message}"))
    {
        Rule = rule;
    }

    /// <summary>The rule the value broke.</summary>
    public XdrRule Rule { get; }
}
