using Microsoft.Extensions.Options;

namespace Stellar.HistoryWork.Hosting;

/// <summary>Checks <see cref="HistoryArchivesOptions"/> once, when the host starts (ValidateOnStart).</summary>
internal sealed class HistoryArchivesOptionsValidator(IEnumerable<HistoryArchiveScheme> schemes) : IValidateOptions<HistoryArchivesOptions>
{
    private readonly HashSet<string> _schemes = new(schemes.Select(s => s.Scheme), StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, HistoryArchivesOptions options)
    {
        var failures = new List<string>();
        if (options.Archives.Count == 0)
        {
            failures.Add("HistoryArchives: no archive is configured (Archives:NAME:Get)");
        }

        foreach (var (archive, settings) in options.Archives)
        {
            var location = HistoryArchiveLocation.Resolve(settings?.Get, out var error);
            if (location is null)
            {
                failures.Add($"HistoryArchives:Archives:{archive}: {error}");
                continue;
            }

            var scheme = HistoryArchiveLocation.SchemeOf(location);
            if (scheme is null or "http" or "https" or "file")
            {
                try
                {
                    // What ArchiveReader.FromLocation accepts (a reader made here holds no connection).
                    (ArchiveReader.FromLocation(location) as IDisposable)?.Dispose();
                }
                catch (ArgumentException e)
                {
                    failures.Add($"HistoryArchives:Archives:{archive}: {e.Message}");
                }
            }
            else if (!_schemes.Contains(scheme))
            {
                failures.Add($"HistoryArchives:Archives:{archive}: '{location}': no reader is registered for {scheme}:// (HistoryArchivesBuilder.AddScheme)");
            }
        }

        if (options.CheckpointFrequency == 0)
        {
            failures.Add("HistoryArchives:CheckpointFrequency must be positive");
        }

        if (options.MaxConcurrency < 1)
        {
            failures.Add("HistoryArchives:MaxConcurrency must be at least 1");
        }

        try
        {
            HttpArchiveReader.CreateHandler(options.Http.ToReaderOptions()).Dispose();
        }
        catch (ArgumentException e)
        {
            failures.Add($"HistoryArchives:Http: {e.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
