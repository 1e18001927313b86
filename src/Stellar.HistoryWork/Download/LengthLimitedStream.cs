using System.Globalization;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// A read-only view of a stream that fails once more than a limit was read: the guard against bombs. The
/// failure is the verification problem itself, so that no reader in between can mistake it for damaged gzip.
/// </summary>
internal sealed class LengthLimitedStream(Stream inner, long limit, string fileName) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            uint? ledger = ArchivePaths.TryParseCheckpointFile(fileName, out _, out var checkpoint) || ArchivePaths.TryParseHistoryState(fileName, out checkpoint) ? checkpoint : null;
            throw new HistoryVerificationException(new VerificationProblem(fileName, ledger, ProblemKind.Corrupt, string.Create(
                CultureInfo.InvariantCulture, $"{fileName}: more than the {limit} bytes accepted for this kind of file (rule: decompressed size limit)")));
        }

        return read;
    }
}
