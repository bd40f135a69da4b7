namespace Flume.Logging.Rpc.Tls;

/// <summary>What an <see cref="ArgumentException"/> says, for a log line or a configuration error.</summary>
internal static class ArgumentErrors
{
    /// <summary>
    /// The message without the " (Parameter 'x')" the runtime appends: the settings' errors already open with the
    /// property they name.
    /// </summary>
    public static string Reason(ArgumentException error) =>
        error.ParamName is { } name ? error.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : error.Message;
}
