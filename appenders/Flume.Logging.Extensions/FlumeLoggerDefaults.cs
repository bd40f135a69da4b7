using Flume.Logging.Appenders;
using Microsoft.Extensions.Options;

namespace Flume.Logging.Extensions;

/// <summary>
/// The one default that differs in Microsoft.Extensions.Logging: structured state and scopes are how MEL carries
/// context, so they become headers unless the configuration says otherwise. Runs before the configuration binding.
/// </summary>
internal sealed class FlumeLoggerDefaults : IConfigureOptions<FlumeAppenderOptions>
{
    public void Configure(FlumeAppenderOptions options) => options.PropertiesAsHeaders = true;
}
