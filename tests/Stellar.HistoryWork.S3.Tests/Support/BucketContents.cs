using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Stellar.HistoryWork.S3.Tests.Support;

/// <summary>What a bucket holds, read back object by object.</summary>
internal static class BucketContents
{
    /// <summary>Every key under <paramref name="prefix"/> (paged listing), relative to it.</summary>
    public static async Task<List<string>> KeysAsync(IAmazonS3 client, string bucket, string prefix)
    {
        var keys = new List<string>();
        var start = prefix.Length == 0 ? 0 : prefix.Length + 1;
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix.Length == 0 ? null : prefix + "/", MaxKeys = 500 };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key[start..]));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The SHA-256 of an object's stored bytes: catches chunk framing or anything else stored inside it.</summary>
    public static async Task<byte[]> Sha256Async(IAmazonS3 client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        using var sha = SHA256.Create();
        return await sha.ComputeHashAsync(response.ResponseStream);
    }

    public static byte[] Sha256OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }

    /// <summary>Every file under <paramref name="root"/>, relative, '/'-separated, sorted.</summary>
    public static List<string> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToList();
}
