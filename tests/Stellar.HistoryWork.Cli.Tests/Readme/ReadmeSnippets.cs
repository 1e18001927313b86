using System.Text;
using System.Text.RegularExpressions;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Readme;

/// <summary>
/// The C# blocks of README.md, turned into one console project: each block becomes a method (its <c>using</c>
/// directives at the top of its file), so one build compiles them all and each can be run by its number.
/// </summary>
internal static partial class ReadmeSnippets
{
    /// <summary>SDF's testnet archives as the README names them; a test replaces them with a loopback server.</summary>
    public const string TestnetArchivePattern = @"https://history\.stellar\.org/prd/core-testnet/core_testnet_00[0-9]/";

    /// <summary>The library assemblies a snippet compiles against: what the library's package brings.</summary>
    private static readonly string[] Assemblies =
        ["Stellar.HistoryWork", "Stellar.Xdr", "Polly.Core", "System.IO.Hashing", "Microsoft.Extensions.Logging.Abstractions",
         "Stellar.HistoryWork.S3", "AWSSDK.S3", "AWSSDK.Core"];

    /// <summary>True for a block that runs offline: one that needs an S3 server is only compiled.</summary>
    public static bool RunsOffline(string snippet) => !snippet.Contains("s3://", StringComparison.Ordinal);

    public static string ReadmePath => Path.Combine(Fixtures.RepositoryRoot, "README.md");

    /// <summary>Every ```csharp block of the README, in order.</summary>
    public static IReadOnlyList<string> Extract(string markdown) =>
        CSharpBlock().Matches(markdown).Select(m => m.Groups["code"].Value).ToArray();

    /// <summary>Writes the console project for <paramref name="snippets"/> into <paramref name="directory"/>, archive URLs pointed at <paramref name="archive"/>.</summary>
    public static void WriteProject(string directory, IReadOnlyList<string> snippets, Uri archive)
    {
        Directory.CreateDirectory(directory);
        var references = new StringBuilder();
        foreach (var name in Assemblies)
        {
            references.Append(CultureInvariant($"    <Reference Include=\"{name}\"><HintPath>{Path.Combine(AppContext.BaseDirectory, name + ".dll")}</HintPath></Reference>\n"));
        }

        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "ReadmeSnippets.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);
        var program = new StringBuilder("switch (args[0])\n{\n");
        for (var i = 0; i < snippets.Count; i++)
        {
            File.WriteAllText(Path.Combine(directory, CultureInvariant($"Snippet{i}.cs")), AsMethod(i, Regex.Replace(snippets[i], TestnetArchivePattern, archive.AbsoluteUri)));
            program.Append(CultureInvariant($"    case \"{i}\": await Snippet{i}.RunAsync(args[1..]); break;\n"));
        }

        program.Append("    default: throw new ArgumentException(args[0]);\n}\n");
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program.ToString());
    }

    /// <summary>A block as <c>Snippet{i}.RunAsync</c>: its <c>using</c> directives stay at the top of the file, its statements go in the method.</summary>
    private static string AsMethod(int index, string code)
    {
        var usings = new StringBuilder();
        var body = new StringBuilder();
        foreach (var line in code.Split('\n'))
        {
            var isDirective = line.StartsWith("using ", StringComparison.Ordinal) && !line.StartsWith("using var ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(';');
            (isDirective ? usings : body).Append(line).Append('\n');
        }

        return CultureInvariant($"{usings}\ninternal static class Snippet{index}\n{{\n    public static async Task RunAsync(string[] args)\n    {{\n        _ = args;\n{body}\n    }}\n}}\n");
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);

    [GeneratedRegex("^```csharp\\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
