using System.Globalization;

namespace Stellar.HistoryWork.Benchmarks.Archives;

/// <summary>
/// <c>make-archive OUTDIR --bucket-mib M [--buckets N] [--checkpoints K]</c>: writes a synthetic archive
/// with N buckets of M MiB decompressed each (default 1) plus six small ones, over K checkpoints (default 1).
/// </summary>
internal static class MakeArchiveCommand
{
    public static bool TryRun(string[] args)
    {
        if (args.Length < 2 || args[0] != "make-archive")
        {
            return false;
        }

        long mib = 1024;
        int buckets = 1, checkpoints = 1;
        for (var i = 2; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--bucket-mib": mib = value; break;
                case "--buckets": buckets = value; break;
                case "--checkpoints": checkpoints = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        SyntheticArchiveGenerator.Generate(args[1], new SyntheticArchiveSpec(mib * 1024 * 1024, buckets, checkpoints), Console.Out);
        return true;
    }
}
