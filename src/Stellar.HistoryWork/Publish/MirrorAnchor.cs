using System.Text;
using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// The last verified state of a mirror: the source's newest header as the last successful run verified it, kept in the
/// work directory (<c>mirror-anchor</c>: the source's location, then <c>LEDGER:HEX</c>). A rerun whose range ends at that
/// ledger anchors the chain it reads back from the target to it, instead of fetching the source's ledger file again; a
/// target header that differs is the target's fault and is fetched from the source. History does not change, so the
/// fact stays true for as long as the source is the same archive.
/// </summary>
internal static class MirrorAnchor
{
    private const string FileName = "mirror-anchor";

    /// <summary>The anchor an earlier run recorded for <paramref name="source"/> in <paramref name="workDirectory"/>, else null.</summary>
    public static TrustedLedgerHash? Read(string workDirectory, string source)
    {
        var path = Path.Combine(workDirectory, FileName);
        try
        {
            var lines = File.ReadAllLines(path, Encoding.UTF8);
            return lines.Length == 2 && lines[0] == Escape(source) ? TrustedLedgerHash.Parse(lines[1]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // No record, or one that cannot be used: the rerun anchors to the source's file as a first run does.
            return null;
        }
    }

    /// <summary>Records <paramref name="newest"/> as the source's header, verified.</summary>
    public static Task WriteAsync(string workDirectory, string source, TrustedLedgerHash newest, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(
            Path.Combine(workDirectory, FileName),
            (stream, ct) => stream.WriteAsync(Encoding.UTF8.GetBytes($"{Escape(source)}\n{newest}\n"), ct).AsTask(),
            cancellationToken);

    /// <summary>Forgets the record (it named a header the source no longer serves).</summary>
    public static void Forget(string workDirectory) => AtomicFile.TryDelete(Path.Combine(workDirectory, FileName));

    private static string Escape(string source) => source.ReplaceLineEndings(" ");
}
