namespace Stellar.Xdr;

/// <summary>A value that cannot be written as XDR (wrong fixed length, over its bound, a missing required value).</summary>
public sealed class XdrEncodeException : XdrException
{
    public XdrEncodeException()
    {
    }

    public XdrEncodeException(string message)
        : base(message)
    {
    }

    public XdrEncodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XdrEncodeException(XdrRule rule, string message)
        : base(FormattableString.Invariant($"XDR encode {rule}: {message}"))
    {
        Rule = rule;
    }

    /// <summary>The rule the value broke.</summary>
    public XdrRule Rule { get; }
}
