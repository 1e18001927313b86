using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork.Download;

/// <summary>A read-only view of a stream that fails once more than a limit was read: the guard against bombs.</summary>
internal sealed class LengthLimitedStream(Stream inner, long limit, string fileName)
    : ReadOnlyPassThroughStream(inner, leaveOpen: true)
{
    protected override void AfterRead(ReadOnlySpan<byte> data, int requested)
    {
        if (BytesRead > limit)
        {
            throw new InvalidDataException($"{fileName}: larger than the {limit:N0}-byte limit for this kind of file.");
        }
    }
}
