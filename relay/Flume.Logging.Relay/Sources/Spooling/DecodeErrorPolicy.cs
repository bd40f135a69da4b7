namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>decodeErrorPolicy</c>: what the LINE deserializer does with bytes that are not valid in <c>inputCharset</c>.</summary>
public enum DecodeErrorPolicy
{
    /// <summary>Stop reading the file; it is reported and left in place, not marked completed.</summary>
    Fail,

    /// <summary>Decode each bad sequence as U+FFFD.</summary>
    Replace,

    /// <summary>Drop the bad bytes.</summary>
    Ignore,
}
