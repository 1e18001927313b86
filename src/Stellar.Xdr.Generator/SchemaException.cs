namespace Stellar.Xdr.Generator;

/// <summary>A schema that cannot be parsed or does not hang together; the message names file and line.</summary>
public sealed class SchemaException : Exception
{
    public SchemaException()
    {
    }

    public SchemaException(string message)
        : base(message)
    {
    }

    public SchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SchemaException(SchemaLocation location, string message)
        : base(location + ": " + message)
    {
    }
}
