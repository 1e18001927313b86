namespace Stellar.HistoryWork;

/// <summary>The stages of a checkpoint download, in the order their data flows.</summary>
public enum HistoryWorkStage
{
    /// <summary>Nothing has started.</summary>
    NotStarted,

    /// <summary>Fetching the History Archive State.</summary>
    HistoryArchiveState,

    /// <summary>Fetching and verifying ledger headers.</summary>
    LedgerHeaders,

    /// <summary>Fetching and verifying buckets.</summary>
    Buckets,

    /// <summary>Fetching and verifying transaction sets.</summary>
    Transactions,

    /// <summary>Fetching and verifying transaction results.</summary>
    Results,

    /// <summary>Fetching and checking SCP history.</summary>
    ScpHistory,

    /// <summary>Checking whole checkpoints: every file of each (a verification).</summary>
    Checkpoints,

    /// <summary>Publishing to an archive (a mirror counts checkpoints whose HAS reached the target).</summary>
    Publishing,

    /// <summary>Everything registered has finished successfully.</summary>
    Completed,

    /// <summary>A stage failed; <see cref="HistoryWorkProgress.Message"/> says which and why.</summary>
    Failed,
}
