using System.Globalization;
using Stellar.HistoryWork.Cli.Catchup;
using Stellar.HistoryWork.Cli.Demo;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary>
/// The demo (no arguments): serves the bundled real testnet archive on loopback HTTP and runs a verified
/// catchup of all of it, from genesis, into a temporary directory, with live progress and a summary.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Copied next to the command at build (see the project file).</summary>
    internal const string ArchiveFolder = "demo-archive";

    /// <summary>
    /// The header hash of testnet ledger 10047, the archive's newest checkpoint. A node learns such a hash from
    /// consensus; the demo carries it so that trust comes from outside the archive it verifies.
    /// </summary>
    private const string TrustedHash = "10047:4af71c3e95ddaf22a4bd1badad287c284c0e48f112eeb8d4e8d8c8407e04a40b";

    private const string NetworkPassphrase = "Test SDF Network ; September 2015";

    public static async Task<int> RunAsync(CliConsole console, CancellationToken cancellationToken)
    {
        var root = Path.Combine(AppContext.BaseDirectory, ArchiveFolder);
        if (!File.Exists(Path.Combine(root, ArchivePaths.WellKnownState)))
        {
            // The tool packages leave the 27 MB archive out (it would ride in every per-runtime package).
            throw new ProblemException(
                $"the demo's bundled archive is not at {root}: the installed tool leaves it out to stay small. Run the demo from a source "
                + "checkout (dotnet run --project samples/Stellar.HistoryWork.Cli), or try a real archive: stellar-history verify --network testnet.");
        }

        var trusted = TrustedLedgerHash.Parse(TrustedHash);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToList();
        var size = files.Sum(f => new FileInfo(f).Length);
        await using var server = await LoopbackArchiveServer.StartAsync(root, cancellationToken);
        using var work = Archives.RunDirectory.Create(null);
        var output = console.Output;
        await output.WriteLineAsync("stellar-history demo");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  serving a real testnet history archive ({files.Count} files, {ByteFormat.Size(size)}) at {server.BaseUri}"));
        await output.WriteLineAsync($"  catching up ledgers 1..{trusted.Ledger} over HTTP, verifying every file; trusted hash {trusted}");
        await output.WriteLineAsync();
        var archive = ArchiveReader.FromLocation(server.BaseUri.AbsoluteUri);
        var math = CheckpointMath.Default;
        var range = math.RangeCovering(1, trusted.Ledger);
        var options = new HistoryWorkOptions
        {
            Checkpoints = math,
            WorkDirectory = work.Path,
            TrustedHash = trusted,
            NetworkPassphrase = NetworkPassphrase,
        };
        var outcome = await CatchupRun.RunAsync(archive, range, options, concurrency: 16, console, quiet: false, cancellationToken);
        await output.WriteLineAsync();
        await CatchupSummary.WriteAsync(outcome.Succeeded ? output : console.Error, outcome, archive.Location, trusted, null);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"served",-14}{server.Requests} HTTP requests, {ByteFormat.Size(server.BytesServed)} from {server.BaseUri}"));
        await output.WriteLineAsync($"{"cleaned up",-14}the temporary directory above");
        return outcome.Succeeded && outcome.Summary!.IsTrusted ? ExitCodes.Ok : ExitCodes.Problems;
    }
}
