using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc.Tests.Clients;

internal static class Events
{
    public static FlumeEvent[] Make(int count, string prefix = "e")
    {
        var events = new FlumeEvent[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = FlumeEvent.FromText(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return events;
    }
}
