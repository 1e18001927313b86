using System.Text;

namespace Stellar.Xdr.Generator;

/// <summary>Builds indented text with LF line ends, whatever the platform.</summary>
internal sealed class Code
{
    private readonly StringBuilder _text = new();

    public int Indent { get; set; }

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _text.Append(' ', Indent * 4).Append(text);
        }

        _text.Append('\n');
    }

    public void Open()
    {
        Line("{");
        Indent++;
    }

    public void Close()
    {
        Indent--;
        Line("}");
    }

    public override string ToString() => _text.ToString();
}
