namespace Stellar.Xdr;

/// <summary>Input that may be valid XDR but goes beyond a limit that protects the decoder (depth, total length).</summary>
public sealed class XdrLimitExceededException : XdrFormatException
{
    public XdrLimitExceededException()
    {
    }

    public XdrLimitExceededException(string message)
        : base(message)
    {
    }

    public XdrLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public XdrLimitExceededException(XdrRule rule, long offset, string message)
        : base(rule, offset, message)
    {
    }
}
