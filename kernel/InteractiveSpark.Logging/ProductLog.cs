using InteractiveSpark.Core;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Context;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace InteractiveSpark.Logging;

/// <summary>
/// The product's log for one process: a Serilog logger built from <see cref="LoggingOptions"/> and the
/// <see cref="ILoggerFactory"/> the libraries take (<c>SparkSessionOptions.LoggerFactory</c>, launcher options).
/// Every line carries the time, level, application, session id (<c>-</c> outside a session) and component; every line
/// passes through <see cref="SessionToken.Redact"/> before it reaches a file or the console, whatever wrote it.
/// Dispose flushes the sinks.
/// </summary>
public sealed class ProductLog : IDisposable, IAsyncDisposable
{
    /// <summary>The property that holds the session id on every event.</summary>
    public const string SessionIdProperty = "SessionId";

    /// <summary>The layout of a line in the file: one event per line, properties after the message.</summary>
    public const string LineTemplate =
        "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {Application} session={SessionId} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    private readonly Logger _logger;

    private ProductLog(Logger logger, LoggingOptions options)
    {
        _logger = logger;
        Options = options;
        LoggerFactory = new SerilogLoggerFactory(logger, dispose: false);
    }

    /// <summary>What this log was made from.</summary>
    public LoggingOptions Options { get; }

    /// <summary>The factory to hand to the libraries.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The Serilog logger itself, for hosts that configure Serilog directly (the gateway).</summary>
    public Serilog.ILogger Serilog => _logger;

    /// <summary>Builds the log: file sink unless turned off, Seq when a URL is given, levels per component.</summary>
    public static ProductLog Create(LoggingOptions options, TextWriter? console = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(options.MinimumLevel)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", options.Application)
            .Enrich.WithProperty("ProcessId", Environment.ProcessId)
            .Enrich.With(new SessionAndRedactionEnricher());
        foreach (var (component, level) in options.ComponentLevels)
        {
            configuration = configuration.MinimumLevel.Override(component, level);
        }

        var text = new RedactingFormatter(new MessageTemplateTextFormatter(LineTemplate, System.Globalization.CultureInfo.InvariantCulture));
        if (options.WriteFile)
        {
            Directory.CreateDirectory(options.Directory);
            configuration = configuration.WriteTo.File(
                text,
                options.FilePattern,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 64L * 1024 * 1024,
                rollOnFileSizeLimit: true,
                shared: true,
                flushToDiskInterval: TimeSpan.FromSeconds(1));
        }

        if (console is not null)
        {
            configuration = configuration.WriteTo.Sink(new TextWriterSink(text, console));
        }

        if (options.SeqUrl is { } seq)
        {
            configuration = configuration.WriteTo.Seq(seq.ToString(), apiKey: options.SeqApiKey);
        }

        return new ProductLog(configuration.CreateLogger(), options);
    }

    /// <summary>
    /// Puts <paramref name="sessionId"/> on every event logged in this async flow until the result is disposed (the
    /// libraries' own lines name their session as well).
    /// </summary>
    public static IDisposable BeginSession(string sessionId) => LogContext.PushProperty(SessionIdProperty, sessionId);

    /// <inheritdoc/>
    public void Dispose()
    {
        LoggerFactory.Dispose();
        _logger.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        LoggerFactory.Dispose();
        await _logger.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Adds SessionId <c>-</c> where no session set one, and redacts secrets from string property values (for Seq, which receives properties, not lines).</summary>
    private sealed class SessionAndRedactionEnricher : ILogEventEnricher
    {
        private static readonly ScalarValue NoSession = new("-");

        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            logEvent.AddPropertyIfAbsent(new LogEventProperty(SessionIdProperty, NoSession));
            foreach (var (name, value) in logEvent.Properties.ToArray())
            {
                if (value is ScalarValue { Value: string s } && SessionToken.ContainsSecret(s))
                {
                    logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(SessionToken.Redact(s))));
                }
            }
        }
    }

    /// <summary>Formats with the inner formatter, then redacts the whole line, exception text included.</summary>
    private sealed class RedactingFormatter(ITextFormatter inner) : ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            using var buffer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            inner.Format(logEvent, buffer);
            output.Write(SessionToken.Redact(buffer.ToString()));
        }
    }

    private sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
    {
        private readonly Lock _gate = new();

        public void Emit(LogEvent logEvent)
        {
            lock (_gate)
            {
                formatter.Format(logEvent, output);
                output.Flush();
            }
        }
    }
}
