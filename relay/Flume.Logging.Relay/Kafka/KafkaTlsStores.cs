using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// The Java Kafka client's key and trust stores (<c>ssl.truststore.*</c>, <c>ssl.keystore.*</c>, <c>ssl.key.password</c>),
/// as the user guide's Kafka TLS examples set them, turned into the PEM text librdkafka takes (<c>ssl.ca.pem</c>,
/// <c>ssl.certificate.pem</c>, <c>ssl.key.pem</c>): librdkafka reads neither JKS nor a password-protected truststore.
/// The files are read with the RPC components' readers (JKS, PKCS12 or PEM, the type taken from the file when not
/// given; JCEKS refused with its conversion command), once, when the component is built.
/// </summary>
internal static class KafkaTlsStores
{
    private const string TruststoreLocation = "ssl.truststore.location";
    private const string KeystoreLocation = "ssl.keystore.location";
    private static readonly TlsStoreKeys TruststoreKeys = new(TruststoreLocation, "ssl.truststore.password", "ssl.truststore.type");
    private static readonly TlsStoreKeys KeystoreKeys = new(KeystoreLocation, "ssl.keystore.password", "ssl.keystore.type");

    /// <summary>The Java properties read here, none of which is passed to librdkafka as it is.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.Ordinal)
    {
        TruststoreLocation, "ssl.truststore.password", "ssl.truststore.type",
        KeystoreLocation, "ssl.keystore.password", "ssl.keystore.type", "ssl.key.password",
    };

    /// <summary>
    /// Adds the PEM settings for the stores <paramref name="properties"/> (a <c>kafka.producer.</c> or
    /// <c>kafka.consumer.</c> subtree) names to <paramref name="result"/>; a password or type without its store's
    /// location is ignored, as the Java client ignores it, except <c>ssl.key.password</c>, which is then librdkafka's
    /// (for an encrypted <c>ssl.key.location</c>). Errors name the key.
    /// </summary>
    public static void Map(ComponentContext properties, Dictionary<string, string> result)
    {
        if (properties.GetString(TruststoreLocation) is { } truststore)
        {
            Refuse(properties, result, TruststoreLocation, "ssl.ca.location", "ssl.ca.pem");
            X509Certificate2Collection roots;
            try
            {
                roots = TlsStores.LoadTrust(
                    truststore.Trim(), properties.GetString("ssl.truststore.password"), Type(properties, "ssl.truststore.type"), TruststoreKeys);
            }
            catch (ArgumentException e)
            {
                throw properties.CreateError(e, TruststoreLocation);
            }

            properties.Require(roots.Count > 0, TruststoreLocation, $"'{truststore}' holds no certificate to trust");
            var pem = new StringBuilder();
            foreach (var root in roots)
            {
                pem.Append(root.ExportCertificatePem()).Append('\n');
                root.Dispose();
            }

            result["ssl.ca.pem"] = pem.ToString();
        }

        if (properties.GetString(KeystoreLocation) is not { } keystore)
        {
            // Without a keystore, ssl.key.password is librdkafka's own: the password of an encrypted ssl.key.location.
            if (properties.GetString("ssl.key.password") is { } keyPassword)
            {
                result["ssl.key.password"] = keyPassword;
            }
        }
        else
        {
            Refuse(properties, result, KeystoreLocation, "ssl.certificate.location", "ssl.key.location", "ssl.certificate.pem", "ssl.key.pem");
            var options = new TlsOptions
            {
                Keystore = keystore.Trim(),
                KeystorePassword = properties.GetString("ssl.keystore.password"),
                KeystoreType = Type(properties, "ssl.keystore.type"),
                KeyPassword = properties.GetString("ssl.key.password"),
            };
            try
            {
                using var certificate = TlsStores.LoadCertificate(options, KeystoreKeys);
                result["ssl.certificate.pem"] = certificate.ExportCertificatePem();
                result["ssl.key.pem"] = PrivateKeyPem(certificate);
            }
            catch (ArgumentException e)
            {
                throw properties.CreateError(e, KeystoreLocation);
            }
        }
    }

    /// <summary>
    /// The store type as given, or null (read from the file) when blank. The readers check it and name its key
    /// (<see cref="TlsStoreKeys.Type"/>), which <see cref="ComponentContext.CreateError(ArgumentException, string)"/> locates.
    /// </summary>
    private static string? Type(ComponentContext properties, string key) =>
        properties.GetString(key)?.Trim() is { Length: > 0 } type ? type : null;

    /// <summary>librdkafka's own settings for the same thing would compete with the store's: refused, naming both.</summary>
    private static void Refuse(ComponentContext properties, Dictionary<string, string> result, string key, params string[] librdkafkaKeys)
    {
        foreach (var other in librdkafkaKeys)
        {
            properties.Require(!result.ContainsKey(other), key, $"and {other} both say where the certificates are: set one of them");
        }
    }

    private static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey()
            ?? certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"the key of {certificate.Subject} is neither RSA nor EC");
        return key.ExportPkcs8PrivateKeyPem();
    }
}
