using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Telemetry;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// A directory in archive layout that only ever holds verified files under their final names: a download
/// is written to a temporary name beside its destination while it is verified, and renamed into place
/// only after verification succeeded. A failed or cancelled download leaves nothing under a final name,
/// and what was verified before stays.
/// </summary>
public sealed class VerifiedFileStore
{
    /// <summary>The suffix of a file waiting to be bound (<see cref="UnboundPath"/>).</summary>
    internal const string UnboundSuffix = ".unbound";

    private static readonly ConcurrentDictionary<string, bool> SweptRoots = new(StringComparer.Ordinal);

    // The (disposed) stream each bound-later file came through: a pool's stream names the member that served it.
    private readonly ConcurrentDictionary<string, Stream> _sources = new(StringComparer.Ordinal);
    private readonly HistoryWorkTelemetry.DownloadInstruments _telemetry;

    /// <summary>Creates a store rooted at <paramref name="root"/> (created when missing).</summary>
    /// <param name="root">The directory.</param>
    /// <param name="meterFactory">
    /// Where fetches and checks are counted (<c>history.get.*</c>, <c>history.check.success</c>); the library's
    /// process-wide meter when null.
    /// </param>
    public VerifiedFileStore(string root, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        _telemetry = HistoryWorkTelemetry.For(meterFactory).Download;
    }

    /// <summary>The root directory.</summary>
    public string Root { get; }

    /// <summary>
    /// Deletes what a killed or crashed run left under <see cref="Root"/> — temporary and unbound files no live writer
    /// holds (<see cref="AtomicFile.SweepStale"/>) — once per root and process: at the start of the first run that uses it.
    /// </summary>
    internal void SweepStaleOnce()
    {
        if (SweptRoots.TryAdd(Root, true))
        {
            AtomicFile.SweepStale(Root, recursive: true, TimeProvider.System);
        }
    }

    /// <summary>
    /// The local path of an archive-relative path, inside <see cref="Root"/> by name and through any symbolic link
    /// already on the way.
    /// </summary>
    /// <exception cref="ArgumentException">The path is not a relative archive path or leaves the directory by name.</exception>
    /// <exception cref="IOException">A symbolic link on the way leads outside the directory.</exception>
    public string LocalPath(string archivePath) => ArchivePathGuard.ResolveConfined(Root, archivePath);

    /// <summary>True when a verified file is stored under <paramref name="archivePath"/>.</summary>
    public bool Contains(string archivePath) => File.Exists(LocalPath(archivePath));

    /// <summary>
    /// Streams <paramref name="archivePath"/> from <paramref name="reader"/> through <paramref name="verify"/>
    /// (which reads the compressed bytes it is given to their end or throws) into a temporary file, and
    /// renames it to its final name only when verification returned.
    /// </summary>
    /// <returns>The verifier's result and the number of compressed bytes fetched.</returns>
    public Task<(T Result, long Bytes)> FetchAsync<T>(
        IArchiveReader reader,
        string archivePath,
        Func<Stream, CancellationToken, Task<T>> verify,
        CancellationToken cancellationToken = default) =>
        FetchAsync(reader, archivePath, archivePath, verify, cancellationToken);

    /// <summary>
    /// <see cref="FetchAsync{T}(IArchiveReader, string, Func{Stream, CancellationToken, Task{T}}, CancellationToken)"/>
    /// stored under another name of the store (<see cref="UnboundPath"/>).
    /// </summary>
    internal async Task<(T Result, long Bytes)> FetchAsync<T>(
        IArchiveReader reader,
        string archivePath,
        string storeAs,
        Func<Stream, CancellationToken, Task<T>> verify,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(verify);
        var destination = LocalPath(storeAs);
        var kind = ArchivePaths.KindNameOf(archivePath);
        try
        {
            var (result, bytes) = await AtomicFile.WriteAsync(destination, async (file, ct) =>
            {
                var source = await reader.OpenReadAsync(archivePath, ct).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var tee = new CountingReadStream(source, file, leaveOpen: true);
                    try
                    {
                        var verified = await verify(tee, ct).ConfigureAwait(false);
                        await EnsureEndedAsync(tee, archivePath, ct).ConfigureAwait(false);
                        if (IsBoundLater(archivePath))
                        {
                            _sources[archivePath] = source;
                        }

                        return (verified, tee.BytesRead);
                    }
                    catch (Exception e) when (FailureClassifier.IsBadContent(e))
                    {
                        reader.ReportBadContent(source, e);
                        throw;
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
            _telemetry.Fetched(kind, bytes);
            _telemetry.Checked(kind);
            return (result, bytes);
        }
        catch (Exception e) when (FailureClassifier.IsDeliveryFailure(e))
        {
            _telemetry.FetchFailed(kind);
            throw;
        }
    }

    // Only bytes the verifier accepted are kept: a byte after them (junk after the last gzip member, an
    // endless tail) makes the file bad rather than being copied along unchecked.
    private static async Task EnsureEndedAsync(Stream tee, string archivePath, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        if (await tee.ReadAsync(probe, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new HistoryVerificationException(new VerificationProblem(
                archivePath, null, ProblemKind.Corrupt, $"{archivePath}: bytes follow the data that was verified (rule: a file ends where its content ends)"));
        }
    }

    /// <summary>
    /// Runs <paramref name="verify"/> over a stored file, e.g. to re-read headers on a rerun; as for a download, a byte
    /// after what the verifier accepted makes the file bad.
    /// </summary>
    public async Task<T> VerifyStoredAsync<T>(string archivePath, Func<Stream, CancellationToken, Task<T>> verify, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verify);
        var stream = new FileStream(LocalPath(archivePath), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var result = await verify(stream, cancellationToken).ConfigureAwait(false);
            await EnsureEndedAsync(stream, archivePath, cancellationToken).ConfigureAwait(false);
            _telemetry.Checked(ArchivePaths.KindNameOf(archivePath));
            return result;
        }
    }

    /// <summary>
    /// The one rule for a file the store may already hold (a rerun, a resumed work directory): the stored copy is used
    /// only after it verifies again through <paramref name="verify"/> — never trusted for being there — and one that no
    /// longer verifies is dropped and fetched afresh; a file not stored is fetched as by <c>FetchAsync</c>.
    /// </summary>
    /// <returns>The verifier's result and the compressed bytes fetched (0 when the stored copy was used).</returns>
    public Task<(T Result, long Bytes)> FetchOrReuseAsync<T>(
        IArchiveReader reader,
        string archivePath,
        Func<Stream, CancellationToken, Task<T>> verify,
        CancellationToken cancellationToken = default) =>
        FetchOrReuseAsync(reader, archivePath, archivePath, verify, cancellationToken);

    /// <summary>As above, a fetched copy stored under <paramref name="storeFetchedAs"/> (<see cref="UnboundPath"/>).</summary>
    internal async Task<(T Result, long Bytes)> FetchOrReuseAsync<T>(
        IArchiveReader reader,
        string archivePath,
        string storeFetchedAs,
        Func<Stream, CancellationToken, Task<T>> verify,
        CancellationToken cancellationToken)
    {
        if (Contains(archivePath))
        {
            try
            {
                return (await VerifyStoredAsync(archivePath, verify, cancellationToken).ConfigureAwait(false), 0);
            }
            catch (Exception e) when (FailureClassifier.IsBadContent(e))
            {
                // Only a stored copy that no longer verifies is dropped; a local read error or a bug keeps it.
                Remove(archivePath);
            }
        }

        var targetFirst = reader as Publish.TargetFirstReader;
        var triesTarget = targetFirst is not null && !targetFirst.IsReadFromSource(archivePath);
        try
        {
            return await FetchAsync(reader, archivePath, storeFetchedAs, verify, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (triesTarget && FailureClassifier.IsBadContent(e) && targetFirst!.IsReadFromSource(archivePath))
        {
            // A mirror's target held a bad copy: the source's is fetched in the same attempt.
            return await FetchAsync(reader, archivePath, storeFetchedAs, verify, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where a file waits until something else binds it — a HAS until its checkpoint's header binds its bucket list — so
    /// that one the run rejects never replaces a good file under the final name: a hidden name beside it.
    /// </summary>
    internal static string UnboundPath(string archivePath)
    {
        ArchivePathGuard.Validate(archivePath);
        var slash = archivePath.LastIndexOf('/');
        return archivePath[..(slash + 1)] + "." + archivePath[(slash + 1)..] + UnboundSuffix;
    }

    /// <summary>Moves a file fetched under <see cref="UnboundPath"/> to its final name, once it is bound; no-op when none waits.</summary>
    internal void Bind(string archivePath)
    {
        var unbound = LocalPath(UnboundPath(archivePath));
        if (File.Exists(unbound))
        {
            File.Move(unbound, LocalPath(archivePath), overwrite: true);
        }
    }

    /// <summary>Drops a file fetched under <see cref="UnboundPath"/> that turned out not to bind.</summary>
    internal void RemoveUnbound(string archivePath) => AtomicFile.TryDelete(LocalPath(UnboundPath(archivePath)));

    /// <summary>Removes a stored file that turned out to be bad.</summary>
    public void Remove(string archivePath) => AtomicFile.TryDelete(LocalPath(archivePath));

    /// <summary>
    /// A stored file passed its own checks but a rule binding it to other files failed (a HAS against the headers,
    /// headers against the trusted hash): removes it, and tells <paramref name="reader"/> which archive served it
    /// so that the next fetch goes elsewhere (a pool avoids that member; issue 10 row 13).
    /// </summary>
    /// <returns>The pool member that served the file, when <paramref name="reader"/> is a pool and it is known.</returns>
    internal IArchiveReader? RejectBound(IArchiveReader reader, string archivePath, Exception problem)
    {
        Remove(archivePath);
        RemoveUnbound(archivePath);
        if (!_sources.TryRemove(archivePath, out var source))
        {
            return null;
        }

        reader.ReportBadContent(source, problem);
        return (reader as IFailoverArchive)?.MemberOf(source);
    }

    // Which archive served a file matters only for the files later rules bind: a HAS and ledger headers.
    private static bool IsBoundLater(string archivePath) =>
        ArchivePaths.TryParseHistoryState(archivePath, out _)
        || (ArchivePaths.TryParseCheckpointFile(archivePath, out var kind, out _) && kind == HistoryFileKind.Ledger);
}
