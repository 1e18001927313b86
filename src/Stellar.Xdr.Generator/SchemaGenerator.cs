namespace Stellar.Xdr.Generator;

/// <summary>Turns the schema files of a folder into the generated C# files, keyed by file name.</summary>
public static class SchemaGenerator
{
    /// <summary>The registry file's name in the output folder.</summary>
    public const string RegistryFileName = "XdrTypes.g.cs";

    /// <summary>Reads every <c>*.xds</c> in <paramref name="schemaDirectory"/> and returns file name → C# text.</summary>
    public static IReadOnlyDictionary<string, string> Generate(string schemaDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(schemaDirectory);
        var sources = Directory.EnumerateFiles(schemaDirectory, "*.xds")
            .Order(StringComparer.Ordinal)
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllText, StringComparer.Ordinal);
        return Generate(sources);
    }

    /// <summary>Generates from schema texts keyed by file name (e.g. <c>types.xds</c>).</summary>
    public static IReadOnlyDictionary<string, string> Generate(IReadOnlyDictionary<string, string> schemaFiles)
    {
        ArgumentNullException.ThrowIfNull(schemaFiles);
        var files = schemaFiles
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => SchemaParser.Parse(f.Key, f.Value))
            .ToList();
        var schema = new Schema(files);
        var emitter = new CSharpEmitter(schema);
        var output = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            output.Add(Path.GetFileNameWithoutExtension(file.FileName) + ".g.cs", emitter.EmitFile(file));
        }

        output.Add(RegistryFileName, emitter.EmitRegistry());
        return output;
    }

    /// <summary>Writes the generated files into <paramref name="outputDirectory"/> and deletes stale <c>*.g.cs</c> files there.</summary>
    public static IReadOnlyList<string> Write(string schemaDirectory, string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var generated = Generate(schemaDirectory);
        Directory.CreateDirectory(outputDirectory);
        foreach (var stale in Directory.EnumerateFiles(outputDirectory, "*.g.cs"))
        {
            if (!generated.ContainsKey(Path.GetFileName(stale)))
            {
                File.Delete(stale);
            }
        }

        var written = new List<string>();
        foreach (var (name, text) in generated)
        {
            var path = Path.Combine(outputDirectory, name);
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                File.WriteAllText(path, text);
                written.Add(path);
            }
        }

        return written;
    }
}
