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
    /// <param name="keys">The settings' names, which errors open with (as their <see cref="ArgumentException.ParamName"/>); default: <see cref="TlsStoreKeys.Keystore"/>.</param>
    public static X509Certificate2 LoadCertificate(TlsOptions options, TlsStoreKeys? keys = null)
    {
        var names = keys ?? TlsStoreKeys.Keystore;
        var path = options.Keystore ?? throw new ArgumentException($"{names.Location} is required", names.Location);
        try
        {
            X509Certificate2 certificate;
            var kind = Kind(path, options.KeystoreType, names);
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
                throw new ArgumentException($"{names.Location} {path} holds no private key for its certificate", names.Location);
            }

            return certificate;
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"{names.Location} {path} cannot be read (wrong {names.Password} or {names.Type}?): {e.Message}", names.Location, e);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"{names.Location} {path} cannot be read: {e.Message}", names.Location, e);
        }
        catch (ArgumentException e) when (e.ParamName is null)
        {
            // The JKS reader's "holds no private key entry" knows no setting's name.
            throw new ArgumentException($"{names.Location} {path}: {e.Message}", names.Location, e);
        }
    }

    /// <summary>The root certificates of <see cref="TlsOptions.Truststore"/>.</summary>
    /// <param name="path">The truststore file.</param>
    /// <param name="password">Its password, if any.</param>
    /// <param name="type">Its type; null to read it from the file.</param>
    /// <param name="keys">The settings' names, as for <see cref="LoadCertificate"/>; default: <see cref="TlsStoreKeys.Truststore"/>.</param>
    public static X509Certificate2Collection LoadTrust(string path, string? password, string? type, TlsStoreKeys? keys = null)
    {
        var names = keys ?? TlsStoreKeys.Truststore;
        try
        {
            var kind = Kind(path, type, names);
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
            throw new ArgumentException($"{names.Location} {path} cannot be read (wrong {names.Password} or {names.Type}?): {e.Message}", names.Location, e);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"{names.Location} {path} cannot be read: {e.Message}", names.Location, e);
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
    private static string Kind(string path, string? type, TlsStoreKeys names)
    {
        CheckType(type, names.Type, path);
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
            throw new ArgumentException($"{names.Location} {path} is a JCEKS keystore: {JceksRefusal(path)}", names.Location);
        }

        return head.IndexOf("-----BEGIN"u8) >= 0 ? Pem : Pkcs12;
    }
}
