namespace Stellar.Xdr;

/// <summary>Thrown when bytes do not follow the XDR rules (RFC 4506) or a limit protecting the decoder.</summary>
public class XdrException : Exception
{
    public XdrException()
    {
    }

    public XdrException(string message)
        : base(message)
    {
    }

    public XdrException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
