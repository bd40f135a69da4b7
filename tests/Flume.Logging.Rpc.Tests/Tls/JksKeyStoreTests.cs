using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Tls;

/// <summary>JKS files written by the JDK's keytool, read back as the relay and the appenders read them.</summary>
public sealed class JksKeyStoreTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task An_ec_key_entry_reads_back_as_the_pkcs12_certificate_with_its_private_key()
    {
        await _certificates.WriteJksAsync();
        using var expected = X509CertificateLoader.LoadPkcs12FromFile(_certificates.KeystoreP12, TestCertificates.Password);

        using var certificate = JksKeyStore.ReadKeyEntry(File.ReadAllBytes(_certificates.KeystoreJks), TestCertificates.Password);

        Assert.Equal(expected.Thumbprint, certificate.Thumbprint);
        using var key = certificate.GetECDsaPrivateKey();
        Assert.NotNull(key);
        var signature = key.SignData("data"u8, HashAlgorithmName.SHA256);
        using var publicKey = expected.GetECDsaPublicKey();
        Assert.True(publicKey!.VerifyData("data"u8, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task An_rsa_key_pair_keytool_generated_reads_back_with_its_private_key()
    {
        var path = Path.Combine(_certificates.Folder, "rsa.jks");
        await TestCertificates.KeytoolAsync(
            "-genkeypair", "-noprompt", "-alias", "flume", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
            "-keystore", path, "-storetype", "JKS", "-storepass", "secret", "-keypass", "secret");

        using var certificate = JksKeyStore.ReadKeyEntry(File.ReadAllBytes(path), "secret");

        Assert.Equal("CN=localhost", certificate.Subject);
        using var key = certificate.GetRSAPrivateKey();
        Assert.NotNull(key);
    }

    [Fact]
    public async Task A_key_with_its_own_password_reads_with_it_and_a_wrong_one_is_named_as_the_key_password()
    {
        // As a Java Kafka client's keystore may be: ssl.keystore.password for the store, ssl.key.password for the key.
        var path = Path.Combine(_certificates.Folder, "client.jks");
        await TestCertificates.KeytoolAsync(
            "-genkeypair", "-noprompt", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=client",
            "-keystore", path, "-storetype", "JKS", "-storepass", "store-secret", "-keypass", "key-secret");
        var store = File.ReadAllBytes(path);

        using var certificate = JksKeyStore.ReadKeyEntry(store, "store-secret", "key-secret");
        Assert.True(certificate.HasPrivateKey);

        var wrong = Assert.Throws<CryptographicException>(() => JksKeyStore.ReadKeyEntry(store, "store-secret", "not it"));
        Assert.Contains("wrong key password", wrong.Message, StringComparison.Ordinal);
        var storePasswordOnly = Assert.Throws<CryptographicException>(() => JksKeyStore.ReadKeyEntry(store, "store-secret"));
        Assert.Contains("wrong keystore-password", storePasswordOnly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truststore_gives_its_trusted_certificates_with_or_without_the_password()
    {
        await _certificates.WriteJksAsync();
        var store = File.ReadAllBytes(_certificates.TruststoreJks);

        var checkedRead = JksKeyStore.ReadCertificates(store, TestCertificates.Password);
        var uncheckedRead = JksKeyStore.ReadCertificates(store, null);

        Assert.Equal("CN=Flume Test CA", Assert.Single(checkedRead).Subject);
        Assert.Equal(checkedRead[0].Thumbprint, Assert.Single(uncheckedRead).Thumbprint);
    }

    [Fact]
    public async Task A_wrong_password_or_a_damaged_file_is_refused_as_such()
    {
        await _certificates.WriteJksAsync();
        var store = File.ReadAllBytes(_certificates.KeystoreJks);

        var wrong = Assert.Throws<CryptographicException>(() => JksKeyStore.ReadKeyEntry(store, "not it"));
        Assert.Contains("wrong password", wrong.Message, StringComparison.Ordinal);

        store[^30] ^= 0xFF;
        var damaged = Assert.Throws<CryptographicException>(() => JksKeyStore.ReadKeyEntry(store, TestCertificates.Password));
        Assert.Contains("integrity check failed", damaged.Message, StringComparison.Ordinal);

        var cut = Assert.Throws<CryptographicException>(() => JksKeyStore.ReadKeyEntry(store.AsSpan(0, 40), TestCertificates.Password));
        Assert.Contains("ends early", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_certificate_count_is_refused_without_allocating_for_it()
    {
        // Magic, version 2, one entry: a private key (tag 1) with alias "a", a creation time, an empty protected key,
        // and a certificate count of 2^28 with nothing after it.
        byte[] store = [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, (byte)'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0];
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<CryptographicException>(() => JksKeyStore.ReadKeyEntry(store, null));

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1024 * 1024);
    }

    [Fact]
    public async Task Any_damaged_byte_gives_a_cryptographic_error_and_nothing_else()
    {
        await _certificates.WriteJksAsync();
        var original = File.ReadAllBytes(_certificates.KeystoreJks);
        var random = new Random(17);
        for (var i = 0; i < 400; i++)
        {
            var store = (byte[])original.Clone();
            store[random.Next(store.Length)] ^= (byte)random.Next(1, 256);
            var password = i % 2 == 0 ? TestCertificates.Password : null;

            var error = Record.Exception(() => JksKeyStore.ReadKeyEntry(store, password).Dispose());

            Assert.True(error is null or CryptographicException or ArgumentException, $"flip {i}: {error}");
        }
    }

    [Fact]
    public void A_jceks_file_is_refused_with_the_keytool_command_that_converts_it()
    {
        var path = Path.Combine(_certificates.Folder, "keystore.jceks");
        File.WriteAllBytes(path, [0xCE, 0xCE, 0xCE, 0xCE, 0, 0, 0, 2]);

        var error = Assert.Throws<ArgumentException>(() => TlsStores.LoadCertificate(new TlsOptions { Keystore = path, KeystorePassword = "p" }));

        Assert.Contains("is a JCEKS keystore", error.Message, StringComparison.Ordinal);
        Assert.Contains($"keytool -importkeystore -srckeystore {path} -srcstoretype JCEKS", error.Message, StringComparison.Ordinal);
    }
}
