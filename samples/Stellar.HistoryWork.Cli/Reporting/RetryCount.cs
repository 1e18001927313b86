using System.Globalization;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>How every verb words a count of retries: <c>1 retry</c>, <c>3 retries</c>.</summary>
internal static class RetryCount
{
    public static string Describe(long retries) =>
        string.Create(CultureInfo.InvariantCulture, $"{retries} retr{(retries == 1 ? "y" : "ies")}");
}
