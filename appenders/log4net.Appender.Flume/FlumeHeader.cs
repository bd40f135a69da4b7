using log4net.Layout;

// log4net's convention: appenders and their parts live in log4net.Appender, where <appender type="..."> finds them.
#pragma warning disable IDE0130 // Namespace does not match folder structure
namespace log4net.Appender;
#pragma warning restore IDE0130

/// <summary>
/// One extra header of <see cref="FlumeAppender"/>, rendered per event by its layout on the logging thread and sent
/// after Flume's log4j headers (it may override them). In <c>log4net.config</c>, one element per header:
/// <code>
/// &lt;header&gt;
///   &lt;name value="thread" /&gt;
///   &lt;layout type="log4net.Layout.PatternLayout" value="%thread" /&gt;
/// &lt;/header&gt;
/// </code>
/// A constant is a pattern without conversions (<c>value="orders"</c>).
/// </summary>
public sealed class FlumeHeader
{
    /// <summary>A header to be configured through its properties (as log4net's XML configurator does).</summary>
    public FlumeHeader()
    {
    }

    /// <summary>A header named <paramref name="name"/> rendered by <paramref name="layout"/>.</summary>
    public FlumeHeader(string name, ILayout layout)
    {
        Name = name;
        Layout = layout;
    }

    /// <summary>The header's name. Required.</summary>
    public string? Name { get; set; }

    /// <summary>Renders the header's value from each event. Required.</summary>
    public ILayout? Layout { get; set; }
}
