using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;

namespace Stellar.HistoryWork.S3;

/// <summary>
/// How to reach object storage when the library builds the S3 client itself (<see cref="CreateClient"/>):
/// endpoint, region and credentials. A caller with its own configured <see cref="IAmazonS3"/> does not need this.
/// </summary>
public sealed class S3ConnectionOptions
{
    /// <summary>The region used when none is given: <c>us-east-1</c>.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>
    /// A custom S3-compatible endpoint (MinIO, Ceph, R2, GCS interoperability, a local test server); null for AWS.
    /// With an endpoint the client uses path-style addressing, signs for <see cref="Region"/>, sends no
    /// flexible checksums it is not asked for and never chunk-encodes uploads: third-party servers may store the
    /// aws-chunked framing inside the object.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The region to sign for (default <see cref="DefaultRegion"/>).</summary>
    public string Region { get; set; } = DefaultRegion;

    /// <summary>Unsigned requests, for public buckets; no credentials are looked up.</summary>
    public bool Anonymous { get; set; }

    /// <summary>Explicit credentials; null = the SDK's standard chain (environment, shared profile, instance role).</summary>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>
    /// The SDK's HTTP client seam: lets a caller add handlers (a proxy, fault injection in tests). Null = the SDK's own.
    /// </summary>
    public HttpClientFactory? HttpClientFactory { get; set; }

    /// <summary>TCP/TLS connect timeout (default 10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Builds a client for these settings. The SDK's own retries are off (<c>MaxErrorRetry = 0</c>): the library
    /// retries in one place (an <c>ArchivePool</c> for reads, the publish work for writes).
    /// </summary>
    /// <param name="credentialsDescription">Which credentials the client uses, for error messages: "anonymous",
    /// or the access key id (never the secret).</param>
    /// <exception cref="S3ArchiveAccessException">No credentials were given and the SDK's chain finds none.</exception>
    /// <exception cref="InvalidOperationException">The endpoint is not an absolute http(s) URI.</exception>
    /// <exception cref="ArgumentException">The region is empty.</exception>
    public IAmazonS3 CreateClient(out string credentialsDescription)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Region);
        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            throw new InvalidOperationException($"The S3 endpoint '{endpoint}' is not an absolute http(s) URI.");
        }

        var config = new AmazonS3Config
        {
            MaxErrorRetry = 0,
            ConnectTimeout = ConnectTimeout,
        };
        if (Endpoint is not null)
        {
            config.ServiceURL = Endpoint.AbsoluteUri;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Region;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(Region);
        }

        if (HttpClientFactory is not null)
        {
            config.HttpClientFactory = HttpClientFactory;
        }

        var credentials = Anonymous ? new AnonymousAWSCredentials() : Credentials ?? ResolveChain();
        credentialsDescription = Describe(credentials);
        return new AmazonS3Client(credentials, config);
    }

    private static AWSCredentials ResolveChain()
    {
        try
        {
            return DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException e)
        {
            throw new S3ArchiveAccessException(
                "no AWS credentials found (environment variables, shared profile or instance role); set them, or read a public bucket anonymously",
                e);
        }
    }

    private static string Describe(AWSCredentials credentials)
    {
        if (credentials is AnonymousAWSCredentials)
        {
            return "anonymous";
        }

        try
        {
            var key = credentials.GetCredentials().AccessKey;
            return string.IsNullOrEmpty(key) ? "credentials without an access key id" : $"access key id {key}";
        }
        catch (AmazonClientException e)
        {
            throw new S3ArchiveAccessException("the AWS credentials could not be loaded: " + e.Message, e);
        }
    }
}
