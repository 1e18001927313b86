using System.Globalization;
using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// A read-only view of a stream that fails once more than a limit was read: the guard against bombs. The
/// failure is the verification problem itself, so that no reader in between can mistake it for damaged gzip.
/// </summary>
internal sealed class LengthLimitedStream(Stream inner, long limit, string fileName)
    : ReadOnlyPassThroughStream(inner, leaveOpen: true)
{
    protected override void AfterRead(ReadOnlySpan<byte> data, int requested)
    {
        if (BytesRead > limit)
        {
            uint? ledger = ArchivePaths.TryParseCheckpointFile(fileName, out _, out var checkpoint) || ArchivePaths.TryParseHistoryState(fileName, out checkpoint) ? checkpoint : null;
            throw new HistoryVerificationException(new VerificationProblem(fileName, ledger, ProblemKind.Corrupt, string.Create(
                CultureInfo.InvariantCulture, $"{fileName}: more than the {limit} bytes accepted for this kind of file (rule: decompressed size limit)")));
        }
    }
}
