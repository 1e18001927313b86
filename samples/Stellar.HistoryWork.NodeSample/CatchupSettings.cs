namespace Stellar.HistoryWork.NodeSample;

/// <summary>The "Catchup" section of appsettings.json.</summary>
public sealed class CatchupSettings
{
    /// <summary>The ledger to catch up to.</summary>
    public uint ToLedger { get; set; }

    /// <summary>Its header hash as LEDGER:HEX — in a node, from consensus.</summary>
    public string TrustedHash { get; set; } = string.Empty;

    /// <summary>How long to wait for the archives to publish the checkpoint; none by default.</summary>
    public TimeSpan? WaitForPublication { get; set; }

    /// <summary>Where verified files go; a private temporary directory when empty.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>Stop the host once caught up (this sample); a node would go on closing ledgers.</summary>
    public bool StopWhenCaughtUp { get; set; } = true;
}
