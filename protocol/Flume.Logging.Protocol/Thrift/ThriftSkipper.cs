namespace Flume.Logging.Protocol.Thrift;

/// <summary>Thrift's skip: passes over a value of any type, as readers must for fields they do not know.</summary>
internal static class ThriftSkipper
{
    /// <summary>Nesting allowed below the message, Thrift's default recursion limit.</summary>
    public const int MaxDepth = 64;

    /// <summary>Skips one value of <paramref name="type"/>; false with the reader's error on bad bytes or too deep nesting.</summary>
    public static bool Skip<TReader>(ref TReader reader, ReadOnlySpan<byte> frame, ThriftType type, int depth = 0)
        where TReader : IThriftReader
    {
        if (depth > MaxDepth)
        {
            return reader.Fail("values are nested too deeply");
        }

        switch (type)
        {
            case ThriftType.Bool:
                return reader.ReadBool(frame, out _);
            case ThriftType.Byte:
                return reader.ReadByte(frame, out _);
            case ThriftType.I16:
                return reader.ReadI16(frame, out _);
            case ThriftType.I32:
                return reader.ReadI32(frame, out _);
            case ThriftType.I64:
                return reader.ReadI64(frame, out _);
            case ThriftType.Double:
                return reader.ReadDouble(frame, out _);
            case ThriftType.String:
                return reader.ReadBinary(frame, out _, out _);
            case ThriftType.Struct:
                return SkipStruct(ref reader, frame, depth);
            case ThriftType.Map:
                {
                    if (!reader.ReadMapBegin(frame, out var keyType, out var valueType, out var count))
                    {
                        return false;
                    }

                    for (var i = 0; i < count; i++)
                    {
                        if (!Skip(ref reader, frame, keyType, depth + 1) || !Skip(ref reader, frame, valueType, depth + 1))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case ThriftType.List:
            case ThriftType.Set:
                {
                    if (!reader.ReadListBegin(frame, out var elementType, out var count))
                    {
                        return false;
                    }

                    for (var i = 0; i < count; i++)
                    {
                        if (!Skip(ref reader, frame, elementType, depth + 1))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            default:
                return reader.Fail("value has an unknown type");
        }
    }

    private static bool SkipStruct<TReader>(ref TReader reader, ReadOnlySpan<byte> frame, int depth)
        where TReader : IThriftReader
    {
        var saved = reader.ReadStructBegin();
        while (true)
        {
            if (!reader.ReadFieldBegin(frame, out var fieldType, out _))
            {
                return false;
            }

            if (fieldType == ThriftType.Stop)
            {
                reader.ReadStructEnd(saved);
                return true;
            }

            if (!Skip(ref reader, frame, fieldType, depth + 1))
            {
                return false;
            }
        }
    }
}
