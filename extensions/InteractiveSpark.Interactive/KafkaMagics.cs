using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using InteractiveSpark.Charts;
using InteractiveSpark.Kafka;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;
using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// <c>#!kafka-sample</c> and <c>#!kafka-stream</c>: parse, call <see cref="KafkaSampler"/> / <see cref="KafkaStreamPreview"/>
/// in kernel/, render. The stream's table and chart are one displayed value updated in place, as the progress bar of
/// <see cref="SparkActions"/> is.
/// </summary>
internal sealed class KafkaMagics
{
    /// <summary>How often a running #!kafka-stream refreshes its table and chart.</summary>
    public static TimeSpan RefreshEvery { get; set; } = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromMinutes(10);
    private static readonly TableRenderOptions Table = TableRenderOptions.Default;
    private readonly NotebookSparkSessions _sessions;
    private readonly ConcurrentDictionary<KafkaStreamPreview, string> _running = new();
    private string? _lastBootstrap;

    private KafkaMagics(NotebookSparkSessions sessions) => _sessions = sessions;

    public static void Add(CompositeKernel root, NotebookSparkSessions sessions)
    {
        var magics = new KafkaMagics(sessions);
        foreach (var csharp in root.FindKernels(k => k is CSharpKernel).OfType<CSharpKernel>())
        {
            csharp.AddAssemblyReferences(new[] { typeof(KafkaSample), typeof(StreamRateChart) }.Select(t => t.Assembly.Location));
        }

        root.AddDirective<KafkaSampleCommand>(KafkaDirectives.Sample(), magics.SampleAsync);
        root.AddDirective<KafkaStreamCommand>(KafkaDirectives.Stream(() => sessions.All.Select(s => s.Name)), magics.StreamAsync);
        Formatter.Register<KafkaSample>((sample, writer) => writer.Write(SampleHtml(sample)), HtmlFormatter.MimeType);
        Formatter.Register<KafkaSample>((sample, writer) => writer.Write(SampleText(sample)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(KafkaSample), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        Formatter.Register<KafkaStreamView>((view, writer) => writer.Write(view.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<KafkaStreamView>((view, writer) => writer.Write(view.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(KafkaStreamView), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        root.RegisterForDisposal(() =>
        {
            foreach (var preview in magics._running.Keys) preview.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
        });
    }

    private async Task SampleAsync(KafkaSampleCommand command, KernelInvocationContext context)
    {
        KafkaSample sample;
        try
        {
            if (string.IsNullOrWhiteSpace(command.Bootstrap)) throw new KafkaSampleException("#!kafka-sample needs --bootstrap host:port.");
            var request = KafkaDirectives.Request(command, DateTimeOffset.UtcNow);
            var connection = command.Connection(command.Bootstrap);
            _lastBootstrap = connection.BootstrapServers;
            sample = await new KafkaSampler(connection).SampleAsync(request, context.CancellationToken).ConfigureAwait(false);
        }
        catch (KafkaSampleException e)
        {
            context.Fail(command, message: e.Message);
            return;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        var variable = string.IsNullOrWhiteSpace(command.Variable) ? "kafkaSample" : command.Variable.Trim();
        if ((context.HandlingKernel?.RootKernel ?? Kernel.Root)?.FindKernels(k => k is CSharpKernel).OfType<CSharpKernel>().FirstOrDefault() is { } csharp)
        {
            await csharp.SetValueAsync(variable, sample, typeof(KafkaSample)).ConfigureAwait(false);
        }

        context.Publish(new DisplayedValueProduced(sample, command,
            [new FormattedValue(HtmlFormatter.MimeType, SampleHtml(sample, variable)), new FormattedValue(PlainTextFormatter.MimeType, SampleText(sample, variable))]));
    }

    private async Task StreamAsync(KafkaStreamCommand command, KernelInvocationContext context)
    {
        var name = command.Session?.Trim() ?? "";
        if (_sessions.Registry.Find(name) is not { } open)
        {
            context.Fail(command, message: MagicText.NoSuchSession(name, _sessions.All.Select(s => s.Name)));
            return;
        }

        if (command.Stop)
        {
            await StopAllAsync(command, context, open.Name, open.Session).ConfigureAwait(false);
            return;
        }

        KafkaStreamOptions options;
        TimeSpan maxDuration;
        try
        {
            if (string.IsNullOrWhiteSpace(command.Topic)) throw new KafkaSampleException("#!kafka-stream needs --topic (or --stop).");
            var bootstrap = command.Bootstrap ?? _lastBootstrap
                ?? throw new KafkaSampleException("#!kafka-stream needs --bootstrap host:port (as the Spark driver reaches the brokers).");
            options = new KafkaStreamOptions(command.Connection(bootstrap), command.Topic)
            {
                Format = KafkaDirectives.Format(command.Format),
                Schema = command.Schema,
                StartingOffsets = command.StartingOffsets?.Trim().ToLowerInvariant() ?? "latest",
                Rows = command.Rows is { } r ? KafkaDirectives.Int(r, "--rows") : 20,
            };
            options.Validate();
            maxDuration = command.MaxDuration is { } d ? KafkaDirectives.Duration(d, "--max-duration") : DefaultMaxDuration;
        }
        catch (KafkaSampleException e)
        {
            context.Fail(command, message: e.Message);
            return;
        }

        var label = $"{open.Name}: {options.Topic} at {options.Connection}";
        var cancellation = context.CancellationToken;
        using var use = open.Use();
        KafkaStreamPreview preview;
        try
        {
            preview = await KafkaStreamPreview.StartAsync(open.Session, options, cancellation).ConfigureAwait(false);
        }
        catch (SparkException e)
        {
            context.Fail(command, message: $"{label}: the stream did not start: {SparkErrorText.Describe(e)}");
            return;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return;
        }

        _running[preview] = open.Name;
        var displayed = context.Display(new KafkaStreamView(label + ": starting...", null));
        var last = (KafkaStreamSnapshot?)null;
        string ending;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(maxDuration);
        try
        {
            while (true)
            {
                await Task.Delay(RefreshEvery, limit.Token).ConfigureAwait(false);
                last = await preview.SnapshotAsync(limit.Token).ConfigureAwait(false);
                Update(displayed, new KafkaStreamView(Caption(label, last, "running (interrupt the cell or #!kafka-stream --stop to end)"), last));
            }
        }
        catch (OperationCanceledException)
        {
            ending = cancellation.IsCancellationRequested ? "interrupted" : $"--max-duration {ProgressText.Duration(maxDuration)} reached";
        }
        catch (SparkException e)
        {
            ending = $"failed: {SparkErrorText.Describe(e)}";
        }
        finally
        {
            _running.TryRemove(preview, out _);
        }

        // Stop with a token of its own: the cell's is cancelled when it was interrupted.
        string stopped;
        try
        {
            using var stopLimit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            stopped = await preview.StopAsync(stopLimit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException)
        {
            stopped = $"stopping the streaming query {preview.Table} failed: {e.Message}";
        }

        Update(displayed, new KafkaStreamView(Caption(label, last, $"{ending}; {stopped}"), last));
        if (ending.StartsWith("failed", StringComparison.Ordinal) && !cancellation.IsCancellationRequested)
        {
            context.Fail(command, message: $"{label}: {ending}");
        }
    }

    private async Task StopAllAsync(KafkaStreamCommand command, KernelInvocationContext context, string sessionName, SparkSession session)
    {
        var lines = new List<string>();
        try
        {
            foreach (var (preview, owner) in _running.ToArray())
            {
                if (owner != sessionName) continue;
                _running.TryRemove(preview, out _);
                lines.Add(await preview.StopAsync(context.CancellationToken).ConfigureAwait(false));
            }

            // Previews whose cell ended without stopping them (a kernel restarted mid-way keeps the Spark session's queries).
            foreach (var query in await session.Streams.ActiveAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (query.Name?.StartsWith("kafka_stream_", StringComparison.Ordinal) != true) continue;
                await query.StopAsync(context.CancellationToken).ConfigureAwait(false);
                lines.Add($"stopped: streaming query {query.Name} ({query.Id}).");
            }

            var active = await session.Streams.ActiveAsync(context.CancellationToken).ConfigureAwait(false);
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{sessionName}: {(lines.Count == 0 ? "no Kafka stream preview was running" : $"{lines.Count} stopped")}; the session has {active.Count} active streaming quer{(active.Count == 1 ? "y" : "ies")}."));
        }
        catch (SparkException e)
        {
            context.Fail(command, message: $"{sessionName}: {SparkErrorText.Describe(e)}");
            return;
        }

        KernelInvocationContextExtensions.Display(context, string.Join('\n', lines), PlainTextFormatter.MimeType);
    }

    private static void Update(DisplayedValue displayed, KafkaStreamView view)
    {
        try
        {
            displayed.Update(view);
        }
        catch (ObjectDisposedException)
        {
            // The cell ended (interrupted) meanwhile.
        }
    }

    private static string Caption(string label, KafkaStreamSnapshot? s, string state) =>
        s is null
            ? $"{label}: {state}"
            : string.Create(CultureInfo.InvariantCulture,
                $"{label}: {s.TotalRows} rows in {ProgressText.Duration(s.Elapsed)}, {s.RowsPerSecond:0.#} rows/s, batch {(s.Progress.Count > 0 ? s.Progress[^1].BatchId : 0)} - {state}");

    internal static string SampleText(KafkaSample sample) => SampleText(sample, null);

    private static string SampleText(KafkaSample sample, string? variable)
    {
        var sb = new StringBuilder(sample.Summary);
        if (variable is not null) sb.Append("; in C#: ").Append(variable);
        sb.Append('\n');
        foreach (var note in sample.Notes) sb.Append("note: ").Append(note).Append('\n');
        sb.Append(TableRenderer.ToText(TablePreview.FromRows(sample.ToRows(), KafkaSample.RecordSchema), Table));
        if (sample.FieldTable() is { } fields)
        {
            sb.Append("\n\nJSON fields:\n").Append(TableRenderer.ToText(TablePreview.FromRows(fields.Rows, fields.Schema), Table));
        }

        return sb.ToString();
    }

    internal static string SampleHtml(KafkaSample sample) => SampleHtml(sample, null);

    private static string SampleHtml(KafkaSample sample, string? variable)
    {
        var sb = new StringBuilder("<div class=\"ispark-kafka-sample\"><div><b>").AppendEscaped(sample.Summary).Append("</b>");
        if (variable is not null) sb.Append("; in C#: <code>").AppendEscaped(variable).Append("</code>");
        sb.Append("</div>");
        foreach (var note in sample.Notes) sb.Append("<div>note: ").AppendEscaped(note).Append("</div>");
        sb.Append(TableRenderer.ToHtml(TablePreview.FromRows(sample.ToRows(), KafkaSample.RecordSchema), Table));
        if (sample.FieldTable() is { } fields)
        {
            sb.Append("<div><b>JSON fields</b></div>").Append(TableRenderer.ToHtml(TablePreview.FromRows(fields.Rows, fields.Schema), Table));
        }

        return sb.Append("</div>").ToString();
    }
}

/// <summary>What a running <c>#!kafka-stream</c> shows: a caption, the rows/s chart and the latest rows.</summary>
/// <param name="Caption">The state line.</param>
/// <param name="Snapshot">The latest snapshot, or null before the first.</param>
public sealed record KafkaStreamView(string Caption, KafkaStreamSnapshot? Snapshot)
{
    /// <summary>The HTML: caption, chart, table.</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"ispark-kafka-stream\"><div><b>").AppendEscaped(Caption).Append("</b></div>");
        if (Snapshot is { } s)
        {
            if (s.Progress.Count > 0) sb.Append(StreamRateChart.ToHtml(s.Progress));
            sb.Append(TableRenderer.ToHtml(TablePreview.FromRows(s.Rows, s.Schema)));
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>The text: caption and table.</summary>
    public override string ToString() =>
        Snapshot is { } s ? $"{Caption}\n{TableRenderer.ToText(TablePreview.FromRows(s.Rows, s.Schema))}" : Caption;
}
