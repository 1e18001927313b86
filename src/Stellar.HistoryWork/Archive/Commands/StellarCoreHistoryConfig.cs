using System.Globalization;
using System.Text;

namespace Stellar.HistoryWork;

/// <summary>
/// Reads the <c>[HISTORY.name]</c> sections of a stellar-core configuration file (TOML) as the reference node does:
/// the section name is the archive's name, its <c>get</c>, <c>put</c> and <c>mkdir</c> strings are the templates.
/// Only what those sections need is parsed — headers, and <c>key = "basic"</c> or <c>key = 'literal'</c> strings with
/// comments — so the rest of a real configuration (quorum sets, arrays, numbers) is passed over, not judged.
/// </summary>
internal static class StellarCoreHistoryConfig
{
    public sealed record Section(string Name, string? Get, string? Put, string? Mkdir);

    /// <exception cref="FormatException">A header or a history string that does not parse, naming the line.</exception>
    public static IReadOnlyList<Section> Parse(string toml)
    {
        var sections = new List<Section>();
        Section? current = null;
        var lineNumber = 0;
        foreach (var raw in toml.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.StartsWith('['))
            {
                if (current is not null)
                {
                    sections.Add(current);
                }

                current = null;
                if (!line.StartsWith("[[", StringComparison.Ordinal))
                {
                    var close = line.IndexOf(']', StringComparison.Ordinal);
                    if (close < 0)
                    {
                        throw Error(lineNumber, "a table header without ']'");
                    }

                    var table = line[1..close].Trim();
                    if (table.StartsWith("HISTORY.", StringComparison.Ordinal))
                    {
                        var name = table["HISTORY.".Length..].Trim().Trim('"');
                        current = name.Length > 0 ? new Section(name, null, null, null) : throw Error(lineNumber, "a [HISTORY.] section without a name");
                    }
                }

                continue;
            }

            if (current is null || line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Error(lineNumber, $"[HISTORY.{current.Name}] holds '{line}', not key = \"value\"");
            }

            var key = line[..equals].Trim().Trim('"');
            if (key is not ("get" or "put" or "mkdir"))
            {
                continue;
            }

            var value = ParseString(line[(equals + 1)..].Trim(), lineNumber);
            current = key switch
            {
                "get" => current with { Get = value },
                "put" => current with { Put = value },
                _ => current with { Mkdir = value },
            };
        }

        if (current is not null)
        {
            sections.Add(current);
        }

        return sections;
    }

    private static string ParseString(string text, int lineNumber)
    {
        if (text.Length < 2 || (text[0] != '"' && text[0] != '\''))
        {
            throw Error(lineNumber, $"{text} is not a quoted string");
        }

        var quote = text[0];
        var value = new StringBuilder();
        var i = 1;
        for (; i < text.Length && text[i] != quote; i++)
        {
            if (quote == '"' && text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                switch (text[i])
                {
                    case 'n': value.Append('\n'); break;
                    case 't': value.Append('\t'); break;
                    case 'r': value.Append('\r'); break;
                    case 'u' when i + 4 < text.Length:
                        value.Append((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    case '"' or '\\': value.Append(text[i]); break;
                    default: throw Error(lineNumber, $"unknown escape '\\{text[i]}'");
                }
            }
            else
            {
                value.Append(text[i]);
            }
        }

        var rest = i < text.Length ? text[(i + 1)..].Trim() : null;
        if (rest is null || (rest.Length > 0 && !rest.StartsWith('#')))
        {
            throw Error(lineNumber, $"{text} is not one quoted string");
        }

        return value.ToString();
    }

    private static FormatException Error(int line, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"line {line}: {what}"));
}
