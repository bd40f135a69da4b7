using FsCheck;
using FsCheck.Fluent;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Protocol.Tests.Thrift;

/// <summary>
/// Any Thrift value, to stand in for fields a newer peer might send that our readers must skip.
/// <see cref="Value"/> is the scalar, a byte[] (string), a list of values (list/set), a list of key/value pairs
/// (map) or a list of (id, value) fields (struct).
/// </summary>
internal sealed record ThriftValue(ThriftType Type, object Value, ThriftType ElementType = ThriftType.Stop, ThriftType ValueType = ThriftType.Stop)
{
    private static readonly ThriftType[] Scalars =
        [ThriftType.Bool, ThriftType.Byte, ThriftType.I16, ThriftType.I32, ThriftType.I64, ThriftType.Double, ThriftType.String];

    private static readonly ThriftType[] All =
        [.. Scalars, ThriftType.Struct, ThriftType.Map, ThriftType.Set, ThriftType.List];

    public static readonly Gen<ThriftType> AnyType = Gen.Elements(All);

    public static Gen<ThriftValue> Any(int depth) =>
        Gen.Elements(depth > 0 ? All : Scalars).SelectMany(type => Of(type, depth));

    public static Gen<ThriftValue> Of(ThriftType type, int depth)
    {
        var small = Gen.Choose(0, 3);
        return type switch
        {
            ThriftType.Bool => Gen.Elements(true, false).Select(v => new ThriftValue(type, v)),
            ThriftType.Byte => Gen.Choose(-128, 127).Select(v => new ThriftValue(type, (sbyte)v)),
            ThriftType.I16 => Gen.Choose(short.MinValue, short.MaxValue).Select(v => new ThriftValue(type, (short)v)),
            ThriftType.I32 => Gen.Choose(int.MinValue, int.MaxValue).Select(v => new ThriftValue(type, v)),
            ThriftType.I64 => Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(v => new ThriftValue(type, ((long)v.Item1 << 32) ^ (uint)v.Item2)),
            ThriftType.Double => Gen.Choose(int.MinValue, int.MaxValue).Select(v => new ThriftValue(type, v / 7.0)),
            ThriftType.String => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(v => new ThriftValue(type, v)),
            ThriftType.Struct =>
                Gen.ListOf(Gen.Zip(Gen.Choose(-40, 40), Any(depth - 1)))
                    .Select(fields => new ThriftValue(type, fields.Where(f => f.Item1 != 0).Select(f => ((short)f.Item1, f.Item2)).ToList())),
            ThriftType.List or ThriftType.Set =>
                Gen.Elements(All).SelectMany(element =>
                    small.SelectMany(count => Gen.ListOf(Of(element, depth - 1), count)
                        .Select(items => new ThriftValue(type, items.ToList(), element)))),
            _ =>
                Gen.Two(Gen.Elements(All)).SelectMany(kv =>
                    small.SelectMany(count => Gen.ListOf(Gen.Zip(Of(kv.Item1, depth - 1), Of(kv.Item2, depth - 1)), count)
                        .Select(pairs => new ThriftValue(type, pairs.ToList(), kv.Item1, kv.Item2)))),
        };
    }

    public void WriteTo<TWriter>(ref TWriter writer)
        where TWriter : IThriftWriter
    {
        switch (Type)
        {
            case ThriftType.Bool:
                writer.WriteBool((bool)Value);
                break;
            case ThriftType.Byte:
                writer.WriteByte((sbyte)Value);
                break;
            case ThriftType.I16:
                writer.WriteI16((short)Value);
                break;
            case ThriftType.I32:
                writer.WriteI32((int)Value);
                break;
            case ThriftType.I64:
                writer.WriteI64((long)Value);
                break;
            case ThriftType.Double:
                writer.WriteDouble((double)Value);
                break;
            case ThriftType.String:
                writer.WriteBinary((byte[])Value);
                break;
            case ThriftType.Struct:
                var saved = writer.WriteStructBegin();
                foreach (var (id, field) in (List<(short, ThriftValue)>)Value)
                {
                    writer.WriteFieldBegin(field.Type, id);
                    field.WriteTo(ref writer);
                }

                writer.WriteStructEnd(saved);
                break;
            case ThriftType.List or ThriftType.Set:
                var items = (List<ThriftValue>)Value;
                writer.WriteListBegin(ElementType, items.Count);
                foreach (var item in items)
                {
                    item.WriteTo(ref writer);
                }

                break;
            default:
                var pairs = (List<(ThriftValue, ThriftValue)>)Value;
                writer.WriteMapBegin(ElementType, ValueType, pairs.Count);
                foreach (var (key, value) in pairs)
                {
                    key.WriteTo(ref writer);
                    value.WriteTo(ref writer);
                }

                break;
        }
    }

    public override string ToString() => $"{Type} {Value}";
}
