namespace Flume.Logging.Rpc.Tls;

/// <summary>
/// The names a store's three settings go by where it is configured, which the reader's errors name: Flume's RPC
/// components (<c>keystore</c>, <c>keystore-password</c>, <c>keystore-type</c>), the Kafka client
/// (<c>ssl.keystore.location</c>...), or the JVM's global <c>javax.net.ssl.trustStore</c>.
/// </summary>
internal readonly record struct TlsStoreKeys(string Location, string Password, string Type)
{
    /// <summary>An RPC component's keystore settings.</summary>
    public static TlsStoreKeys Keystore { get; } = new("keystore", "keystore-password", "keystore-type");

    /// <summary>An RPC component's truststore settings.</summary>
    public static TlsStoreKeys Truststore { get; } = new("truststore", "truststore-password", "truststore-type");
}
