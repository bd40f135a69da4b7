using System.Security.Cryptography;
using System.Text;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Flume 1.11's AvroSourceProtocol exactly as its Java side prints it (Idl/AvroSourceProtocol.avpr, byte for byte).
/// Avro IPC hashes this text in the handshake, so presenting these bytes gets BOTH from a real Flume source at once.
/// </summary>
internal static class AvroSourceProtocol
{
    /// <summary>The protocol JSON; no trailing newline, as the hash depends on every byte.</summary>
    public const string Text = """
{"protocol":"AvroSourceProtocol","namespace":"org.apache.flume.source.avro","doc":"Licensed to the Apache Software Foundation (ASF) under one\nor more contributor license agreements.  See the NOTICE file\ndistributed with this work for additional information\nregarding copyright ownership.  The ASF licenses this file\nto you under the Apache License, Version 2.0 (the\n\"License\"); you may not use this file except in compliance\nwith the License.  You may obtain a copy of the License at\n\nhttp://www.apache.org/licenses/LICENSE-2.0\n\nUnless required by applicable law or agreed to in writing,\nsoftware distributed under the License is distributed on an\n\"AS IS\" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY\nKIND, either express or implied.  See the License for the\nspecific language governing permissions and limitations\nunder the License.","types":[{"type":"enum","name":"Status","symbols":["OK","FAILED","UNKNOWN"]},{"type":"record","name":"AvroFlumeEvent","fields":[{"name":"headers","type":{"type":"map","values":"string"}},{"name":"body","type":"bytes"}]}],"messages":{"append":{"request":[{"name":"event","type":"AvroFlumeEvent"}],"response":"Status"},"appendBatch":{"request":[{"name":"events","type":{"type":"array","items":"AvroFlumeEvent"}}],"response":"Status"}}}
""";

    /// <summary>UTF-8 bytes of <see cref="Text"/>.</summary>
    public static readonly byte[] TextUtf8 = Encoding.UTF8.GetBytes(Text);

    /// <summary>MD5 of <see cref="Text"/>, the hash both sides exchange in the handshake.</summary>
#pragma warning disable CA5351 // Avro IPC defines the protocol hash as MD5; it identifies, it does not secure.
    public static readonly byte[] Hash = MD5.HashData(TextUtf8);
#pragma warning restore CA5351
}
