using System.Text;

namespace Flume.Logging.Relay.Config;

/// <summary>
/// Splits text into lines at <c>\n</c>, <c>\r</c> or <c>\r\n</c> like <see cref="TextReader.ReadLine"/>, but also
/// says how each line ended: java.util.Properties treats a backslash at the very end of the input differently
/// depending on whether, and how, a line break follows it.
/// </summary>
internal sealed class PhysicalLineReader(TextReader reader)
{
    private readonly StringBuilder _line = new();
    private int _pending = -2;

    /// <summary>How the last line read ended.</summary>
    public LineEnd LastEnd { get; private set; }

    /// <summary>Reads the next line; false at the end of the input.</summary>
    /// <param name="line">The line without its terminator.</param>
    public bool Next(out string line)
    {
        _line.Clear();
        while (true)
        {
            var c = Read();
            if (c < 0)
            {
                line = _line.ToString();
                LastEnd = LineEnd.EndOfInput;
                return _line.Length > 0;
            }

            if (c == '\n')
            {
                return Complete(LineEnd.Single, out line);
            }

            if (c == '\r')
            {
                var next = Read();
                if (next == '\n')
                {
                    return Complete(LineEnd.CrLf, out line);
                }

                _pending = next;
                return Complete(LineEnd.Single, out line);
            }

            _line.Append((char)c);
        }
    }

    private bool Complete(LineEnd end, out string line)
    {
        LastEnd = end;
        line = _line.ToString();
        return true;
    }

    private int Read()
    {
        if (_pending == -2)
        {
            return reader.Read();
        }

        var c = _pending;
        _pending = -2;
        return c;
    }

    /// <summary>How a line ended.</summary>
    internal enum LineEnd
    {
        /// <summary>The input ended without a line break.</summary>
        EndOfInput,

        /// <summary>A single <c>\n</c> or <c>\r</c>.</summary>
        Single,

        /// <summary><c>\r\n</c>.</summary>
        CrLf,
    }
}
