using Microsoft.Extensions.Hosting.Systemd;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// systemd's service protocol for a <c>Type=notify</c> unit: <c>READY=1</c> once the agent has started (every source
/// listens), <c>STOPPING=1</c> when a stop begins, so <c>systemctl start</c> returns only when the relay accepts
/// events and dependent units start after it. Outside systemd (no <c>NOTIFY_SOCKET</c>) nothing is sent.
/// </summary>
internal static class SystemdService
{
    private static readonly SystemdNotifier Notifier = new();

    /// <summary>
    /// True when standard output goes to the journal (systemd sets <c>JOURNAL_STREAM</c>): log lines then carry
    /// syslog priorities instead of timestamps, which journald adds itself.
    /// </summary>
    public static bool LogsToJournal => Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };

    public static void Ready() => Notify(ServiceState.Ready);

    public static void Stopping() => Notify(ServiceState.Stopping);

    private static void Notify(ServiceState state)
    {
        if (Notifier.IsEnabled)
        {
            Notifier.Notify(state);
        }
    }
}
