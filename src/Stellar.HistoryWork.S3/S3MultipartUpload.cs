using Amazon.S3;
using Amazon.S3.Model;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// One file uploaded in parts, by hand (TransferUtility cannot turn chunk encoding off): initiate, upload the
/// parts (each streamed from its segment of the file with its Content-MD5, at most
/// <see cref="S3ArchiveOptions.MaxPartsInFlight"/> at once), complete; on any failure or cancellation, abort,
/// so the bucket keeps neither a partial object nor an orphan upload.
/// </summary>
internal sealed class S3MultipartUpload(
    IAmazonS3 client,
    S3ArchiveLocation location,
    S3ArchiveOptions options,
    S3Errors errors,
    string path,
    string localFile,
    long length,
    string contentType)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var key = location.KeyOf(path);
        var partSize = options.PartSizeFor(length);
        var partCount = (int)((length + partSize - 1) / partSize);
        string uploadId;
        try
        {
            var initiated = await client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = location.Bucket, Key = key, ContentType = contentType },
                cancellationToken).ConfigureAwait(false);
            uploadId = initiated.UploadId;
            errors.Succeeded();
        }
        catch (Exception e) when (errors.Map(e, path, cancellationToken, write: true) is { } error)
        {
            throw error;
        }

        try
        {
            var etags = new PartETag[partCount];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxPartsInFlight, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(1, partCount), parallel, async (number, ct) =>
            {
                var offset = (number - 1) * partSize;
                var size = Math.Min(partSize, length - offset);
                etags[number - 1] = new PartETag(number, await UploadPartAsync(key, uploadId, number, offset, size, number == partCount, ct).ConfigureAwait(false));
            }).ConfigureAwait(false);

            var complete = new CompleteMultipartUploadRequest { BucketName = location.Bucket, Key = key, UploadId = uploadId };
            complete.AddPartETags(etags);
            await client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await AbortAsync(key, uploadId).ConfigureAwait(false);
            if (errors.Map(e, path, cancellationToken, write: true) is { } error)
            {
                throw error;
            }

            throw;
        }
    }

    private async Task<string> UploadPartAsync(string key, string uploadId, int number, long offset, long size, bool last, CancellationToken cancellationToken)
    {
        var request = new UploadPartRequest
        {
            BucketName = location.Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            FilePath = localFile,
            FilePosition = offset,
            PartSize = size,
            IsLastPart = last,
            MD5Digest = await ContentMd5.OfFileAsync(localFile, offset, size, cancellationToken).ConfigureAwait(false),
            UseChunkEncoding = false,
        };
        var response = await client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
        return response.ETag;
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload must still be aborted.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = location.Bucket, Key = key, UploadId = uploadId },
                timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonS3Exception or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Best effort: the upload failed anyway; a bucket lifecycle rule reclaims what an abort could not.
        }
    }
}
