using System.Diagnostics;
using System.Security.Cryptography;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Benchmarks.Archives;

/// <summary>
/// Streams one synthetic live bucket — a METAENTRY, then LIVEENTRY/INITENTRY records of accounts,
/// trustlines, offers and data entries — through the <c>gzip -6</c> tool (the program that compresses
/// real archive files) into <c>bucket/pp/qq/rr/bucket-&lt;sha256&gt;.xdr.gz</c>. Only a few kilobytes are
/// ever held: the SHA-256 of the decompressed bytes is taken on the way to gzip, and the file is renamed
/// to its hash at the end.
/// </summary>
internal static class SyntheticBucketWriter
{
    private const uint ProtocolVersion = SyntheticArchiveGenerator.ProtocolVersion;

    /// <summary>Writes a bucket of about <paramref name="decompressedBytes"/> bytes and returns its hash (lowercase hex).</summary>
    public static string Write(string archiveRoot, long decompressedBytes, int seed)
    {
        var temporary = Path.Combine(archiveRoot, $"bucket-{seed}.tmp.gz");
        var gzip = Process.Start(new ProcessStartInfo("gzip", ["-6", "-c"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("could not start gzip");

        using var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var copy = gzip.StandardOutput.BaseStream.CopyToAsync(output);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashing = new HashingWriteStream(gzip.StandardInput.BaseStream, sha))
        using (var buffered = new BufferedStream(hashing, 1 << 16))
        using (var writer = new XdrRecordWriter(buffered, leaveOpen: true))
        {
            var entries = new EntryFactory(seed);
            writer.Write(new BucketEntry
            {
                Discriminant = BucketEntryType.METAENTRY,
                MetaEntry = new BucketMetadata { LedgerVersion = ProtocolVersion, Ext = new BucketMetadataExt { Discriminant = 0 } },
            });
            while (writer.BytesWritten < decompressedBytes)
            {
                writer.Write(entries.Next());
            }

            buffered.Flush();
        }

        gzip.StandardInput.Close();
        copy.GetAwaiter().GetResult();
        gzip.WaitForExit();
        if (gzip.ExitCode != 0)
        {
            throw new InvalidOperationException($"gzip exited with {gzip.ExitCode}");
        }

        output.Dispose();
        var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
        var destination = Path.Combine(archiveRoot, ArchivePaths.Bucket(hash));
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(temporary, destination, overwrite: true);
        return hash;
    }

    /// <summary>
    /// Entries with the mix of randomness real ones have: account ids and balances are random, an account's sub-entries follow it (sharing its key), and
    /// issuers, asset codes, flags, thresholds and home domains repeat, so the data compresses about 3–4×.
    /// </summary>
    private sealed class EntryFactory(int seed)
    {
        private static readonly string[] Domains = ["", "", "", "stellar.org", "lobstr.co", "ultrastellar.com", "example.com", "anchor.example"];
        private static readonly string[] Codes = ["USDC", "EURT", "BTC\0", "ETH\0", "AQUA", "yXLM", "SHX\0", "MOBI"];
        private readonly Random _random = new(seed);
        private readonly byte[][] _issuers = Enumerable.Range(0, 16).Select(i => SHA256.HashData(BitConverter.GetBytes(i))).ToArray();
        private long _offerId = 1_000_000L * seed;

        private readonly Queue<LedgerEntryData> _pending = new();

        public BucketEntry Next()
        {
            if (_pending.Count == 0)
            {
                Group();
            }

            return new BucketEntry
            {
                Discriminant = _random.Next(4) == 0 ? BucketEntryType.INITENTRY : BucketEntryType.LIVEENTRY,
                LiveEntry = new LedgerEntry
                {
                    LastModifiedLedgerSeq = (uint)_random.Next(50_000_000, 50_100_000),
                    Data = _pending.Dequeue(),
                    Ext = new LedgerEntryExt { Discriminant = 0 },
                },
            };
        }

        // An account and the sub-entries it owns (trustlines, offers, data), which share its key.
        private void Group()
        {
            var owner = Key(RandomKey());
            var subEntries = _random.Next(10) switch
            {
                < 3 => 0,
                < 6 => 1,
                < 8 => 2,
                _ => _random.Next(3, 8),
            };
            _pending.Enqueue(Account(owner, (uint)subEntries));
            for (var i = 0; i < subEntries; i++)
            {
                var roll = _random.Next(100);
                _pending.Enqueue(roll switch
                {
                    < 70 => TrustLine(owner),
                    < 95 => Offer(owner),
                    _ => DataEntry(owner),
                });
            }
        }

        private LedgerEntryData Account(PublicKey owner, uint subEntries)
        {
            var signers = _random.Next(10) == 0
                ? [new Signer { Key = new SignerKey { Discriminant = SignerKeyType.SIGNER_KEY_TYPE_ED25519, Ed25519 = RandomKey() }, Weight = 1 }]
                : Array.Empty<Signer>();
            return new LedgerEntryData
            {
                Discriminant = LedgerEntryType.ACCOUNT,
                Account = new AccountEntry
                {
                    AccountID = owner,
                    Balance = _random.Next(10) < 7 ? 100_000_000L * _random.Next(1, 100) : _random.NextInt64(1, 1_000_000_000_000),
                    SeqNum = ((long)_random.Next(40_000_000, 55_000_000) << 32) + _random.Next(0, 64),
                    NumSubEntries = subEntries,
                    InflationDest = _random.Next(20) == 0 ? Key(_issuers[_random.Next(_issuers.Length)]) : null,
                    Flags = 0,
                    HomeDomain = new XdrString(Domains[_random.Next(Domains.Length)]),
                    Thresholds = [1, 0, 0, 0],
                    Signers = signers,
                    Ext = new AccountEntryExt { Discriminant = 0 },
                },
            };
        }

        private LedgerEntryData TrustLine(PublicKey owner) => new()
        {
            Discriminant = LedgerEntryType.TRUSTLINE,
            TrustLine = new TrustLineEntry
            {
                AccountID = owner,
                Asset = new TrustLineAsset { Discriminant = AssetType.ASSET_TYPE_CREDIT_ALPHANUM4, AlphaNum4 = CreditAsset() },
                Balance = _random.Next(3) == 0 ? 0 : _random.NextInt64(1, 10_000_000_000),
                Limit = long.MaxValue,
                Flags = 1,
                Ext = new TrustLineEntryExt { Discriminant = 0 },
            },
        };

        private LedgerEntryData Offer(PublicKey owner) => new()
        {
            Discriminant = LedgerEntryType.OFFER,
            Offer = new OfferEntry
            {
                SellerID = owner,
                OfferID = ++_offerId,
                Selling = new Asset { Discriminant = AssetType.ASSET_TYPE_NATIVE },
                Buying = new Asset { Discriminant = AssetType.ASSET_TYPE_CREDIT_ALPHANUM4, AlphaNum4 = CreditAsset() },
                Amount = _random.NextInt64(1, 10_000_000_000),
                Price = new Price { N = _random.Next(1, 1000), D = 100 },
                Flags = 0,
                Ext = new OfferEntryExt { Discriminant = 0 },
            },
        };

        private LedgerEntryData DataEntry(PublicKey owner) => new()
        {
            Discriminant = LedgerEntryType.DATA,
            Data = new DataEntry
            {
                AccountID = owner,
                DataName = new XdrString("config." + _random.Next(100).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                DataValue = System.Text.Encoding.ASCII.GetBytes("value-" + _random.Next(1000).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Ext = new DataEntryExt { Discriminant = 0 },
            },
        };

        private AlphaNum4 CreditAsset()
        {
            var i = _random.Next(Codes.Length);
            return new AlphaNum4 { AssetCode = System.Text.Encoding.ASCII.GetBytes(Codes[i]), Issuer = Key(_issuers[i % _issuers.Length]) };
        }

        private byte[] RandomKey()
        {
            var key = new byte[32];
            _random.NextBytes(key);
            return key;
        }

        private static PublicKey Key(byte[] ed25519) => new() { Discriminant = PublicKeyType.PUBLIC_KEY_TYPE_ED25519, Ed25519 = ed25519 };
    }

    /// <summary>Hashes everything written on its way to the inner stream.</summary>
    private sealed class HashingWriteStream(Stream inner, IncrementalHash sha) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            sha.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
