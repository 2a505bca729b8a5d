using InteractiveSpark.Charts;
using InteractiveSpark.Kafka;
using InteractiveSpark.Magics;
using InteractiveSpark.Rendering;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// <c>#!kafka-sample</c> and <c>#!kafka-stream</c> on .NET Interactive: declared, parsed and run by kernel/InteractiveSpark.Magics
/// (<see cref="KafkaSampleMagic"/>, <see cref="KafkaStreamMagic"/>, <see cref="KafkaStreamPreviews"/>); here only what
/// this host does itself: the C# variable, and the stream's view as one displayed value updated while its cell runs.
/// </summary>
internal sealed class KafkaMagics
{
    private readonly NotebookSparkSessions _sessions;
    private readonly KafkaStreamPreviews _previews = new();

    private KafkaMagics(NotebookSparkSessions sessions) => _sessions = sessions;

    public static void Add(CompositeKernel root, NotebookSparkSessions sessions)
    {
        var magics = new KafkaMagics(sessions);
        foreach (var csharp in root.FindKernels(k => k is CSharpKernel).OfType<CSharpKernel>())
        {
            csharp.AddAssemblyReferences(new[] { typeof(KafkaSample), typeof(StreamRateChart), typeof(KafkaStreamView) }.Select(t => t.Assembly.Location));
        }

        IEnumerable<string> Names() => sessions.All.Select(s => s.Name);
        root.AddDirective<KafkaSampleCommand>(
            MagicDirectives.Create(KafkaSampleMagic.Name, KafkaSampleMagic.Description, KafkaSampleMagic.Options, Names), magics.SampleAsync);
        root.AddDirective<KafkaStreamCommand>(
            MagicDirectives.Create(KafkaStreamMagic.Name, KafkaStreamMagic.Description, KafkaStreamMagic.Options, Names), magics.StreamAsync);
        Formatter.Register<KafkaSample>((sample, writer) => writer.Write(KafkaSampleView.Html(sample)), HtmlFormatter.MimeType);
        Formatter.Register<KafkaSample>((sample, writer) => writer.Write(KafkaSampleView.Text(sample)), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(KafkaSample), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        Formatter.Register<KafkaStreamView>((view, writer) => writer.Write(view.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<KafkaStreamView>((view, writer) => writer.Write(view.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(KafkaStreamView), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        root.RegisterForDisposal(() => magics._previews.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(75)));
    }

    private async Task SampleAsync(KafkaSampleCommand command, KernelInvocationContext context)
    {
        KafkaSampleMagic magic;
        KafkaSample sample;
        try
        {
            magic = KafkaSampleMagic.Parse(command.Values(), DateTimeOffset.UtcNow);
            _previews.LastBootstrap = magic.Connection.BootstrapServers;
            sample = await magic.RunAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkMagicException or KafkaSampleException)
        {
            context.Fail(command, message: e.Message);
            return;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        if ((context.HandlingKernel?.RootKernel ?? Kernel.Root)?.FindKernels(k => k is CSharpKernel).OfType<CSharpKernel>().FirstOrDefault() is { } csharp)
        {
            await csharp.SetValueAsync(magic.Variable, sample, typeof(KafkaSample)).ConfigureAwait(false);
        }

        var shown = KafkaSampleView.Display(sample, magic.Variable);
        context.Publish(new DisplayedValueProduced(sample, command,
            [new FormattedValue(HtmlFormatter.MimeType, shown.Html), new FormattedValue(PlainTextFormatter.MimeType, shown.Text)]));
    }

    private async Task StreamAsync(KafkaStreamCommand command, KernelInvocationContext context)
    {
        KafkaStreamMagic magic;
        try
        {
            magic = KafkaStreamMagic.Parse(command.Values(), _previews.LastBootstrap);
        }
        catch (SparkMagicException e)
        {
            context.Fail(command, message: e.Message);
            return;
        }

        if (_sessions.Registry.Find(magic.Session) is not { } open)
        {
            context.Fail(command, message: MagicText.NoSuchSession(magic.Session, _sessions.All.Select(s => s.Name)));
            return;
        }

        if (magic.Stop)
        {
            try
            {
                KernelInvocationContextExtensions.Display(context, await _previews.StopAsync(open, context.CancellationToken).ConfigureAwait(false), PlainTextFormatter.MimeType);
            }
            catch (SparkException e)
            {
                context.Fail(command, message: $"{open.Name}: {SparkErrorText.Describe(e)}");
            }

            return;
        }

        DisplayedValue? displayed = null;
        KafkaStreamRun run;
        try
        {
            run = await _previews.StartAsync(
                open,
                magic,
                view =>
                {
                    if (displayed is null)
                    {
                        displayed = context.Display(view);
                    }
                    else
                    {
                        displayed.Update(view);
                    }
                },
                "interrupted",
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (SparkException e)
        {
            context.Fail(command, message: $"{open.Name}: {magic.Stream!.Topic} at {magic.Stream.Connection}: the stream did not start: {SparkErrorText.Describe(e)}");
            return;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return;
        }

        // The extension's cell runs as long as its preview: .NET Interactive cannot update a display after its cell ended.
        if (await run.Completion.ConfigureAwait(false) is { } failure && !context.CancellationToken.IsCancellationRequested)
        {
            context.Fail(command, message: failure);
        }
    }
}
