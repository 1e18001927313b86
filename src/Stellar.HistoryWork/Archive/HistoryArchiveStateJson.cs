using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stellar.HistoryWork;

/// <summary>
/// HAS JSON both ways. Reading looks fields up by name (some real files were re-sorted by hand);
/// writing reproduces stellar-core's cereal/rapidjson pretty printer byte for byte.
/// </summary>
internal static class HistoryArchiveStateJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 16,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,

        // .NET would read the last of two equal keys, stellar-core's reader the first: a file that means two
        // different things to the two is corrupt.
        AllowDuplicateProperties = false,
    };

    // Members this reader does not know are tolerated while small (an extension some publisher adds); a big one is
    // a way to smuggle data past verification into every mirror that republishes the file verbatim.
    private const int MaxUnknownMemberBytes = 1024;

    private static readonly HashSet<string> RootMembers = ["version", "server", "currentLedger", "networkPassphrase", "currentBuckets", "hotArchiveBuckets"];
    private static readonly HashSet<string> LevelMembers = ["curr", "next", "snap"];
    private static readonly HashSet<string> NextMembers = ["state", "output", "curr", "snap", "shadow"];

    public static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream stream, string fileName, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await stream.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > HistoryArchiveState.MaxFileSize)
            {
                throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.TooLarge, $"more than {HistoryArchiveState.MaxFileSize} bytes");
            }
        }
    }

    public static HistoryArchiveState Parse(ReadOnlySpan<byte> utf8Json, string fileName)
    {
        if (utf8Json.Length > HistoryArchiveState.MaxFileSize)
        {
            throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.TooLarge, $"{utf8Json.Length} bytes, more than {HistoryArchiveState.MaxFileSize}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), DocumentOptions);
        }
        catch (JsonException e)
        {
            var what = e.Message.Contains("uplicate", StringComparison.Ordinal) ? "a key appears twice in one object" : "not valid JSON";
            throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.Malformed, $"{what}: {e.Message}", e);
        }

        using (document)
        {
            var reader = new FieldReader(fileName);
            var root = reader.Object(document.RootElement, "the document", RootMembers);
            var version = reader.UInt32(root, "version");
            var passphrase = reader.OptionalString(root, "networkPassphrase");
            return new HistoryArchiveState
            {
                Version = version,
                Server = reader.String(root, "server"),
                CurrentLedger = reader.UInt32(root, "currentLedger"),
                NetworkPassphrase = string.IsNullOrEmpty(passphrase) ? null : passphrase,
                CurrentBuckets = reader.Levels(root, "currentBuckets"),
                HotArchiveBuckets = root.TryGetProperty("hotArchiveBuckets", out _) ? reader.Levels(root, "hotArchiveBuckets") : null,
            };
        }
    }

    public static byte[] Write(HistoryArchiveState state)
    {
        var json = new StringBuilder(8 * 1024);
        json.Append("{\n");
        Field(json, 1, "version").Append(state.Version.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        Field(json, 1, "server").AppendString(state.Server).Append(",\n");
        Field(json, 1, "currentLedger").Append(state.CurrentLedger.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        if (!string.IsNullOrEmpty(state.NetworkPassphrase))
        {
            Field(json, 1, "networkPassphrase").AppendString(state.NetworkPassphrase).Append(",\n");
        }

        Field(json, 1, "currentBuckets");
        WriteLevels(json, state.CurrentBuckets);
        if (state.HotArchiveBuckets is { } hot)
        {
            json.Append(",\n");
            Field(json, 1, "hotArchiveBuckets");
            WriteLevels(json, hot);
        }

        json.Append("\n}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    private static void WriteLevels(StringBuilder json, IReadOnlyList<HistoryStateBucket> levels)
    {
        json.Append("[\n");
        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            Indent(json, 2).Append("{\n");
            Field(json, 3, "curr").AppendString(level.Curr).Append(",\n");
            Field(json, 3, "next").Append("{\n");
            var next = level.Next;
            Field(json, 4, "state").Append(((int)next.State).ToString(CultureInfo.InvariantCulture));
            switch (next.State)
            {
                case FutureBucketState.HashOutput:
                    json.Append(",\n");
                    Field(json, 4, "output").AppendString(next.Output!);
                    break;
                case FutureBucketState.HashInputs:
                    json.Append(",\n");
                    Field(json, 4, "curr").AppendString(next.InputCurr!).Append(",\n");
                    Field(json, 4, "snap").AppendString(next.InputSnap!).Append(",\n");
                    Field(json, 4, "shadow");
                    WriteStringArray(json, next.InputShadows, 4);
                    break;
            }

            json.Append('\n');
            Indent(json, 3).Append("},\n");
            Field(json, 3, "snap").AppendString(level.Snap).Append('\n');
            Indent(json, 2).Append('}');
            json.Append(i + 1 < levels.Count ? ",\n" : "\n");
        }

        Indent(json, 1).Append(']');
    }

    // rapidjson writes an empty array as "[]" and otherwise one element per line.
    private static void WriteStringArray(StringBuilder json, IReadOnlyList<string> values, int depth)
    {
        if (values.Count == 0)
        {
            json.Append("[]");
            return;
        }

        json.Append("[\n");
        for (var i = 0; i < values.Count; i++)
        {
            Indent(json, depth + 1).AppendString(values[i]);
            json.Append(i + 1 < values.Count ? ",\n" : "\n");
        }

        Indent(json, depth).Append(']');
    }

    private static StringBuilder Field(StringBuilder json, int depth, string name) =>
        Indent(json, depth).AppendString(name).Append(": ");

    private static StringBuilder Indent(StringBuilder json, int depth) => json.Append(' ', depth * 4);

    // rapidjson's escapes: quote, backslash, the short control escapes, other controls as \u00XX;
    // everything else (including '/' and non-ASCII) is written as is.
    private static StringBuilder AppendString(this StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }

        return json.Append('"');
    }

    private readonly struct FieldReader(string fileName)
    {
        public JsonElement Object(JsonElement element, string what) =>
            element.ValueKind == JsonValueKind.Object ? element : throw Malformed($"{what} is not a JSON object");

        public JsonElement Object(JsonElement element, string what, HashSet<string> known)
        {
            Object(element, what);
            foreach (var member in element.EnumerateObject())
            {
                if (!known.Contains(member.Name) && member.Value.GetRawText().Length > MaxUnknownMemberBytes)
                {
                    throw Malformed($"{what} has an unknown member '{member.Name}' larger than {MaxUnknownMemberBytes} bytes");
                }
            }

            return element;
        }

        public string String(JsonElement parent, string name) =>
            OptionalString(parent, name) ?? throw Malformed($"field '{name}' is missing");

        public string? OptionalString(JsonElement parent, string name)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Malformed($"field '{name}' is not a string");
        }

        public uint UInt32(JsonElement parent, string name)
        {
            if (!parent.TryGetProperty(name, out var value))
            {
                throw Malformed($"field '{name}' is missing");
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out var number)
                ? number
                : throw Malformed($"field '{name}' is not an unsigned 32-bit number");
        }

        public HistoryStateBucket[] Levels(JsonElement parent, string name)
        {
            if (!parent.TryGetProperty(name, out var array))
            {
                throw Malformed($"field '{name}' is missing");
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Malformed($"field '{name}' is not an array");
            }

            var levels = new HistoryStateBucket[array.GetArrayLength()];
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var level = Object(item, $"{name}[{i}]", LevelMembers);
                levels[i++] = new HistoryStateBucket(String(level, "curr"), Next(level, $"{name}[{i - 1}].next"), String(level, "snap"));
            }

            return levels;
        }

        private FutureBucket Next(JsonElement level, string what)
        {
            if (!level.TryGetProperty("next", out var next))
            {
                throw Malformed($"{what} is missing");
            }

            Object(next, what, NextMembers);
            var state = UInt32(next, "state");
            return state switch
            {
                0 => FutureBucket.Clear,
                1 => FutureBucket.WithOutput(OptionalString(next, "output")
                    ?? throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.UnknownNextState, $"{what}: state 1 without 'output'")),
                2 => FutureBucket.WithInputs(
                    OptionalString(next, "curr") ?? throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.UnknownNextState, $"{what}: state 2 without 'curr'"),
                    OptionalString(next, "snap") ?? throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.UnknownNextState, $"{what}: state 2 without 'snap'"),
                    Shadows(next, what)),
                _ => throw new HistoryArchiveStateException(fileName, HistoryArchiveStateRule.UnknownNextState, $"{what}: unknown state {state}"),
            };
        }

        private string[] Shadows(JsonElement next, string what)
        {
            if (!next.TryGetProperty("shadow", out var shadow))
            {
                return [];
            }

            if (shadow.ValueKind != JsonValueKind.Array)
            {
                throw Malformed($"{what}.shadow is not an array");
            }

            var result = new List<string>();
            foreach (var item in shadow.EnumerateArray())
            {
                result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Malformed($"{what}.shadow holds a non-string"));
            }

            return [.. result];
        }

        private HistoryArchiveStateException Malformed(string detail) => new(fileName, HistoryArchiveStateRule.Malformed, detail);
    }
}
