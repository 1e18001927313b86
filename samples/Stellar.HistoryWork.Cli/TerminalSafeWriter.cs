using System.Globalization;
using System.Text;

namespace Stellar.HistoryWork.Cli;

/// <summary>
/// Human text passes through here on its way to a terminal: control characters (an escape sequence in an
/// HTTP reason phrase, a HAS <c>server</c> string, a file name) are written as visible <c>\xNN</c> escapes so
/// that nothing an archive serves can move the cursor, recolour, retitle or clear the user's terminal. Line
/// breaks and tabs pass.
/// </summary>
internal sealed class TerminalSafeWriter : TextWriter
{
    private static readonly bool CarriageReturnIsNewLine = Environment.NewLine.Contains('\r', StringComparison.Ordinal);
    private readonly TextWriter _inner;

    private TerminalSafeWriter(TextWriter inner)
        : base(CultureInfo.InvariantCulture)
    {
        _inner = inner;
    }

    public override Encoding Encoding => _inner.Encoding;

    /// <summary><paramref name="writer"/> guarded (once).</summary>
    public static TextWriter Guard(TextWriter writer) => writer as TerminalSafeWriter ?? new TerminalSafeWriter(writer);

    /// <summary>Whether <paramref name="c"/> is written as an escape.</summary>
    public static bool NeedsEscape(char c) =>
        (c < ' ' && c != '\n' && c != '\t' && !(c == '\r' && CarriageReturnIsNewLine)) || c is >= '\u007f' and <= '\u009f';

    public override void Write(char value)
    {
        if (NeedsEscape(value))
        {
            _inner.Write(Escape(value));
        }
        else
        {
            _inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null || !value.Any(NeedsEscape))
        {
            _inner.Write(value);
            return;
        }

        var text = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (NeedsEscape(c))
            {
                text.Append(Escape(c));
            }
            else
            {
                text.Append(c);
            }
        }

        _inner.Write(text.ToString());
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        Write(value);
        _inner.WriteLine();
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync() => _inner.FlushAsync();

    private static string Escape(char c) => c <= '\u00ff'
        ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:X2}")
        : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
}
