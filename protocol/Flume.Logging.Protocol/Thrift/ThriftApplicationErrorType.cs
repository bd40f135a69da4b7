namespace Flume.Logging.Protocol.Thrift;

/// <summary>The <c>type</c> codes of TApplicationException that this code sends or names.</summary>
internal static class ThriftApplicationErrorType
{
    /// <summary>UNKNOWN_METHOD (1): the server has no such function.</summary>
    public const int UnknownMethod = 1;

    /// <summary>Thrift's name for a type code, for error messages.</summary>
    public static string Name(int type) => type switch
    {
        0 => "UNKNOWN",
        1 => "UNKNOWN_METHOD",
        2 => "INVALID_MESSAGE_TYPE",
        3 => "WRONG_METHOD_NAME",
        4 => "BAD_SEQUENCE_ID",
        5 => "MISSING_RESULT",
        6 => "INTERNAL_ERROR",
        7 => "PROTOCOL_ERROR",
        8 => "INVALID_TRANSFORM",
        9 => "INVALID_PROTOCOL",
        10 => "UNSUPPORTED_CLIENT_TYPE",
        _ => "type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
