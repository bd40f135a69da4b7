using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// <c>relay load --protocol http</c>'s connection: POSTs each batch to an http source as Flume's JSONHandler reads it
/// (a JSON array of <c>{"headers":{...},"body":"..."}</c>), over one kept-alive HTTP/1.1 connection. Anything but
/// 200 fails the batch, naming the status and the source's message. With <c>--ssl</c> it speaks HTTPS, checking the
/// source's certificate as the RPC clients do.
/// </summary>
internal sealed class HttpJsonLoadClient : IRpcClient
{
    private static readonly MediaTypeHeaderValue JsonUtf8 = MediaTypeHeaderValue.Parse("application/json; charset=UTF-8");

    private readonly HttpClient _client;
    private readonly TlsAuthenticator? _tls;
    private readonly Uri _url;
    private IReadOnlyList<FlumeEvent>? _lastBatch;
    private byte[] _lastJson = [];
    private bool _disposed;

    public HttpJsonLoadClient(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        BatchSize = options.BatchSize;
        _url = new Uri($"{(options.Tls is null ? "http" : "https")}://{options.Host}:{options.Port}/");
        _tls = options.Tls is null ? null : TlsAuthenticator.ForClient(options.Tls);

        // One connection per client, as the RPC clients: --connections means connections here too.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, ConnectTimeout = options.Timeout };
        if (_tls is not null)
        {
            handler.SslOptions = _tls.ClientAuthenticationOptions(options.Host);
        }

        _client = new HttpClient(handler)
        {
            Timeout = options.Timeout,
        };
    }

    public int BatchSize { get; }

    public bool IsActive => !_disposed;

    public ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default) =>
        AppendBatchAsync([flumeEvent], cancellationToken);

    public async ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // The load tool sends the same batch objects again and again: serialize each once, so the measurement is the
        // relay's work and not the generator's.
        if (!ReferenceEquals(events, _lastBatch))
        {
            _lastJson = ToJson(events);
            _lastBatch = events;
        }

        using var content = new ByteArrayContent(_lastJson);
        content.Headers.ContentType = JsonUtf8;
        HttpResponseMessage response;
        try
        {
            response = await _client.PostAsync(_url, content, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new EventDeliveryException($"POST {_url} failed: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EventDeliveryException($"POST {_url} got no answer within {_client.Timeout.TotalMilliseconds} ms", e);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var message = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new EventDeliveryException($"POST {_url} answered {(int)response.StatusCode}: {message.Trim()}");
            }
        }
    }

    /// <summary>The batch as JSONHandler's input; bodies are written as UTF-8 text.</summary>
    internal static byte[] ToJson(IReadOnlyList<FlumeEvent> events)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartArray();
            foreach (var e in events)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("headers");
                foreach (var (key, value) in e.Headers)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
                writer.WriteString("body", Encoding.UTF8.GetString(e.Body.Span));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return output.WrittenSpan.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _client.Dispose();
        _tls?.Dispose();
        return ValueTask.CompletedTask;
    }
}
