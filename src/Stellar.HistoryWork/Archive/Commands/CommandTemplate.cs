using System.Globalization;
using System.Text;

namespace Stellar.HistoryWork;

/// <summary>
/// A stellar-core history command template (<c>get</c>, <c>put</c>, <c>mkdir</c>): placeholders in the reference node's
/// format syntax (<c>{0}</c>, <c>{1}</c>, <c>{}</c> for the next one, <c>{{</c> and <c>}}</c> for braces), run without a
/// shell — the reference node splits the line on runs of whitespace and spawns the first word with the others as its
/// arguments (<c>posix_spawnp</c>: the program is looked up on <c>PATH</c>), so quotes, pipes, redirections and
/// variables mean nothing. The line is split before the values are put in, so a value is always one whole argument:
/// the same argument list as the reference node's whenever no value holds whitespace (archive paths never do).
/// </summary>
internal sealed class CommandTemplate
{
    private readonly string[][] _words; // each word: literal parts and placeholder indexes ("\0N")

    private CommandTemplate(string text, string[][] words)
    {
        Text = text;
        _words = words;
    }

    /// <summary>The template as configured.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>, which may use placeholders 0 .. <paramref name="arguments"/> - 1.</summary>
    /// <exception cref="FormatException">An unmatched brace, an unknown placeholder, or an empty command.</exception>
    public static CommandTemplate Parse(string text, int arguments, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new FormatException($"the {what} command is empty");
        }

        var next = 0;
        var parsed = new string[words.Length][];
        for (var w = 0; w < words.Length; w++)
        {
            var parts = new List<string>();
            var literal = new StringBuilder();
            var word = words[w];
            for (var i = 0; i < word.Length; i++)
            {
                var c = word[i];
                if ((c == '{' || c == '}') && i + 1 < word.Length && word[i + 1] == c)
                {
                    literal.Append(c);
                    i++;
                }
                else if (c == '{')
                {
                    var close = word.IndexOf('}', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException($"the {what} command '{text}' has an unmatched '{{'");
                    }

                    var inside = word.AsSpan(i + 1, close - i - 1);
                    var index = inside.IsEmpty ? next++ : int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                    if (index < 0 || index >= arguments)
                    {
                        throw new FormatException($"the {what} command '{text}' uses '{{{inside}}}'; it takes {{0}}{(arguments > 1 ? " and {1}" : "")} only");
                    }

                    parts.Add(literal.ToString());
                    literal.Clear();
                    parts.Add("\0" + index.ToString(CultureInfo.InvariantCulture));
                    i = close;
                }
                else if (c == '}')
                {
                    throw new FormatException($"the {what} command '{text}' has an unmatched '}}'");
                }
                else
                {
                    literal.Append(c);
                }
            }

            parts.Add(literal.ToString());
            parsed[w] = [.. parts.Where(p => p.Length > 0)];
        }

        return new CommandTemplate(text, parsed);
    }

    /// <summary>The program and its arguments with <paramref name="values"/> put in.</summary>
    public IReadOnlyList<string> Format(params string[] values)
    {
        var argv = new string[_words.Length];
        for (var w = 0; w < _words.Length; w++)
        {
            var builder = new StringBuilder();
            foreach (var part in _words[w])
            {
                builder.Append(part[0] == '\0' ? values[int.Parse(part.AsSpan(1), CultureInfo.InvariantCulture)] : part);
            }

            argv[w] = builder.ToString();
        }

        return argv;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
