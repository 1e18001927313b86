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

    /// <summary>Publishing to an archive.</summary>
    Publishing,

    /// <summary>Everything registered has finished successfully.</summary>
    Completed,

    /// <summary>A stage failed; <see cref="HistoryWorkProgress.Message"/> says which and why.</summary>
    Failed,
}
