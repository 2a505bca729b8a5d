using System.Text.Json;
using InteractiveSpark.Magics;
using InteractiveSpark.Rendering;
using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.ValueSharing;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The <c>#!N</c> kernel of a session named N: its cells are Spark SQL, run with <c>spark.sql</c> semantics (a command
/// runs once) and shown as a paged table of the first rows. Like .NET Interactive's SQL kernels:
/// <c>#!N --name x</c> keeps the shown rows as value <c>x</c> (always also as <c>lastResult</c>), which C# takes with
/// <c>#!share --from N x</c>; values set with <c>#!set --name day --value @csharp:day</c> become named parameters
/// <c>:day</c> of the SQL (typed literals, never spliced into the text).
/// </summary>
internal sealed partial class SparkSqlKernel :
    Kernel,
    IKernelCommandHandler<SubmitCode>,
    IKernelCommandHandler<RequestValueInfos>,
    IKernelCommandHandler<RequestValue>,
    IKernelCommandHandler<SendValue>
{
    /// <summary>The value every SQL cell's rows are kept as.</summary>
    public const string LastResultName = "lastResult";

    private readonly SparkSessionRegistry _registry;
    private readonly Dictionary<string, object?> _parameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<Row>> _results = new(StringComparer.Ordinal);

    public SparkSqlKernel(string name, SparkSessionRegistry registry)
        : base(name)
    {
        _registry = registry;
        KernelInfo.LanguageName = "SparkSQL";
        KernelInfo.DisplayName = $"Spark SQL - {name}";
        KernelInfo.Description = $"Runs Spark SQL on the Spark session '{name}'";

        // #!set (C# values in, as SQL parameters) and #!share, as .NET Interactive's own kernels have them.
        this.UseValueSharing();
    }

    /// <inheritdoc />
    public override KernelSpecifierDirective KernelSpecifierDirective
    {
        get
        {
            var directive = base.KernelSpecifierDirective;
            directive.Parameters.Add(new KernelDirectiveParameter("--name", "The value name to keep the result's rows as (for #!share)"));
            return directive;
        }
    }

    async Task IKernelCommandHandler<SubmitCode>.HandleAsync(SubmitCode command, KernelInvocationContext context)
    {
        var open = _registry.Find(Name);
        if (open is null)
        {
            context.Fail(command, message: $"The Spark session '{Name}' is not open (it was stopped, or its connect failed); open it again with #!spark-connect --name {Name} ...");
            return;
        }

        var sql = command.Code.Trim();
        if (sql.Length == 0)
        {
            return;
        }

        string? resultName = null;
        if (command.Parameters.TryGetValue("--name", out var given) && !string.IsNullOrWhiteSpace(given))
        {
            resultName = given.Trim().Trim('"');
        }

        var args = SqlParameters.UsedBy(sql, _parameters);
        var result = await SparkActions.RunAsync(context, command, Name, open, async (options, ct) =>
        {
            var df = args.Count == 0
                ? await open.Session.SqlAsync(sql, ct).ConfigureAwait(false)
                : await open.Session.SqlAsync(sql, args, ct).ConfigureAwait(false);
            return await TablePreview.FetchAsync(df, SparkFormatters.DisplayRows, options, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        if (result.Value is not { } preview)
        {
            if (result.Error is not null && context.CancellationToken.IsCancellationRequested)
            {
                context.Fail(command, message: result.Error);
            }

            return;
        }

        // A public list type: #!share declares the C# variable with the value's own type, and the client's collected
        // rows are an internal column-backed list that a script cannot name.
        var rows = preview.Rows.ToList();
        _results[LastResultName] = rows;
        if (resultName is not null)
        {
            _results[resultName] = rows;
        }

        context.Display(preview);
    }

    Task IKernelCommandHandler<RequestValueInfos>.HandleAsync(RequestValueInfos command, KernelInvocationContext context)
    {
        var infos = _results.Select(r => new KernelValueInfo(r.Key, FormattedValue.CreateSingleFromObject(r.Value, command.MimeType), typeof(IReadOnlyList<Row>)))
            .Concat(_parameters.Select(p => new KernelValueInfo(p.Key, FormattedValue.CreateSingleFromObject(p.Value, command.MimeType), p.Value?.GetType())))
            .ToArray();
        context.Publish(new ValueInfosProduced(infos, command));
        return Task.CompletedTask;
    }

    Task IKernelCommandHandler<RequestValue>.HandleAsync(RequestValue command, KernelInvocationContext context)
    {
        object? value = _results.TryGetValue(command.Name, out var rows) ? rows
            : _parameters.TryGetValue(command.Name, out var p) ? p
            : null;
        if (value is null)
        {
            context.Fail(command, message: $"The Spark SQL kernel '{Name}' has no value '{command.Name}'; name a result with #!{Name} --name {command.Name}.");
            return Task.CompletedTask;
        }

        context.Publish(new ValueProduced(value, command.Name, FormattedValue.CreateSingleFromObject(value, command.MimeType), command));
        return Task.CompletedTask;
    }

    Task IKernelCommandHandler<SendValue>.HandleAsync(SendValue command, KernelInvocationContext context)
    {
        if (!SqlParameters.IsName(command.Name))
        {
            context.Fail(command, message: $"'{command.Name}' cannot be a SQL parameter name: use letters, digits and _, e.g. #!set --name day --value @csharp:day.");
            return Task.CompletedTask;
        }

        _parameters[command.Name] = command.Value ?? FromJson(command.FormattedValue);
        return Task.CompletedTask;
    }

    /// <summary>A value sent as JSON (from another process, or without the object): string, number, bool, null.</summary>
    private static object? FromJson(FormattedValue? formatted)
    {
        if (formatted is null)
        {
            return null;
        }

        if (formatted.MimeType != JsonFormatter.MimeType)
        {
            return formatted.Value;
        }

        using var doc = JsonDocument.Parse(formatted.Value);
        var e = doc.RootElement;
        return e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            JsonValueKind.Number when e.TryGetInt64(out var l) => l,
            JsonValueKind.Number => e.GetDouble(),
            _ => e.GetRawText(),
        };
    }
}
