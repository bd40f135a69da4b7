namespace Flume.Logging.Relay.Sinks.FileRoll;

/// <summary>How the <c>file_roll</c> sink writes each event (<c>sink.serializer</c>).</summary>
internal enum FileRollSerializer
{
    /// <summary>Flume's <c>TEXT</c> (BodyTextEventSerializer): the body as is, then a newline unless <c>appendNewline = false</c>.</summary>
    Text,

    /// <summary>Flume's <c>HEADER_AND_TEXT</c>: the headers as <c>{k=v, k2=v2}</c>, a space, the body, then a newline unless <c>appendNewline = false</c>.</summary>
    HeaderAndText,
}
