namespace Stellar.Xdr;

/// <summary>
/// Decompresses gzip (one member or several) and accepts only a well-formed file, as <c>gzip -d</c> does:
/// every member's header, data, CRC-32 and size check out; the input ends exactly where the last member
/// ends (a copy of the trailer, junk or padding after it is corruption); a file cut short anywhere, even at a
/// block boundary, is corruption; a 0-byte input is not gzip. The compressed bytes used may never outrun
/// deflate's worst-case expansion of the bytes produced so far (plus room for headers and code tables), so
/// endless empty blocks, endless header fields or endless empty members fail early instead of streaming forever.
/// Every failure is an <see cref="XdrStreamException"/> with <see cref="XdrRule.CorruptCompression"/> naming the source.
/// </summary>
public sealed class CheckedGzipStream : Stream
{
    /// <summary>
    /// Compressed bytes allowed beyond the decompressed bytes produced so far: gzip headers (including a
    /// maximal extra field and file name), deflate code tables and the inflater's look-ahead fit many times over.
    /// </summary>
    internal const long CompressedSlackBytes = 1 << 20;

    /// <summary>
    /// Deflate's worst case grows data by 5 bytes per stored block (at most 65,535 bytes, 16 KiB in zlib);
    /// 1/64 of the decompressed size allows any real encoder's overhead with a wide margin.
    /// </summary>
    internal const int ExpansionDivisor = 64;

    private const int InputBufferSize = 1 << 16;
    private const byte GzipMagic1 = 0x1f;
    private const byte GzipMagic2 = 0x8b;

    private readonly Stream _compressed;
    private readonly bool _leaveOpen;
    private readonly string? _sourceName;
    private readonly byte[] _input = new byte[InputBufferSize];
    private readonly ZlibInflater _inflater = new();
    private int _inputStart;
    private int _inputEnd;
    private bool _sourceEnded;
    private long _consumed;
    private int _members;
    private bool _inMember;
    private bool _ended;

    /// <summary>Wraps <paramref name="compressed"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public CheckedGzipStream(Stream compressed, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        _compressed = compressed;
        _leaveOpen = leaveOpen;
        _sourceName = sourceName;
    }

    /// <summary>Compressed bytes read from the source so far.</summary>
    public long CompressedBytes { get; private set; }

    /// <summary>Decompressed bytes produced so far.</summary>
    public long DecompressedBytes { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => DecompressedBytes;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var produced = Step(buffer, out var needsInput);
            if (!needsInput)
            {
                return produced;
            }

            Filled(_compressed.Read(_input, _inputEnd, _input.Length - _inputEnd));
        }
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var produced = Step(buffer.Span, out var needsInput);
            if (!needsInput)
            {
                return produced;
            }

            Filled(await _compressed.ReadAsync(_input.AsMemory(_inputEnd), cancellationToken).ConfigureAwait(false));
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater.Dispose();
            if (!_leaveOpen)
            {
                _compressed.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        _inflater.Dispose();
        if (!_leaveOpen)
        {
            await _compressed.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Does all the work between reads of the source; <paramref name="needsInput"/> asks for one.</summary>
    private int Step(Span<byte> output, out bool needsInput)
    {
        needsInput = false;
        if (_ended || output.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            var available = _inputEnd - _inputStart;
            if (!_inMember)
            {
                if (available == 0)
                {
                    if (!_sourceEnded)
                    {
                        return NeedInput(out needsInput);
                    }

                    Finish();
                    return 0;
                }

                // Anything after a member must be another whole member.
                if (_members > 0)
                {
                    if (_input[_inputStart] != GzipMagic1 || (available > 1 && _input[_inputStart + 1] != GzipMagic2))
                    {
                        throw Corrupt($"bytes follow the end of gzip member {_members} (at compressed byte {_consumed}) that do not start another member");
                    }

                    _inflater.Reset();
                }

                _members++;
                _inMember = true;
            }

            if (available == 0)
            {
                if (_sourceEnded)
                {
                    throw Corrupt($"gzip data ends inside member {_members} after {DecompressedBytes} decompressed bytes (file cut short?)");
                }

                return NeedInput(out needsInput);
            }

            int consumed, produced;
            bool memberEnded;
            try
            {
                (consumed, produced, memberEnded) = _inflater.Inflate(_input.AsSpan(_inputStart, available), output);
            }
            catch (InvalidDataException e)
            {
                throw Corrupt($"gzip data is damaged in member {_members}: {e.Message}", e);
            }

            _inputStart += consumed;
            _consumed += consumed;
            DecompressedBytes += produced;
            CheckExpansion();
            if (memberEnded)
            {
                _inMember = false;
            }

            if (produced > 0)
            {
                return produced;
            }

            if (!memberEnded && _inputStart != _inputEnd)
            {
                throw new InvalidOperationException("zlib made no progress with input and output space available.");
            }
        }
    }

    private int NeedInput(out bool needsInput)
    {
        _inputStart = _inputEnd = 0;
        needsInput = true;
        return 0;
    }

    private void Filled(int read)
    {
        if (read <= 0)
        {
            _sourceEnded = true;
            return;
        }

        _inputEnd += read;
        CompressedBytes += read;
    }

    private void Finish()
    {
        _ended = true;
        if (_members == 0)
        {
            throw Corrupt("a 0-byte file is not gzip (an empty history file is a gzip of nothing)");
        }
    }

    private void CheckExpansion()
    {
        var allowed = DecompressedBytes + (DecompressedBytes / ExpansionDivisor) + CompressedSlackBytes;
        if (_consumed > allowed)
        {
            throw Corrupt(
                $"gzip data used {_consumed} compressed bytes for {DecompressedBytes} decompressed bytes, more than deflate can need " +
                "(endless empty blocks, header fields or members?)");
        }
    }

    private XdrStreamException Corrupt(string message, Exception? inner = null) =>
        new(XdrRule.CorruptCompression, DecompressedBytes, _sourceName, message, inner);
}
