using System.Globalization;
using System.Text.RegularExpressions;

namespace Stellar.Xdr.Generator;

/// <summary>Parses the line-oriented notation of docs/xdr-schema.md.</summary>
internal static partial class SchemaParser
{
    public static SchemaFile Parse(string fileName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var definitions = new List<Definition>();
        var index = 0;
        while (index < lines.Length)
        {
            var location = new SchemaLocation(fileName, index + 1);
            var line = Clean(lines[index]);
            index++;
            if (line.Length == 0)
            {
                continue;
            }

            Match m;
            if ((m = ConstPattern().Match(line)).Success)
            {
                definitions.Add(new ConstDefinition(m.Groups["name"].Value, location, ParseNumber(m.Groups["value"].Value, location)));
            }
            else if ((m = AliasPattern().Match(line)).Success)
            {
                definitions.Add(new AliasDefinition(m.Groups["name"].Value, location, ParseType(m.Groups["type"].Value, location)));
            }
            else if ((m = EnumPattern().Match(line)).Success)
            {
                var members = new List<EnumMember>();
                foreach (var (body, at) in ReadBlock(lines, ref index, fileName, location))
                {
                    var member = EnumMemberPattern().Match(body);
                    if (!member.Success)
                    {
                        throw new SchemaException(at, "expected 'NAME = value' in enum " + m.Groups["name"].Value + ", found '" + body + "'");
                    }

                    var value = ParseNumber(member.Groups["value"].Value, at);
                    if (value is < int.MinValue or > int.MaxValue)
                    {
                        throw new SchemaException(at, "enum value " + value.ToString(CultureInfo.InvariantCulture) + " does not fit in 32 bits");
                    }

                    members.Add(new EnumMember(member.Groups["name"].Value, (int)value, at));
                }

                definitions.Add(new EnumDefinition(m.Groups["name"].Value, location, members));
            }
            else if ((m = StructPattern().Match(line)).Success)
            {
                var fields = new List<Field>();
                foreach (var (body, at) in ReadBlock(lines, ref index, fileName, location))
                {
                    fields.Add(ParseField(body, at));
                }

                definitions.Add(new StructDefinition(m.Groups["name"].Value, location, fields));
            }
            else if ((m = UnionPattern().Match(line)).Success)
            {
                var arms = new List<UnionArm>();
                foreach (var (body, at) in ReadBlock(lines, ref index, fileName, location))
                {
                    var arm = ArmPattern().Match(body);
                    if (!arm.Success)
                    {
                        throw new SchemaException(at, "expected 'CASE[, CASE...] -> void' or '... -> Type name' in union " + m.Groups["name"].Value + ", found '" + body + "'");
                    }

                    var cases = arm.Groups["cases"].Value.Split(',', StringSplitOptions.TrimEntries);
                    if (cases.Any(c => c.Length == 0))
                    {
                        throw new SchemaException(at, "empty case label in '" + body + "'");
                    }

                    var isDefault = cases.Length == 1 && cases[0] == "default";
                    if (!isDefault && cases.Contains("default"))
                    {
                        throw new SchemaException(at, "'default' must be an arm of its own");
                    }

                    var target = arm.Groups["arm"].Value.Trim();
                    var field = target == "void" ? null : ParseField(target, at);
                    arms.Add(new UnionArm(isDefault ? [] : cases, isDefault, field, at));
                }

                definitions.Add(new UnionDefinition(
                    m.Groups["name"].Value,
                    location,
                    ParseType(m.Groups["dtype"].Value, location),
                    m.Groups["dname"].Value,
                    arms));
            }
            else
            {
                throw new SchemaException(location, "cannot parse '" + line + "' (expected const, alias, enum, struct or union)");
            }
        }

        return new SchemaFile(fileName, definitions);
    }

    internal static TypeExpr ParseType(string text, SchemaLocation location)
    {
        var m = TypePattern().Match(text.Trim());
        if (!m.Success)
        {
            throw new SchemaException(location, "cannot parse type expression '" + text.Trim() + "'");
        }

        var name = m.Groups["name"].Value;
        var hasFixed = m.Groups["fixed"].Success;
        var hasVar = m.Groups["var"].Success;
        var size = hasFixed ? m.Groups["fixed"].Value.Trim() : hasVar ? m.Groups["var"].Value.Trim() : null;
        if (size is { Length: 0 })
        {
            if (hasFixed)
            {
                throw new SchemaException(location, "a fixed length '[]' needs a size in '" + text.Trim() + "'");
            }

            size = null;
        }

        if (size is not null && !SizePattern().IsMatch(size))
        {
            throw new SchemaException(location, "size '" + size + "' is neither a number nor a const name");
        }

        TypeExpr type = name switch
        {
            "opaque" when hasFixed || hasVar => new OpaqueTypeExpr(hasFixed, size),
            "opaque" => throw new SchemaException(location, "opaque needs [N] or <N>"),
            "string" when hasVar => new StringTypeExpr(size),
            "string" => throw new SchemaException(location, "string needs <N> or <>"),
            _ when hasFixed || hasVar => new ArrayTypeExpr(new NamedTypeExpr(name), hasFixed, size),
            _ => new NamedTypeExpr(name),
        };

        return m.Groups["optional"].Success ? new OptionalTypeExpr(type) : type;
    }

    private static Field ParseField(string text, SchemaLocation location)
    {
        var m = FieldPattern().Match(text);
        if (!m.Success)
        {
            throw new SchemaException(location, "expected '<type> <fieldName>', found '" + text + "'");
        }

        return new Field(ParseType(m.Groups["type"].Value, location), m.Groups["name"].Value, location);
    }

    private static List<(string Body, SchemaLocation Location)> ReadBlock(string[] lines, ref int index, string fileName, SchemaLocation opened)
    {
        var result = new List<(string Body, SchemaLocation Location)>();
        while (index < lines.Length)
        {
            var at = new SchemaLocation(fileName, index + 1);
            var line = Clean(lines[index]);
            index++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "}")
            {
                return result;
            }

            result.Add((line, at));
        }

        throw new SchemaException(opened, "block opened here is never closed with '}'");
    }

    private static long ParseNumber(string text, SchemaLocation location)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        var ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok)
        {
            throw new SchemaException(location, "'" + text + "' is not a number");
        }

        return negative ? -value : value;
    }

    private static string Clean(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        return (hash >= 0 ? line[..hash] : line).Trim();
    }

    [GeneratedRegex(@"^const\s+(?<name>[A-Za-z_]\w*)\s*=\s*(?<value>-?(0x[0-9A-Fa-f]+|\d+))$")]
    private static partial Regex ConstPattern();

    [GeneratedRegex(@"^alias\s+(?<name>[A-Za-z_]\w*)\s*=\s*(?<type>\S.*)$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex(@"^enum\s+(?<name>[A-Za-z_]\w*)\s*\{$")]
    private static partial Regex EnumPattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_]\w*)\s*=\s*(?<value>-?(0x[0-9A-Fa-f]+|\d+))$")]
    private static partial Regex EnumMemberPattern();

    [GeneratedRegex(@"^struct\s+(?<name>[A-Za-z_]\w*)\s*\{$")]
    private static partial Regex StructPattern();

    [GeneratedRegex(@"^union\s+(?<name>[A-Za-z_]\w*)\s*:\s*(?<dtype>[A-Za-z_]\w*)\s+(?<dname>[A-Za-z_]\w*)\s*\{$")]
    private static partial Regex UnionPattern();

    [GeneratedRegex(@"^(?<cases>.+?)\s*->\s*(?<arm>\S.*)$")]
    private static partial Regex ArmPattern();

    [GeneratedRegex(@"^(?<type>\S+)\s+(?<name>[A-Za-z_]\w*)$")]
    private static partial Regex FieldPattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z_]\w*)(\[(?<fixed>[^\]]*)\]|<(?<var>[^>]*)>)?(?<optional>\?)?$")]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"^([0-9]+|0x[0-9A-Fa-f]+|[A-Za-z_]\w*)$")]
    private static partial Regex SizePattern();
}
