using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's UUID interceptor: sets a header (<c>headerName</c>, default <c>id</c>) to <c>prefix</c> followed by a
/// random (version 4) UUID; with <c>preserveExisting</c> (default true) an existing header is kept.
/// </summary>
/// <param name="headerName">The header to set.</param>
/// <param name="prefix">Put before each UUID.</param>
/// <param name="preserveExisting">Whether an existing header is kept.</param>
/// <param name="random">The source of the UUIDs' 122 random bits; thread-safe (e.g. <see cref="Random.Shared"/>).</param>
internal sealed class UuidInterceptor(string headerName, string prefix, bool preserveExisting, Random random) : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder";

    /// <summary>Builds the interceptor from <c>headerName</c>, <c>prefix</c> and <c>preserveExisting</c>.</summary>
    public static UuidInterceptor Create(InterceptorBuildContext context, Random random)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(
            context.Properties.GetString("headerName", "id"),
            context.Properties.GetString("prefix", ""),
            context.Properties.GetBoolean("preserveExisting", true),
            random);
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var headers = flumeEvent.Headers;
        if (!preserveExisting || !headers.ContainsKey(headerName))
        {
            headers[headerName] = prefix.Length == 0 ? NewUuid() : string.Concat(prefix, NewUuid());
        }

        return flumeEvent;
    }

    private string NewUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);

        // RFC 9562 version 4 (random) and variant 10xx, so the value reads as the UUID Java's randomUUID() makes.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
