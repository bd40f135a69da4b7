using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Flume.Logging.Rpc.Tls;

/// <summary>
/// Reads Java's JKS keystore format, Flume's default <c>keystore-type</c> and keytool's default before Java 9, so a
/// Flume agent's keystore and truststore files serve unchanged. The format: magic <c>FEEDFEED</c>, version 1 or 2,
/// then entries (a private key protected with Sun's SHA-1 key protector and its certificate chain, or a trusted
/// certificate), then a SHA-1 digest over the password, the words "Mighty Aphrodite" and everything before it.
/// </summary>
internal static class JksKeyStore
{
    private const uint Magic = 0xFEEDFEED;
    private const int PrivateKeyEntry = 1;
    private const int TrustedCertificateEntry = 2;
    private const int DigestLength = 20;

    // Sun's proprietary key protection algorithm (sun.security.provider.KeyProtector).
    private const string KeyProtectorOid = "1.3.6.1.4.1.42.2.17.1.1";

    /// <summary>Whether <paramref name="head"/> opens a JKS file.</summary>
    public static bool IsJks(ReadOnlySpan<byte> head) => head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == Magic;

    /// <summary>
    /// The certificate of the first private-key entry, with its private key, decrypted with <paramref name="keyPassword"/>
    /// (the Java Kafka client's <c>ssl.key.password</c>) or, when that is null, with <paramref name="password"/>, as
    /// Flume does. Throws <see cref="CryptographicException"/> for a wrong password or a damaged file,
    /// <see cref="ArgumentException"/> for a store without a private key.
    /// </summary>
    public static X509Certificate2 ReadKeyEntry(ReadOnlySpan<byte> store, string? password, string? keyPassword = null)
    {
        var entries = Read(store, password);
        foreach (var entry in entries)
        {
            if (entry.ProtectedKey is { } protectedKey)
            {
                byte[] key;
                try
                {
                    key = Unprotect(protectedKey, keyPassword ?? password ?? "");
                }
                catch (CryptographicException) when (keyPassword is not null)
                {
                    throw new CryptographicException("the JKS private key does not decrypt: wrong key password");
                }

                try
                {
                    return WithKey(entry.Certificates[0], key);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(key);
                }
            }
        }

        throw new ArgumentException("the JKS keystore holds no private key entry");
    }

    /// <summary>Every certificate of the store: its trusted entries and the chains of its key entries.</summary>
    public static X509Certificate2Collection ReadCertificates(ReadOnlySpan<byte> store, string? password)
    {
        var collection = new X509Certificate2Collection();
        foreach (var entry in Read(store, password))
        {
            foreach (var certificate in entry.Certificates)
            {
                collection.Add(X509CertificateLoader.LoadCertificate(certificate));
            }
        }

        return collection;
    }

    private static List<Entry> Read(ReadOnlySpan<byte> store, string? password)
    {
        var reader = new Reader(store);
        if (reader.UInt32() != Magic)
        {
            throw new CryptographicException("not a JKS keystore");
        }

        var version = reader.Int32();
        if (version is not (1 or 2))
        {
            throw new CryptographicException($"JKS version {version} is not 1 or 2");
        }

        var count = reader.Int32();
        var entries = new List<Entry>();
        for (var i = 0; i < count; i++)
        {
            var tag = reader.Int32();
            reader.Utf(); // alias
            reader.Int64(); // creation time
            switch (tag)
            {
                case PrivateKeyEntry:
                    var protectedKey = reader.Bytes(reader.Int32()).ToArray();
                    // Each certificate takes at least its 4-byte length.
                    var chainLength = reader.Count(4);
                    var chain = new List<byte[]>(chainLength);
                    for (var c = 0; c < chainLength; c++)
                    {
                        chain.Add(Certificate(ref reader, version));
                    }

                    if (chain.Count == 0)
                    {
                        throw new CryptographicException("a JKS private key entry has no certificate");
                    }

                    entries.Add(new Entry(protectedKey, chain));
                    break;
                case TrustedCertificateEntry:
                    entries.Add(new Entry(null, [Certificate(ref reader, version)]));
                    break;
                default:
                    throw new CryptographicException($"JKS entry tag {tag} is neither a private key (1) nor a trusted certificate (2)");
            }
        }

        // Java checks the digest only when given a password, as truststores are often read without one.
        if (!string.IsNullOrEmpty(password))
        {
            var signed = store[..reader.Position];
            var expected = reader.Bytes(DigestLength);
            if (!Digest(password, signed).AsSpan().SequenceEqual(expected))
            {
                throw new CryptographicException("the JKS keystore's integrity check failed: wrong password, or a damaged file");
            }
        }

        return entries;
    }

    private static byte[] Certificate(ref Reader reader, int version)
    {
        if (version == 2)
        {
            var type = reader.Utf();
            if (type != "X.509")
            {
                throw new CryptographicException($"JKS certificate type {type} is not X.509");
            }
        }

        return reader.Bytes(reader.Int32()).ToArray();
    }

    private static byte[] Digest(string password, ReadOnlySpan<byte> signed)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.BigEndianUnicode.GetBytes(password));
        sha1.AppendData("Mighty Aphrodite"u8);
        sha1.AppendData(signed);
        return sha1.GetHashAndReset();
    }

    /// <summary>
    /// Undoes Sun's key protector: the key is XORed with a SHA-1 stream (each block the hash of the password and the
    /// previous block, the first seeded by a salt), followed by SHA-1 of the password and the plain key as a check.
    /// </summary>
    private static byte[] Unprotect(byte[] encryptedPrivateKeyInfo, string password)
    {
        string oid;
        byte[] protectedKey;
        try
        {
            var outer = new AsnReader(encryptedPrivateKeyInfo, AsnEncodingRules.DER).ReadSequence();
            oid = outer.ReadSequence().ReadObjectIdentifier();
            protectedKey = outer.ReadOctetString();
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException($"a JKS private key entry is damaged: {e.Message}", e);
        }

        if (oid != KeyProtectorOid)
        {
            throw new CryptographicException($"JKS key protection {oid} is not Sun's key protector ({KeyProtectorOid})");
        }

        if (protectedKey.Length < 2 * DigestLength)
        {
            throw new CryptographicException("a JKS protected key is too short");
        }

        var passwordBytes = Encoding.BigEndianUnicode.GetBytes(password);
        var salt = protectedKey.AsSpan(0, DigestLength);
        var encrypted = protectedKey.AsSpan(DigestLength, protectedKey.Length - 2 * DigestLength);
        var check = protectedKey.AsSpan(protectedKey.Length - DigestLength);
        var key = new byte[encrypted.Length];
        Span<byte> block = stackalloc byte[DigestLength];
        salt.CopyTo(block);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        for (var offset = 0; offset < key.Length; offset += DigestLength)
        {
            sha1.AppendData(passwordBytes);
            sha1.AppendData(block);
            sha1.GetHashAndReset(block);
            for (var i = 0; i < DigestLength && offset + i < key.Length; i++)
            {
                key[offset + i] = (byte)(encrypted[offset + i] ^ block[i]);
            }
        }

        sha1.AppendData(passwordBytes);
        sha1.AppendData(key);
        if (!CryptographicOperations.FixedTimeEquals(sha1.GetHashAndReset(), check))
        {
            CryptographicOperations.ZeroMemory(key);
            throw new CryptographicException("the JKS private key does not decrypt: wrong keystore-password (Flume uses it for the key too)");
        }

        return key;
    }

    private static X509Certificate2 WithKey(byte[] certificateDer, byte[] pkcs8)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        using var withKey = certificate.GetKeyAlgorithm() switch
        {
            "1.2.840.113549.1.1.1" => WithRsa(certificate, pkcs8),
            "1.2.840.10045.2.1" => WithEcdsa(certificate, pkcs8),
            var other => throw new CryptographicException($"JKS private key algorithm {other} is neither RSA nor EC"),
        };

        // A key imported in memory is ephemeral, which SslStream on some platforms cannot use; a PKCS12 round trip fixes it.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2 WithRsa(X509Certificate2 certificate, byte[] pkcs8)
    {
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return certificate.CopyWithPrivateKey(rsa);
    }

    private static X509Certificate2 WithEcdsa(X509Certificate2 certificate, byte[] pkcs8)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return certificate.CopyWithPrivateKey(ecdsa);
    }

    private sealed record Entry(byte[]? ProtectedKey, List<byte[]> Certificates);

    /// <summary>Big-endian reads over the store, as Java's DataInputStream wrote it.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;

        public int Position { get; private set; }

        public ReadOnlySpan<byte> Bytes(int count)
        {
            if (count < 0 || count > _data.Length - Position)
            {
                throw Damaged();
            }

            var bytes = _data.Slice(Position, count);
            Position += count;
            return bytes;
        }

        /// <summary>
        /// A count of items that take at least <paramref name="minimumSize"/> bytes each, checked against the bytes
        /// left: a damaged count used as a capacity allocated gigabytes (a flipped byte stalled a test process for
        /// minutes).
        /// </summary>
        public int Count(int minimumSize)
        {
            var count = Int32();
            if (count < 0 || count > (_data.Length - Position) / minimumSize)
            {
                throw Damaged();
            }

            return count;
        }

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));

        public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Bytes(4));

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Bytes(8));

        private static CryptographicException Damaged() => new("the JKS keystore ends early or is damaged");

        // Java's modified UTF-8 equals UTF-8 for the aliases and type names keytool writes (no NUL, no surrogates).
        public string Utf() => Encoding.UTF8.GetString(Bytes(BinaryPrimitives.ReadUInt16BigEndian(Bytes(2))));
    }
}
