namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The trust rules of <see cref="ArchiveVerificationRun"/>: the trusted hash against the range, each header file
/// against the trusted hashes it holds, and how far the matched anchors vouch for the range.
/// </summary>
internal sealed partial class ArchiveVerificationRun
{
    private void CheckTrustedHashInRange()
    {
        if (_ledgers!.Value.TrustedHashOutsideMessage(_options.TrustedHash) is { } message)
        {
            var trusted = _options.TrustedHash!.Ledger;
            var checkpoint = trusted > _math.LastCheckpoint ? _math.LastCheckpoint : _math.CheckpointContaining(trusted);
            _problems.Add(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint), trusted, ProblemKind.Untrusted, message);
        }
    }

    private void CheckTrust(LedgerHeaderFileResult headers)
    {
        var checks = new List<TrustedLedgerHash>(2);
        if (_options.TrustedHash is { } trusted && headers.Find(trusted.Ledger) is not null)
        {
            checks.Add(trusted);
        }

        if (_options.TrustedCheckpointHashes?.Get(headers.Checkpoint) is { } checkpointHash)
        {
            checks.Add(checkpointHash);
        }

        foreach (var check in checks)
        {
            try
            {
                LedgerHeaderVerifier.VerifyTrusted(headers, check);
                _trustedMatched.TryAdd(check.Ledger, true);
            }
            catch (HistoryVerificationException e)
            {
                _trustedMatched[check.Ledger] = false;
                _problems.Add(e.Problem);
            }
        }
    }

    /// <summary>
    /// The highest ledger of the range a trusted hash anchored: the chain at and below it ends at that hash.
    /// Null when no trusted hash matched, or when anything broke (then nothing is vouched for).
    /// </summary>
    private uint? TrustedUpTo(CheckpointRange range)
    {
        if (!_problems.IsEmpty)
        {
            return null;
        }

        uint? upTo = null;
        foreach (var (ledger, matched) in _trustedMatched)
        {
            // An anchor past the range's last ledger (a checkpoint hash of its last checkpoint) vouches for all of it.
            if (matched && ledger >= _ledgers!.Value.First && range.Contains(_math.CheckpointContaining(ledger)))
            {
                var anchored = Math.Min(ledger, _ledgers.Value.Last);
                upTo = upTo is null ? anchored : Math.Max(upTo.Value, anchored);
            }
        }

        return upTo;
    }
}
