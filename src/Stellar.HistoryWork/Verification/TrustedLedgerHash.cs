using System.Globalization;

namespace Stellar.HistoryWork.Verification;

/// <summary>A ledger header hash the caller trusts (from consensus, <c>--trusted-hash L:HEX</c> or a checkpoint file).</summary>
public sealed record TrustedLedgerHash
{
    /// <summary>A trusted hash for <paramref name="Ledger"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="Hash"/> is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="Ledger"/> is 0.</exception>
    public TrustedLedgerHash(uint Ledger, byte[] Hash)
    {
        ArgumentNullException.ThrowIfNull(Hash);
        if (Hash.Length != HashHex.HashSize)
        {
            throw new ArgumentException("a ledger hash is 32 bytes", nameof(Hash));
        }

        ArgumentOutOfRangeException.ThrowIfZero(Ledger);
        this.Ledger = Ledger;
        this.Hash = Hash;
    }

    /// <summary>The ledger whose header hash this is (not 0).</summary>
    public uint Ledger { get; }

    /// <summary>The SHA-256 of the ledger's header, 32 bytes.</summary>
    public byte[] Hash { get; }

    /// <summary>Parses <c>LEDGER:HEX64</c> (the <c>--trusted-hash</c> syntax).</summary>
    public static TrustedLedgerHash Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !uint.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ledger)
            || ledger == 0
            || !HashHex.IsValid(text.AsSpan(colon + 1)))
        {
            throw new FormatException($"'{text}' is not a trusted hash: expected LEDGER:HEX with a 64-digit hex hash");
        }

        return new TrustedLedgerHash(ledger, HashHex.Parse(text[(colon + 1)..]));
    }

    /// <inheritdoc />
    public bool Equals(TrustedLedgerHash? other) =>
        other is not null && other.Ledger == Ledger && other.Hash.AsSpan().SequenceEqual(Hash);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Ledger, BitConverter.ToInt32(Hash, 0));

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ledger}:{HashHex.ToHex(Hash)}");
}
