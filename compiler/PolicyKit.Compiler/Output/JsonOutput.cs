using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PolicyKit.Compiler.Output;

/// <summary>Runs a Utf8JsonWriter and hands its UTF-8 bytes to a TextWriter, with the settings both JSON formats share.</summary>
public static class JsonOutput
{
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions
        {
            Indented = true,
            // Fixed, so the documents are byte-identical on every OS (golden files, diffs in CI).
            NewLine = "\n",
            // The default encoder escapes ' + < > & and all non-ASCII as \uXXXX, which makes
            // messages such as "did you mean 'x'?" unreadable. The output is never embedded in
            // HTML, so the relaxed encoder (which still escapes what JSON requires) is right here.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            write(json);
        }
        writer.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        writer.Write('\n');
    }

    internal static void WriteLocation(Utf8JsonWriter json, DiagnosticLocation? location)
    {
        if (location is { } l)
        {
            json.WriteString("file", l.File);
            json.WriteNumber("line", l.Line);
            json.WriteNumber("column", l.Column);
            json.WriteNumber("endLine", l.EndLine);
            json.WriteNumber("endColumn", l.EndColumn);
        }
        else
        {
            json.WriteNull("file");
            json.WriteNull("line");
            json.WriteNull("column");
            json.WriteNull("endLine");
            json.WriteNull("endColumn");
        }
    }
}
