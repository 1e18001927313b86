using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Stellar.Xdr;

/// <summary>
/// The SHA-256 hashes Stellar defines over exact XDR encodings: ledger headers, transaction sets (legacy
/// and generalized), result sets, network ids and transactions. Strict decoding makes re-encoding a
/// decoded value byte-identical to what was read, so hashing the values is hashing the original bytes.
/// </summary>
public static class StellarHashes
{
    /// <summary>Length of every hash here.</summary>
    public const int HashLength = 32;

    private const int ScratchLimit = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>SHA-256 of <paramref name="data"/>.</summary>
    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>The network id: SHA-256 of the UTF-8 network passphrase.</summary>
    public static byte[] NetworkId(string networkPassphrase)
    {
        ArgumentNullException.ThrowIfNull(networkPassphrase);
        return SHA256.HashData(Encoding.UTF8.GetBytes(networkPassphrase));
    }

    /// <summary><c>SHA256(XDR(LedgerHeader))</c>, the value stored in <c>LedgerHeaderHistoryEntry.hash</c>.</summary>
    public static byte[] LedgerHeaderHash(LedgerHeader header) => HashOf(header);

    /// <summary>
    /// <c>SHA256(XDR(SCPQuorumSet))</c>: the hash by which SCP statements name a quorum set
    /// (<c>quorumSetHash</c>, <c>commitQuorumSetHash</c>).
    /// </summary>
    public static byte[] QuorumSetHash(SCPQuorumSet quorumSet) => HashOf(quorumSet);

    /// <summary>
    /// Legacy transaction-set hash: <c>SHA256(previousLedgerHash || XDR(env_0) || XDR(env_1) ...)</c>,
    /// envelopes in stored order, no count prefix.
    /// </summary>
    public static byte[] LegacyTransactionSetHash(TransactionSet transactionSet)
    {
        ArgumentNullException.ThrowIfNull(transactionSet);
        return LegacyTransactionSetHash(transactionSet.PreviousLedgerHash, transactionSet.Txs);
    }

    /// <summary>Legacy transaction-set hash from its parts.</summary>
    public static byte[] LegacyTransactionSetHash(ReadOnlySpan<byte> previousLedgerHash, IReadOnlyList<TransactionEnvelope> envelopes)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previousLedgerHash);
        var scratch = RentScratch();
        var writer = new XdrWriter(scratch);
        for (var i = 0; i < envelopes.Count; i++)
        {
            scratch.ResetWrittenCount();
            envelopes[i].Encode(writer);
            hash.AppendData(scratch.WrittenSpan);
        }

        ReturnScratch(scratch);
        return hash.GetHashAndReset();
    }

    /// <summary><c>SHA256(XDR(GeneralizedTransactionSet))</c>, its 4-byte version discriminant included.</summary>
    public static byte[] GeneralizedTransactionSetHash(GeneralizedTransactionSet transactionSet) => HashOf(transactionSet);

    /// <summary>
    /// The transaction-set hash of a history entry, compared with <c>header.scpValue.txSetHash</c>:
    /// generalized when <c>ext.v == 1</c>, legacy otherwise.
    /// </summary>
    public static byte[] TransactionSetHash(TransactionHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var generalized = entry.Ext?.GeneralizedTxSet;
        return entry.Ext?.Discriminant == 1 && generalized is not null
            ? GeneralizedTransactionSetHash(generalized)
            : LegacyTransactionSetHash(entry.TxSet);
    }

    /// <summary><c>SHA256(XDR(TransactionResultSet))</c>, count prefix included; compared with <c>header.txSetResultHash</c>.</summary>
    public static byte[] TransactionResultSetHash(TransactionResultSet resultSet) => HashOf(resultSet);

    /// <summary>
    /// The transaction hash (id): <c>SHA256(networkId || envelopeType || XDR(tx))</c>. A V0 envelope is hashed
    /// as the V1 transaction it equals (type <c>ENVELOPE_TYPE_TX</c>, then the ed25519 key type before its bytes);
    /// a fee bump is hashed as <c>ENVELOPE_TYPE_TX_FEE_BUMP || XDR(FeeBumpTransaction)</c>.
    /// </summary>
    public static byte[] TransactionHash(TransactionEnvelope envelope, ReadOnlySpan<byte> networkId)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return envelope.Discriminant switch
        {
            EnvelopeType.ENVELOPE_TYPE_TX_V0 => TaggedHash(networkId, EnvelopeType.ENVELOPE_TYPE_TX, Required(envelope.V0).Tx, v0Prefix: true),
            EnvelopeType.ENVELOPE_TYPE_TX => TaggedHash(networkId, EnvelopeType.ENVELOPE_TYPE_TX, Required(envelope.V1).Tx, v0Prefix: false),
            EnvelopeType.ENVELOPE_TYPE_TX_FEE_BUMP => TaggedHash(networkId, EnvelopeType.ENVELOPE_TYPE_TX_FEE_BUMP, Required(envelope.FeeBump).Tx, v0Prefix: false),
            _ => throw new ArgumentException("envelope type " + envelope.Discriminant + " is not a transaction", nameof(envelope)),
        };
    }

    /// <summary>The hash of a V1 transaction: <c>SHA256(networkId || ENVELOPE_TYPE_TX || XDR(tx))</c>.</summary>
    public static byte[] TransactionHash(Transaction transaction, ReadOnlySpan<byte> networkId)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return TaggedHash(networkId, EnvelopeType.ENVELOPE_TYPE_TX, transaction, v0Prefix: false);
    }

    /// <summary>The hash of a fee-bump transaction: <c>SHA256(networkId || ENVELOPE_TYPE_TX_FEE_BUMP || XDR(tx))</c>.</summary>
    public static byte[] TransactionHash(FeeBumpTransaction transaction, ReadOnlySpan<byte> networkId)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return TaggedHash(networkId, EnvelopeType.ENVELOPE_TYPE_TX_FEE_BUMP, transaction, v0Prefix: false);
    }

    private static T Required<T>(T? arm)
        where T : class => arm ?? throw new ArgumentException("the envelope's selected arm is null");

    private static byte[] TaggedHash<T>(ReadOnlySpan<byte> networkId, EnvelopeType tag, T transaction, bool v0Prefix)
        where T : IXdrType<T>
    {
        if (networkId.Length != HashLength)
        {
            throw new ArgumentException("a network id is 32 bytes", nameof(networkId));
        }

        var scratch = RentScratch();
        scratch.Write(networkId);
        var writer = new XdrWriter(scratch);
        writer.WriteInt32((int)tag);
        if (v0Prefix)
        {
            writer.WriteInt32((int)CryptoKeyType.KEY_TYPE_ED25519);
        }

        transaction.Encode(writer);
        var result = SHA256.HashData(scratch.WrittenSpan);
        ReturnScratch(scratch);
        return result;
    }

    private static byte[] HashOf<T>(T value)
        where T : IXdrType<T>
    {
        ArgumentNullException.ThrowIfNull(value);
        var scratch = RentScratch();
        value.Encode(new XdrWriter(scratch));
        var result = SHA256.HashData(scratch.WrittenSpan);
        ReturnScratch(scratch);
        return result;
    }

    // One encode buffer per thread, so hashing many ledgers does not allocate a buffer per value.
    private static ArrayBufferWriter<byte> RentScratch()
    {
        var scratch = t_scratch ?? new ArrayBufferWriter<byte>(4096);
        t_scratch = null;
        scratch.ResetWrittenCount();
        return scratch;
    }

    private static void ReturnScratch(ArrayBufferWriter<byte> scratch)
    {
        if (scratch.Capacity <= ScratchLimit)
        {
            scratch.ResetWrittenCount();
            t_scratch = scratch;
        }
    }
}
