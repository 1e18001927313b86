using System.Runtime.InteropServices;

namespace Stellar.Xdr;

/// <summary>
/// One gzip member at a time through the zlib that ships with .NET (the same native code
/// <see cref="System.IO.Compression.GZipStream"/> runs). <c>GZipStream</c> cannot say how many input bytes a
/// member used, so bytes after the last member (a copy of its trailer, junk, an endless tail) pass unseen;
/// driving the inflater directly tells exactly where each member ends. zlib checks each member's header, its
/// CRC-32 and its size.
/// </summary>
internal sealed partial class ZlibInflater : IDisposable
{
    // 15-bit window, +16: a gzip wrapper (header parsed, trailer checked) rather than zlib or raw deflate.
    private const int GzipWindowBits = 15 + 16;
    private const int NoFlush = 0;
    private const int Ok = 0;
    private const int StreamEnd = 1;
    private const int BufferError = -5;
    private const int MemoryError = -4;
    private const string Library = "System.IO.Compression.Native";

    private ZStream _stream;
    private bool _initialized;

    public ZlibInflater()
    {
        Check(InflateInit2(ref _stream, GzipWindowBits), "initialize");
        _initialized = true;
    }

    ~ZlibInflater() => Dispose(false);

    /// <summary>zlib's description of the last error, if any.</summary>
    public string? Message => _stream.Message == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(_stream.Message);

    /// <summary>Starts a new member (the inflater must have finished the previous one).</summary>
    public void Reset() => Check(InflateReset2(ref _stream, GzipWindowBits), "reset");

    /// <summary>
    /// Inflates from <paramref name="input"/> into <paramref name="output"/>. Returns the bytes used and produced,
    /// and whether the member (trailer included) ended; throws <see cref="InvalidDataException"/> on damaged data.
    /// </summary>
    public unsafe (int Consumed, int Produced, bool MemberEnded) Inflate(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(!_initialized, this);
        fixed (byte* inPtr = input)
        fixed (byte* outPtr = output)
        {
            _stream.NextIn = (IntPtr)inPtr;
            _stream.AvailIn = (uint)input.Length;
            _stream.NextOut = (IntPtr)outPtr;
            _stream.AvailOut = (uint)output.Length;
            var code = Inflate(ref _stream, NoFlush);
            var consumed = input.Length - (int)_stream.AvailIn;
            var produced = output.Length - (int)_stream.AvailOut;
            _stream.NextIn = IntPtr.Zero;
            _stream.NextOut = IntPtr.Zero;
            switch (code)
            {
                case Ok:
                case BufferError: // no progress possible: more input is needed
                    return (consumed, produced, false);
                case StreamEnd:
                    return (consumed, produced, true);
                case MemoryError:
                    throw new InsufficientMemoryException("zlib could not allocate its state.");
                default:
                    throw new InvalidDataException(Message ?? $"zlib error {code}");
            }
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    private void Dispose(bool disposing)
    {
        _ = disposing;
        if (_initialized)
        {
            _initialized = false;
            _ = InflateEnd(ref _stream);
        }
    }

    private void Check(int code, string what)
    {
        if (code == MemoryError)
        {
            throw new InsufficientMemoryException($"zlib could not {what} an inflater.");
        }

        if (code != Ok)
        {
            throw new InvalidOperationException($"zlib could not {what} an inflater (error {code}: {Message}).");
        }
    }

    // The shim's view of a z_stream: it copies these fields to and from its own z_stream on every call, so this
    // struct may move between calls.
    [StructLayout(LayoutKind.Sequential)]
    private struct ZStream
    {
        public IntPtr NextIn;
        public IntPtr NextOut;
        public IntPtr Message;
        public IntPtr InternalState;
        public uint AvailIn;
        public uint AvailOut;
    }

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateInit2_")]
    private static partial int InflateInit2(ref ZStream stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_Inflate")]
    private static partial int Inflate(ref ZStream stream, int flush);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateReset2_")]
    private static partial int InflateReset2(ref ZStream stream, int windowBits);

    [LibraryImport(Library, EntryPoint = "CompressionNative_InflateEnd")]
    private static partial int InflateEnd(ref ZStream stream);
}
