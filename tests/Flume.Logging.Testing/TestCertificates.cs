using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Flume.Logging.Testing;

/// <summary>
/// A throw-away certificate authority and a server certificate for 127.0.0.1/localhost that it signed, written to a
/// temp folder in the forms the relay reads: PKCS12 keystore, PEM certificate and key (together and apart), and the
/// CA as a PEM and a PKCS12 truststore. Deleted with the folder on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    /// <summary>The password of every PKCS12 file written here.</summary>
    public const string Password = "changeit";

    private TestCertificates(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    /// <summary>The server's certificate and key as PKCS12 (password <see cref="Password"/>).</summary>
    public string KeystoreP12 => Path.Combine(Folder, "server.p12");

    /// <summary>The server's certificate chain and unencrypted key in one PEM file.</summary>
    public string KeystorePem => Path.Combine(Folder, "server.pem");

    /// <summary>The server's certificate alone, as PEM; the key is in <see cref="KeyPem"/>.</summary>
    public string CertificatePem => Path.Combine(Folder, "server.crt");

    /// <summary>The server's private key, as PEM.</summary>
    public string KeyPem => Path.Combine(Folder, "server.key");

    /// <summary>The CA certificate as PEM: a truststore that accepts the server.</summary>
    public string TruststorePem => Path.Combine(Folder, "ca.pem");

    /// <summary>The CA certificate as PKCS12 (password <see cref="Password"/>).</summary>
    public string TruststoreP12 => Path.Combine(Folder, "ca.p12");

    /// <summary>The server's certificate and key as Java's JKS (password <see cref="Password"/>), once <see cref="WriteJksAsync"/> ran.</summary>
    public string KeystoreJks => Path.Combine(Folder, "server.jks");

    /// <summary>The CA certificate as a JKS truststore (password <see cref="Password"/>), once <see cref="WriteJksAsync"/> ran.</summary>
    public string TruststoreJks => Path.Combine(Folder, "ca.jks");

    /// <summary>Writes <see cref="KeystoreJks"/> and <see cref="TruststoreJks"/> with the JDK's keytool, as a Flume user makes them.</summary>
    public async Task WriteJksAsync()
    {
        await KeytoolAsync(
            "-importkeystore", "-noprompt", "-srckeystore", KeystoreP12, "-srcstoretype", "PKCS12", "-srcstorepass", Password,
            "-destkeystore", KeystoreJks, "-deststoretype", "JKS", "-deststorepass", Password, "-destkeypass", Password);
        await KeytoolAsync(
            "-importcert", "-noprompt", "-alias", "ca", "-file", TruststorePem, "-keystore", TruststoreJks, "-storetype", "JKS", "-storepass", Password);
    }

    /// <summary>Runs the JDK's keytool and waits for it to succeed.</summary>
    public static async Task KeytoolAsync(params string[] arguments)
    {
        using var keytool = PeerProcess.Start("keytool", arguments);
        await keytool.WaitForSuccessAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Creates the CA and a server certificate whose subject is <c>CN=<paramref name="serverName"/></c>.</summary>
    public static TestCertificates Create(string serverName = "flume-test-server")
    {
        var folder = Path.Combine(Path.GetTempPath(), "flume-tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var certificates = new TestCertificates(folder);
        using var ca = CreateAuthority();
        File.WriteAllText(certificates.TruststorePem, ca.ExportCertificatePem());
        using (var caOnly = X509CertificateLoader.LoadCertificate(ca.RawData))
        {
            File.WriteAllBytes(certificates.TruststoreP12, caOnly.Export(X509ContentType.Pkcs12, Password));
        }

        certificates.WriteServer(ca, serverName);
        return certificates;
    }

    /// <summary>
    /// Re-issues the server certificate with subject <c>CN=<paramref name="serverName"/></c> from a new CA, over the
    /// same files: what a certificate renewal looks like to a running server.
    /// </summary>
    public void RenewServer(string serverName)
    {
        using var ca = CreateAuthority();
        WriteServer(ca, serverName);
    }

    public void Dispose() => TempFolder.Delete(Folder);

    private static X509Certificate2 CreateAuthority()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Flume Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private void WriteServer(X509Certificate2 ca, string serverName)
    {
        // ECDSA like the CA: CertificateRequest signs with the issuer's key, which must be of the request's algorithm.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={serverName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), new DateTimeOffset(ca.NotAfter).AddMinutes(-1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        var certificatePem = withKey.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllBytes(KeystoreP12, withKey.Export(X509ContentType.Pkcs12, Password));
        File.WriteAllText(CertificatePem, certificatePem);
        File.WriteAllText(KeyPem, keyPem);
        File.WriteAllText(KeystorePem, certificatePem + "\n" + keyPem);
    }
}
