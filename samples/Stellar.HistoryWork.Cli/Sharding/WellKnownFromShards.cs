using System.Globalization;
using System.Security.Cryptography;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli.Sharding;

/// <summary>
/// <c>merge-reports LOC --to-archive T</c>: the last step of a sharded mirror (docs/SCALE-OUT.md). Only when every shard's
/// report is a checkpoints stage that wrote T, every report is ok and the chain links hold does it point T's
/// <c>.well-known/stellar-history.json</c> at the newest HAS of the range — the very bytes the newest shard verified and
/// published (their SHA-256 is in its report) — and never back to an older checkpoint. Otherwise it writes nothing.
/// </summary>
internal static class WellKnownFromShards
{
    /// <summary>What the shards must have been for <c>--to-archive</c>: problems (shard-mismatch) when they were not.</summary>
    public static List<ReportProblem> Check(IReadOnlyList<ShardReport?> reports, IArchiveWriter target)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(target);
        var problems = new List<ReportProblem>();
        foreach (var report in reports.Where(r => r is not null).Select(r => r!))
        {
            var name = ShardReport.FileName(report.Index, report.Count);
            var why = report.Mirror switch
            {
                null => "a verify's report, not a mirror's",
                { Stage: not "checkpoints" } mirror => $"the {mirror.Stage} stage's report; the checkpoints stage must have run after it",
                { Target: var written } when written != target.ToString() => $"a mirror to {written}, not {target}",
                _ when report.Ok && report.Slice is not null && (report.First is null || report.Last is null) => "no boundary record, so its links cannot be checked",
                _ => null,
            };
            if (why is not null)
            {
                problems.Add(new ReportProblem(name, null, ShardMerge.ShardMismatch, $"{name}: {why} (rule: --to-archive needs every shard's checkpoints stage into that archive)"));
            }
        }

        return problems;
    }

    /// <summary>
    /// Writes <c>.well-known</c> at <paramref name="target"/> from the HAS of the range's last checkpoint, once it is the one
    /// the newest shard published. Returns a line for the summary, or the problem that stopped it.
    /// </summary>
    public static async Task<(string? Done, ReportProblem? Problem)> WriteAsync(IReadOnlyList<ShardReport?> reports, IArchiveWriter target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(target);
        var newest = reports.Where(r => r?.Slice is not null).Select(r => r!).MaxBy(r => r.Slice!.Value.Last);
        if (newest?.Slice is not { } slice || target.Reader is not { } reader)
        {
            return (null, Problem(ArchivePaths.WellKnownState, null, $"{target} cannot be read back, so the newest HAS cannot be checked (rule: .well-known names a verified HAS)"));
        }

        var path = ArchivePaths.HistoryState(slice.Last);
        try
        {
            return await PointAtAsync(newest, slice.Last, path, reader, target, cancellationToken);
        }
        catch (HistoryArchiveStateException e)
        {
            return (null, Problem(path, slice.Last, e.Message, "corrupt"));
        }
    }

    private static async Task<(string? Done, ReportProblem? Problem)> PointAtAsync(ShardReport newest, uint last, string path, IArchiveReader reader, IArchiveWriter target, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(reader, path, cancellationToken);
        if (bytes is null)
        {
            return (null, Problem(path, last, $"{path} is not at {target} (rule: .well-known names a HAS the target holds)", "missing"));
        }

        var hash = HashHex.ToHex(SHA256.HashData(bytes));
        if (hash != newest.Mirror?.LastStateSha256)
        {
            return (null, Problem(path, last, $"{path} at {target} has SHA-256 {hash}, not {newest.Mirror?.LastStateSha256 ?? "none"} as shard {newest.Index} published it (rule: .well-known names the HAS the newest shard verified)", "hash-mismatch"));
        }

        var state = HistoryArchiveState.Parse(bytes, path);
        if (await ReadAsync(reader, ArchivePaths.WellKnownState, cancellationToken) is { } current)
        {
            if (current.AsSpan().SequenceEqual(bytes))
            {
                return (string.Create(CultureInfo.InvariantCulture, $"{ArchivePaths.WellKnownState} already names checkpoint {state.CurrentLedger}"), null);
            }

            if (TryParse(current) is { } existing && existing.CurrentLedger > state.CurrentLedger)
            {
                return (string.Create(CultureInfo.InvariantCulture, $"{ArchivePaths.WellKnownState} kept: it names checkpoint {existing.CurrentLedger}, newer than {state.CurrentLedger}"), null);
            }
        }

        await target.PutBytesAsync(ArchivePaths.WellKnownState, bytes, cancellationToken);
        return (string.Create(CultureInfo.InvariantCulture, $"{ArchivePaths.WellKnownState} written: checkpoint {state.CurrentLedger}"), null);
    }

    private static HistoryArchiveState? TryParse(byte[] bytes)
    {
        try
        {
            return HistoryArchiveState.Parse(bytes, ArchivePaths.WellKnownState);
        }
        catch (HistoryArchiveStateException)
        {
            return null;
        }
    }

    private static async Task<byte[]?> ReadAsync(IArchiveReader reader, string path, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await reader.OpenReadAsync(path, cancellationToken);
            await using (stream)
            {
                using var copy = new MemoryStream();
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    copy.Write(buffer, 0, read);
                    if (copy.Length > HistoryArchiveState.MaxFileSize)
                    {
                        throw new HistoryArchiveStateException(string.Create(CultureInfo.InvariantCulture, $"{path}: more than {HistoryArchiveState.MaxFileSize} bytes (rule: a HAS is small)"));
                    }
                }

                return copy.ToArray();
            }
        }
        catch (ArchiveFileNotFoundException)
        {
            return null;
        }
    }

    private static ReportProblem Problem(string path, uint? ledger, string message, string kind = ShardMerge.ShardMismatch) => new(path, ledger, kind, message);
}
