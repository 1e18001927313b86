namespace Stellar.Xdr;

/// <summary>Thrown when bytes do not follow the XDR rules (RFC 4506) or a limit protecting the decoder.</summary>
public class XdrException : Exception
{
    /// <summary>An exception with a default message.</summary>
    public XdrException()
    {
    }

    /// <summary>An exception with <paramref name="message"/>.</summary>
    public XdrException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public XdrException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
