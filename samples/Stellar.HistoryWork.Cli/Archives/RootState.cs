using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>Reads an archive's root History Archive State (<c>.well-known/stellar-history.json</c>).</summary>
internal static class RootState
{
    /// <summary>The root HAS, or the problem that kept it from being read (missing, corrupt, other network).</summary>
    public static async Task<(HistoryArchiveState? State, ReportProblem? Problem)> ReadAsync(
        IArchiveReader reader, string? passphrase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        const string path = ArchivePaths.WellKnownState;
        try
        {
            var stream = await reader.OpenReadAsync(path, cancellationToken);
            await using (stream)
            {
                return (await HistoryArchiveState.ReadAsync(stream, path, passphrase, cancellationToken), null);
            }
        }
        catch (ArchiveFileNotFoundException e)
        {
            return (null, Problem(e, $"{reader.Location} has no root history archive state: {e.Detail}"));
        }
        catch (ArchiveException e)
        {
            return (null, Problem(e, $"{reader.Location} could not deliver the root history archive state: {e.Detail}"));
        }
        catch (HistoryArchiveStateException e)
        {
            return (null, Problem(e, $"breaks rule {e.Rule}: {e.Detail}"));
        }
    }

    // The kind comes from the library's one classification; the message says which archive.
    private static ReportProblem Problem(Exception error, string message)
    {
        var kind = VerificationProblem.FromException(error, ArchivePaths.WellKnownState)[0].Kind;
        return new ReportProblem(ArchivePaths.WellKnownState, null, kind.ToJsonName(), message);
    }
}
