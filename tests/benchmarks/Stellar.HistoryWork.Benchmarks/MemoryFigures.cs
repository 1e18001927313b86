using System.Diagnostics;
using System.Globalization;

namespace Stellar.HistoryWork.Benchmarks;

/// <summary>The process's own view of its memory, printed beside the external <c>/usr/bin/time -v</c> figure.</summary>
internal static class MemoryFigures
{
    private const double MiB = 1024 * 1024;

    public static string Describe()
    {
        using var self = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture,
            $"peak_rss_mib={self.PeakWorkingSet64 / MiB:F1} managed_heap_mib={GC.GetTotalMemory(false) / MiB:F1} gc_committed_mib={gc.TotalCommittedBytes / MiB:F1} allocated_mib={GC.GetTotalAllocatedBytes() / MiB:F0} gen2_collections={GC.CollectionCount(2)} server_gc={System.Runtime.GCSettings.IsServerGC}");
    }
}
