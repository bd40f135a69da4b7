using System.Text;
using Flume.Logging.Relay.Sources.Http;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// The http source's JSON handler on a request body, in the charset the control byte picks. An
/// <see cref="HttpBadRequestException"/> (answered 400) is the expected answer to a malformed body.
/// </summary>
internal sealed class HttpJsonTarget : IFuzzTarget
{
    private static readonly string?[] ContentTypes = ["application/json", null, "application/json; charset=UTF-16", "application/json; charset=ISO-8859-1", "application/json; charset=bogus"];

    public string Name => "http-json";

    public void Run(byte[] input)
    {
        try
        {
            var events = JsonHandler.Parse(FuzzInput.Data(input).Span, ContentTypes[FuzzInput.Control(input) % ContentTypes.Length]);
            foreach (var flumeEvent in events)
            {
                AcceptingReceiver.Touch(flumeEvent);
            }
        }
        catch (HttpBadRequestException)
        {
            // Answered 400 with the reason.
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return FuzzInput.With(0, Encoding.UTF8.GetBytes("""[{"headers":{"a":"b","c":"d"},"body":"hello"},{"body":"x"}]"""));
        yield return FuzzInput.With(1, Encoding.UTF8.GetBytes("""[{"headers":{},"body":"\u00e9\ud83d\ude00\n"}]"""));
        yield return FuzzInput.With(2, Encoding.Unicode.GetBytes("""[{"body":"utf16"}]"""));
    }
}
