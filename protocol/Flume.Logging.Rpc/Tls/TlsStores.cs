using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flume.Logging.Rpc.Tls;

/// <summary>
/// Reads keystores and truststores: PKCS12 and PEM with the BCL, Java's JKS with <see cref="JksKeyStore"/>; JCEKS is
/// refused with the command that converts it.
/// </summary>
internal static class TlsStores
{
    private const string Pkcs12 = "PKCS12";
    private const string Pem = "PEM";
    private const string Jks = "JKS";

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="key"/> for a type other than JKS, PKCS12 or PEM.</summary>
    public static void CheckType(string? type, string key, string? path)
    {
        if (type is null
            || type.Equals(Pkcs12, StringComparison.OrdinalIgnoreCase)
            || type.Equals(Pem, StringComparison.OrdinalIgnoreCase)
            || type.Equals(Jks, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (type.Equals("JCEKS", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{key} = {type}: {JceksRefusal(path ?? "X.jceks")}", key);
        }

        throw new ArgumentException($"{key} = {type}: expected JKS, PKCS12 or PEM", key);
    }

    /// <summary>The server certificate with its private key, read from <see cref="TlsOptions.Keystore"/>.</summary>
    /// <param name="options">The keystore settings.</param>
    /// <param name="keyPrefix">What the settings' names start with in messages: Flume's RPC <c>keystore</c> (<c>keystore-password</c>), or the Kafka client's <c>ssl.keystore.</c>.</param>
    public static X509Certificate2 LoadCertificate(TlsOptions options, string keyPrefix = "keystore-")
    {
        var path = options.Keystore ?? throw new ArgumentException("keystore is required", nameof(options));
        try
        {
            X509Certificate2 certificate;
            var kind = Kind(path, options.KeystoreType, keyPrefix + "type");
            if (kind == Jks)
            {
                certificate = JksKeyStore.ReadKeyEntry(File.ReadAllBytes(path), options.KeystorePassword, options.KeyPassword);
            }
            else if (kind == Pem)
            {
                var key = options.KeystoreKey ?? path;
                var pem = string.IsNullOrEmpty(options.KeystorePassword)
                    ? X509Certificate2.CreateFromPemFile(path, key)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, options.KeystorePassword, key);

                // A key loaded from PEM is ephemeral, which SslStream on some platforms cannot use; a PKCS12 round trip fixes it.
                using (pem)
                {
                    certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
                }
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.KeystorePassword);
            }

            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new ArgumentException($"keystore {path} holds no private key for its certificate", nameof(options));
            }

            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"keystore {path} cannot be read (wrong {keyPrefix}password or {keyPrefix}type?): {e.Message}", nameof(options), e);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"keystore {path} cannot be read: {e.Message}", nameof(options), e);
        }
    }

    /// <summary>The root certificates of <see cref="TlsOptions.Truststore"/>.</summary>
    /// <param name="path">The truststore file.</param>
    /// <param name="password">Its password, if any.</param>
    /// <param name="type">Its type; null to read it from the file.</param>
    /// <param name="keyPrefix">What the settings' names start with in messages, as for <see cref="LoadCertificate"/>.</param>
    public static X509Certificate2Collection LoadTrust(string path, string? password, string? type, string keyPrefix = "truststore-")
    {
        try
        {
            var kind = Kind(path, type, keyPrefix + "type");
            if (kind == Jks)
            {
                return JksKeyStore.ReadCertificates(File.ReadAllBytes(path), password);
            }

            if (kind == Pem)
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPemFile(path);
                return collection;
            }

            return X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"truststore {path} cannot be read (wrong {keyPrefix}password or {keyPrefix}type?): {e.Message}", nameof(path), e);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"truststore {path} cannot be read: {e.Message}", nameof(path), e);
        }
    }

    /// <summary>
    /// A chain that trusts only <paramref name="roots"/> (no revocation check, as Flume's truststores), with the
    /// certificates of the chain the peer sent, if any, as intermediates; the caller builds and disposes it.
    /// </summary>
    public static X509Chain CustomRootChain(X509Certificate2Collection roots, X509Chain? sent)
    {
        var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (sent is not null)
        {
            foreach (var element in sent.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom;
    }

    private static string JceksRefusal(string path) =>
        $"JCEKS keystores are not read; convert it to PKCS12 with: keytool -importkeystore -srckeystore {path} " +
        $"-srcstoretype JCEKS -destkeystore {Path.ChangeExtension(path, ".p12")} -deststoretype PKCS12, then set the type to PKCS12";

    // Flume's default type is JKS, but since Java 9 keytool writes PKCS12, so an unset type is taken from the file itself.
    private static string Kind(string path, string? type, string key)
    {
        CheckType(type, key, path);
        if (type is not null)
        {
            return type.ToUpperInvariant();
        }

        // PEM files may open with comments or openssl's "Bag Attributes", so the marker is looked for in the first 4 KiB.
        Span<byte> head = new byte[4096];
        int read;
        using (var file = File.OpenRead(path))
        {
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        head = head[..read];
        if (JksKeyStore.IsJks(head))
        {
            return Jks;
        }

        if (head.Length >= 4 && head[0] == 0xCE && head[1] == 0xCE && head[2] == 0xCE && head[3] == 0xCE)
        {
            throw new ArgumentException($"{path} is a JCEKS keystore: {JceksRefusal(path)}", key);
        }

        return head.IndexOf("-----BEGIN"u8) >= 0 ? Pem : Pkcs12;
    }
}
