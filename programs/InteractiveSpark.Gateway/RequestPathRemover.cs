using Serilog.Core;
using Serilog.Events;

namespace InteractiveSpark.Gateway;

/// <summary>
/// Drops ASP.NET Core's request-scope <c>RequestPath</c> from every log line: it is the whole path, also for requests
/// refused before authentication (anyone's, up to Kestrel's 8 KB request line). Lines that need a path log it
/// themselves (<see cref="RefusalLog"/> cuts it).
/// </summary>
internal sealed class RequestPathRemover : ILogEventEnricher
{
    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) => logEvent.RemovePropertyIfPresent("RequestPath");
}
