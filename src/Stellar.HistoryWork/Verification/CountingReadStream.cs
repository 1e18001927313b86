using Stellar.HistoryWork.IO;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// A read-only pass-through that counts the bytes read and, when given a destination, copies every byte
/// read into it, so a download can be verified and written to its temporary file in one pass.
/// </summary>
internal sealed class CountingReadStream(Stream source, Stream? copyTo, bool leaveOpen)
    : ReadOnlyPassThroughStream(source, leaveOpen)
{
    protected override void AfterRead(ReadOnlySpan<byte> data, int requested)
    {
        if (!data.IsEmpty)
        {
            copyTo?.Write(data);
        }
    }

    protected override ValueTask AfterReadAsync(ReadOnlyMemory<byte> data, int requested, CancellationToken cancellationToken) =>
        data.IsEmpty || copyTo is null ? default : copyTo.WriteAsync(data, cancellationToken);
}
