using System.Net.Security;
using System.Security.Authentication;

namespace Flume.Logging.Rpc.Tls;

/// <summary>Turns Flume's include/exclude protocol and cipher suite lists into what <see cref="SslStream"/> takes.</summary>
internal static class TlsProtocols
{
    // Java names of protocols that are never enabled here: accepted in lists so Flume configurations keep working.
    private static readonly string[] Obsolete = ["SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1"];

    // The base of an exclude-only cipher list: TLS 1.3's suites and ECDHE with an AEAD cipher, which every peer of ours offers.
    private static readonly TlsCipherSuite[] Modern =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The enabled protocols: included (default all supported) minus excluded; throws naming the key when none is left.</summary>
    public static SslProtocols Enabled(TlsOptions options)
    {
        var included = options.IncludeProtocols.Count == 0
            ? SslProtocols.Tls12 | SslProtocols.Tls13
            : options.IncludeProtocols.Aggregate(SslProtocols.None, (all, name) => all | Parse(name, "include-protocols"));
        var excluded = options.ExcludeProtocols.Aggregate(SslProtocols.None, (all, name) => all | Parse(name, "exclude-protocols"));
        var enabled = included & ~excluded;
        return enabled != SslProtocols.None
            ? enabled
            : throw new ArgumentException("include-protocols/exclude-protocols leave no protocol enabled (supported: TLSv1.2, TLSv1.3)", nameof(options));
    }

    /// <summary>The cipher suite policy, or null for the platform's defaults when neither list is set.</summary>
    public static CipherSuitesPolicy? CipherSuites(TlsOptions options)
    {
        if (options.IncludeCipherSuites.Count == 0 && options.ExcludeCipherSuites.Count == 0)
        {
            return null;
        }

        var included = options.IncludeCipherSuites.Count == 0 ? Modern : options.IncludeCipherSuites.Select(name => ParseSuite(name, "include-cipher-suites")).ToArray();
        var excluded = options.ExcludeCipherSuites.Select(name => ParseSuite(name, "exclude-cipher-suites")).ToHashSet();
        var enabled = included.Where(suite => !excluded.Contains(suite)).ToArray();
        if (enabled.Length == 0)
        {
            throw new ArgumentException("include-cipher-suites/exclude-cipher-suites leave no cipher suite enabled", nameof(options));
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            return new CipherSuitesPolicy(enabled);
        }

        throw new ArgumentException("include-cipher-suites/exclude-cipher-suites: choosing cipher suites needs Linux or macOS (OpenSSL)", nameof(options));
    }

    private static SslProtocols Parse(string name, string key) => name.Trim() switch
    {
        "TLSv1.2" => SslProtocols.Tls12,
        "TLSv1.3" => SslProtocols.Tls13,
        var other when Obsolete.Contains(other, StringComparer.Ordinal) => SslProtocols.None,
        var other => throw new ArgumentException($"{key}: unknown protocol '{other}' (TLSv1.2, TLSv1.3, or the obsolete SSLv3, TLSv1, TLSv1.1)", key),
    };

    private static TlsCipherSuite ParseSuite(string name, string key) =>
        Enum.TryParse<TlsCipherSuite>(name.Trim(), ignoreCase: false, out var suite) && !int.TryParse(name, out _)
            ? suite
            : throw new ArgumentException($"{key}: unknown cipher suite '{name}' (IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", key);
}
