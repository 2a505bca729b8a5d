using InteractiveSpark.Kafka;
using InteractiveSpark.Magics;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// <c>#!spark-ui</c>, <c>#!spark-logs</c>, <c>#!kafka-sample</c>, <c>#!kafka-stream</c> (declared, parsed and run by
/// kernel/InteractiveSpark.Magics, as on the extension), and <c>#!set</c> / <c>#!share</c> where they mean something on a
/// kernel whose cells are all C#. Unlike the extension, a <c>#!kafka-stream</c> cell ends once its stream started: the
/// preview keeps updating its display (update_display_data) until <c>--stop</c>, <c>--max-duration</c> or the kernel's end.
/// </summary>
internal sealed partial class SparkMagicCells
{
    private static readonly IReadOnlyList<MagicOption> SetOptions =
    [
        new("--name", "The C# variable to set") { IsRequired = true },
        new("--value", "Its value: text, @csharp:NAME (another variable's value), @input:PROMPT or @password:PROMPT (asked of the user)") { IsRequired = true },
        new("--mime-type", "Accepted for notebooks written for .NET Interactive; the value is taken as it is"),
        new("--byref", "Accepted for notebooks written for .NET Interactive: every value is shared by reference here") { IsFlag = true },
    ];

    private static readonly IReadOnlyList<MagicOption> ShareOptions =
    [
        new("--from", "The kernel the value comes from (any: this kernel has one language, C#)") { IsRequired = true },
        new("--as", "Another name for the variable"),
        new("--mime-type", "Accepted for notebooks written for .NET Interactive"),
    ];

    // The values #!set gave each session's SQL cells (by session, then parameter name), kept from cell to cell.
    private readonly Dictionary<string, Dictionary<string, object?>> _sqlParameters = new(StringComparer.Ordinal);
    private readonly KafkaStreamPreviews _previews = new();
    private readonly SqlCompletion _sqlCompletion = new();
    private readonly CancellationTokenSource _lifetime = new();

    /// <summary>Stops the running stream previews, then every session the cells opened (the kernel ends or restarts).</summary>
    public async Task ShutdownAsync()
    {
        await _previews.DisposeAsync().ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        await Registry.StopAllAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Completion in a <c>#!NAME</c> SQL cell from the session's catalog (tables, columns, functions); null when the cell is
    /// not a SQL cell (it is C#).
    /// </summary>
    public async Task<CompletionSet?> CompleteSqlAsync(string code, int cursor, CancellationToken cancellation)
    {
        if (CSharpPart(code) is not null)
        {
            return null;
        }

        // The SQL starts on the line after the #!NAME line.
        var position = 0;
        foreach (var line in code.Split('\n'))
        {
            var next = position + line.Length + 1;
            var trimmed = line.Trim();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) && IsSqlMagic(MagicWord(trimmed)))
            {
                var name = MagicWord(trimmed)[2..];
                if (cursor < next || Registry.Find(name) is not { } open || next > code.Length)
                {
                    return new CompletionSet([], cursor, cursor);
                }

                var (matches, start, end) = await _sqlCompletion.CompleteAsync(open.Session, code[next..], cursor - next, cancellation).ConfigureAwait(false);
                return new CompletionSet(matches, start + next, end + next);
            }

            position = next;
        }

        return new CompletionSet([], cursor, cursor);
    }

    private async Task<CellOutcome> UiAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        try
        {
            if (Read(line, SparkUiMagic.Options, SparkUiMagic.Usage, output) is not { } values)
            {
                return CellOutcome.Ok;
            }

            var link = await SparkUiMagic.LinkAsync(Open(values.Value("--name")), cancellation).ConfigureAwait(false);
            output.Display(MimeBundle.Html(link.Html ?? link.Text, link.Text));
            return CellOutcome.Ok;
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }
    }

    private async Task<CellOutcome> LogsAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        try
        {
            if (Read(line, SparkLogsMagic.Options, SparkLogsMagic.Usage, output) is not { } values)
            {
                return CellOutcome.Ok;
            }

            var magic = SparkLogsMagic.Parse(values);
            var logs = SparkLogsMagic.LogsOf(Open(magic.Session));
            if (!magic.Follow)
            {
                output.Display(MimeBundle.Text(await magic.ReadAsync(logs, cancellation).ConfigureAwait(false)));
                return CellOutcome.Ok;
            }

            var shown = new Shown(output);
            await magic.FollowAsync(logs, text => shown.Show(MimeBundle.Text(text)), cancellation).ConfigureAwait(false);
            return CellOutcome.Ok;
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }
    }

    private async Task<CellOutcome> KafkaSampleAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        KafkaSampleMagic magic;
        KafkaSample sample;
        try
        {
            if (Read(line, KafkaSampleMagic.Options, KafkaSampleMagic.Usage, output) is not { } values)
            {
                return CellOutcome.Ok;
            }

            magic = KafkaSampleMagic.Parse(values, DateTimeOffset.UtcNow);
            _previews.LastBootstrap = magic.Connection.BootstrapServers;
            sample = await magic.RunAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkMagicException or KafkaSampleException)
        {
            return Refused(e.Message);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return CellOutcome.Error("Interrupted", $"{KafkaSampleMagic.Name}: interrupted; nothing was committed.");
        }

        var declared = await cells.DeclareAsync(magic.Variable, sample, "global::InteractiveSpark.Kafka.KafkaSample", cancellation).ConfigureAwait(false);
        if (declared.ErrorName is not null)
        {
            return declared;
        }

        var view = KafkaSampleView.Display(sample, magic.Variable);
        output.Display(MimeBundle.Html(view.Html ?? view.Text, view.Text));
        return CellOutcome.Ok;
    }

    private async Task<CellOutcome> KafkaStreamAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        try
        {
            if (Read(line, KafkaStreamMagic.Options, KafkaStreamMagic.Usage, output) is not { } values)
            {
                return CellOutcome.Ok;
            }

            var magic = KafkaStreamMagic.Parse(values, _previews.LastBootstrap);
            var open = Open(magic.Session);
            if (magic.Stop)
            {
                output.Display(MimeBundle.Text(await _previews.StopAsync(open, cancellation).ConfigureAwait(false)));
                return CellOutcome.Ok;
            }

            // The preview outlives its cell: its token is the kernel's, and its view is updated through its display id.
            var shown = new Shown(output);
            await _previews.StartAsync(
                open,
                magic,
                view => shown.Show(MimeBundle.Html(view.ToHtml(), view.ToString())),
                "stopped: the kernel shut down",
                _lifetime.Token).ConfigureAwait(false);
            return CellOutcome.Ok;
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }
        catch (SparkException e)
        {
            return Refused($"{KafkaStreamMagic.Name}: the stream did not start: {SparkErrorText.Describe(e)}", "SparkError");
        }
    }

    private async Task<CellOutcome> SetAsync(string line, ICellOutput output, CancellationToken cancellation)
    {
        try
        {
            // @csharp: is resolved here, not by the line reader: #!set copies the variable's value, not its text.
            var magic = MagicLine.Parse(line, SetOptions);
            if (magic.AsksForHelp)
            {
                output.Stream("stdout", MagicText.Help("#!set --name NAME --value VALUE", SetOptions));
                return CellOutcome.Ok;
            }

            magic.Check(SetOptions);
            var name = magic.Value("--name")!.Trim();
            if (!CSharpNames.IsVariableName(name))
            {
                return Refused($"#!set: '{MagicText.Shown(name)}' cannot be a C# variable name: use letters, digits and _ (not starting with a digit, not a keyword).");
            }

            var value = await SetValueAsync(magic.Value("--value")!, output, cancellation).ConfigureAwait(false);
            return await cells.DeclareAsync(name, value, TypeName(value), cancellation).ConfigureAwait(false);
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Refused($"#!set: {e.Message}");
        }
    }

    /// <summary><c>#!set --name day --value @csharp:day</c> in the SQL cell of session <paramref name="session"/>: a named parameter for its SQL.</summary>
    private async Task<CellOutcome> SqlParameterAsync(string session, string line, ICellOutput output, CancellationToken cancellation)
    {
        try
        {
            var magic = MagicLine.Parse(line, SetOptions);
            magic.Check(SetOptions);
            var name = magic.Value("--name")!.Trim();
            if (!SqlParameters.IsName(name))
            {
                return Refused($"'{MagicText.Shown(name)}' cannot be a SQL parameter name: use letters, digits and _, e.g. #!set --name day --value @csharp:day.");
            }

            var value = await SetValueAsync(magic.Value("--value")!, output, cancellation).ConfigureAwait(false);
            if (!_sqlParameters.TryGetValue(session, out var set))
            {
                _sqlParameters[session] = set = new Dictionary<string, object?>(StringComparer.Ordinal);
            }

            set[name] = value;
            return CellOutcome.Ok;
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Refused($"#!set: {e.Message}");
        }
    }

    /// <summary>The value of <c>#!set --value</c>: text, another C# variable's value, or what the user types when asked.</summary>
    private async Task<object?> SetValueAsync(string text, ICellOutput output, CancellationToken cancellation)
    {
        if (text.StartsWith(MagicLine.CSharpValuePrefix, StringComparison.Ordinal))
        {
            var variable = text[MagicLine.CSharpValuePrefix.Length..];
            var (found, value) = cells.Variable(variable);
            return found ? value : throw new SparkMagicException($"#!set: no C# variable {MagicText.Shown(variable)} is defined; run the cell that sets it first.");
        }

        if (text.StartsWith("@input:", StringComparison.Ordinal) || text.StartsWith("@password:", StringComparison.Ordinal))
        {
            var password = text.StartsWith("@password:", StringComparison.Ordinal);
            return await output.InputAsync(text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..], password, cancellation).ConfigureAwait(false);
        }

        return text;
    }

    private CellOutcome Share(string line)
    {
        try
        {
            var magic = MagicLine.Parse(line, ShareOptions);
            var words = magic.StrayWords;
            if (magic.UnclosedQuote || magic.UnknownOptions(ShareOptions.Select(o => o.Name)).Count > 0 || words.Count != 1 || magic.Value("--from") is null)
            {
                return Refused("#!share takes --from KERNEL and a variable's name: #!share --from csharp total. On this kernel every cell is C#, so every variable is already shared.");
            }

            if (!cells.Variable(words[0]).Found)
            {
                return Refused($"#!share: no C# variable {MagicText.Shown(words[0])} is defined. On this kernel every cell is C# (a SQL cell's --name x makes the C# variable x), so there is nothing to bring from another kernel.");
            }

            return CellOutcome.Ok;
        }
        catch (SparkMagicException e)
        {
            return Refused(e.Message);
        }
    }

    /// <summary>The magic's values, checked against its options; null when it asked for help (shown).</summary>
    private MagicLine? Read(string line, IReadOnlyList<MagicOption> options, string usage, ICellOutput output)
    {
        var magic = MagicLine.Parse(line, options, cells.Variable);
        if (magic.AsksForHelp)
        {
            output.Stream("stdout", MagicText.Help(usage, options));
            return null;
        }

        magic.Check(options);
        return magic;
    }

    private OpenSparkSession Open(string? name)
    {
        name = name?.Trim() ?? "";
        return Registry.Find(name) ?? throw new SparkMagicException(MagicText.NoSuchSession(name, Registry.All.Select(s => s.Name)));
    }

    // A type a script can name for the declared variable; the value itself keeps its type.
    private static string TypeName(object? value) =>
        value?.GetType() is { IsGenericType: false, FullName: { } full } type && (type.IsPublic || type.IsNestedPublic)
            ? "global::" + full.Replace('+', '.')
            : "object";

    /// <summary>One display that the first output shows and every later one replaces (update_display_data), also after the cell ended.</summary>
    private sealed class Shown(ICellOutput output)
    {
        private readonly string _id = Guid.NewGuid().ToString("N");
        private int _shown;

        public void Show(MimeBundle bundle)
        {
            if (Interlocked.Exchange(ref _shown, 1) == 0)
            {
                output.Display(bundle, _id);
            }
            else
            {
                output.UpdateDisplay(bundle, _id);
            }
        }
    }
}
