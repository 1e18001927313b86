namespace Stellar.Xdr;

/// <summary>A generated XDR struct or union: decodable without reflection through a static abstract member.</summary>
/// <typeparam name="TSelf">The generated type.</typeparam>
public interface IXdrType<TSelf>
    where TSelf : IXdrType<TSelf>
{
    /// <summary>Decodes one value at the reader's position.</summary>
    static abstract TSelf Decode(ref XdrReader reader);

    /// <summary>Writes the value's XDR encoding.</summary>
    void Encode(XdrWriter writer);
}
