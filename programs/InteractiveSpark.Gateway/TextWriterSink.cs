using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace InteractiveSpark.Gateway;

/// <summary>Writes each log event as one line (compact JSON) to a text writer: standard output, or a file.</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter, bool ownsWriter) : ILogEventSink, IDisposable
{
    private readonly Lock _lock = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (ownsWriter)
            {
                writer.Dispose();
            }
        }
    }
}
