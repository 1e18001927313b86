using System.Globalization;

namespace Stellar.HistoryWork;

/// <summary>
/// The archive layout: where each file lives relative to the archive root, and the reverse.
/// Paths use '/' and never start with one.
/// </summary>
public static class ArchivePaths
{
    /// <summary>The root HAS: the newest published checkpoint.</summary>
    public const string WellKnownState = ".well-known/stellar-history.json";

    private const string BucketCategory = "bucket";
    private const string HistoryCategory = "history";

    /// <summary>The category folder and file-name prefix of <paramref name="kind"/>, e.g. <c>ledger</c>.</summary>
    public static string CategoryOf(HistoryFileKind kind) => kind switch
    {
        HistoryFileKind.Ledger => "ledger",
        HistoryFileKind.Transactions => "transactions",
        HistoryFileKind.Results => "results",
        HistoryFileKind.Scp => "scp",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown history file kind."),
    };

    /// <summary><c>history/ww/xx/yy/history-wwxxyyzz.json</c>.</summary>
    public static string HistoryState(uint checkpoint) => Checkpointed(HistoryCategory, checkpoint, ".json");

    /// <summary><c>&lt;kind&gt;/ww/xx/yy/&lt;kind&gt;-wwxxyyzz.xdr.gz</c>.</summary>
    public static string CheckpointFile(HistoryFileKind kind, uint checkpoint) => Checkpointed(CategoryOf(kind), checkpoint, ".xdr.gz");

    /// <summary><c>bucket/pp/qq/rr/bucket-&lt;hex&gt;.xdr.gz</c> for a bucket hash of 64 lowercase hex digits.</summary>
    /// <exception cref="ArgumentException">Not a hash, or the all-zero hash (the empty bucket has no file).</exception>
    public static string Bucket(string hashHex)
    {
        ArgumentNullException.ThrowIfNull(hashHex);
        if (!HashHex.IsValid(hashHex))
        {
            throw new ArgumentException($"'{hashHex}' is not a hash of 64 lowercase hex digits.", nameof(hashHex));
        }

        if (HashHex.IsZero(hashHex))
        {
            throw new ArgumentException("The empty bucket (all-zero hash) has no file.", nameof(hashHex));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{BucketCategory}/{hashHex[..2]}/{hashHex[2..4]}/{hashHex[4..6]}/{BucketCategory}-{hashHex}.xdr.gz");
    }

    /// <summary>The bucket path for a raw 32-byte hash.</summary>
    public static string Bucket(ReadOnlySpan<byte> hash) => Bucket(HashHex.ToHex(hash));

    /// <summary>Whether <paramref name="path"/> is <c>history/…/history-wwxxyyzz.json</c>; gives its checkpoint.</summary>
    public static bool TryParseHistoryState(string path, out uint checkpoint) =>
        TryParseCheckpointed(path, HistoryCategory, ".json", out checkpoint);

    /// <summary>Whether <paramref name="path"/> is a ledger, transactions, results or SCP file; gives its kind and checkpoint.</summary>
    public static bool TryParseCheckpointFile(string path, out HistoryFileKind kind, out uint checkpoint)
    {
        foreach (var candidate in Enum.GetValues<HistoryFileKind>())
        {
            if (TryParseCheckpointed(path, CategoryOf(candidate), ".xdr.gz", out checkpoint))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        checkpoint = 0;
        return false;
    }

    /// <summary>Whether <paramref name="path"/> is a bucket file; gives its hash as 64 lowercase hex digits.</summary>
    public static bool TryParseBucket(string path, out string hashHex)
    {
        hashHex = string.Empty;
        if (path is null || !path.StartsWith(BucketCategory + "/", StringComparison.Ordinal) || !path.EndsWith(".xdr.gz", StringComparison.Ordinal))
        {
            return false;
        }

        const string prefix = BucketCategory + "/pp/qq/rr/" + BucketCategory + "-";
        if (path.Length != prefix.Length + HashHex.HexLength + ".xdr.gz".Length)
        {
            return false;
        }

        var hex = path.Substring(prefix.Length, HashHex.HexLength);
        if (!HashHex.IsValid(hex) || !string.Equals(path, Bucket(hex), StringComparison.Ordinal))
        {
            return false;
        }

        hashHex = hex;
        return true;
    }

    /// <summary>
    /// What kind of file <paramref name="path"/> is, as a low-cardinality name for metrics: a checkpoint file's
    /// category, <c>bucket</c>, <c>history</c> (a HAS, the root one included) or <c>other</c>.
    /// </summary>
    internal static string KindNameOf(string? path)
    {
        if (path is null)
        {
            return "other";
        }

        if (TryParseCheckpointFile(path, out var kind, out _))
        {
            return CategoryOf(kind);
        }

        if (TryParseBucket(path, out _))
        {
            return BucketCategory;
        }

        return path == WellKnownState || TryParseHistoryState(path, out _) ? HistoryCategory : "other";
    }

    private static string Checkpointed(string category, uint checkpoint, string extension)
    {
        var hex = checkpoint.ToString("x8", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{category}/{hex[..2]}/{hex[2..4]}/{hex[4..6]}/{category}-{hex}{extension}");
    }

    private static bool TryParseCheckpointed(string path, string category, string extension, out uint checkpoint)
    {
        checkpoint = 0;
        // "<category>/ww/xx/yy/<category>-wwxxyyzz<extension>"
        var expectedLength = category.Length + 10 + category.Length + 1 + 8 + extension.Length;
        if (path is null || path.Length != expectedLength || !path.StartsWith(category + "/", StringComparison.Ordinal) || !path.EndsWith(extension, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = path.AsSpan(category.Length + 10 + category.Length + 1, 8);
        foreach (var c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        var value = uint.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (!string.Equals(path, Checkpointed(category, value, extension), StringComparison.Ordinal))
        {
            return false;
        }

        checkpoint = value;
        return true;
    }
}
