using System.Text.Json;
using System.Text.Json.Serialization;
using InteractiveSpark.Magics;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;

namespace InteractiveSpark.Interactive;

/// <summary>
/// The values of a magic declared in kernel/InteractiveSpark.Magics, as .NET Interactive bound them: every option lands
/// in <see cref="Options"/> by its name, so the magic's options are declared once (there) and read once (by the magic's
/// own Parse, through <see cref="Values"/>).
/// </summary>
public class BoundMagicCommand : KernelDirectiveCommand
{
    /// <summary>Every option, as .NET Interactive bound it.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Options { get; set; }

    internal IMagicValues Values() => new BoundValues(Options);

    private sealed class BoundValues : IMagicValues
    {
        private readonly Dictionary<string, JsonElement> _byKey;

        // Keys as bound ("maxDuration", "max-duration" or "--max-duration"): compared without dashes and case.
        public BoundValues(Dictionary<string, JsonElement>? options) =>
            _byKey = (options ?? []).ToDictionary(kv => Key(kv.Key), kv => kv.Value);

        public string? Value(string option) =>
            _byKey.TryGetValue(Key(option), out var v) ? SparkConnectCommandValues.Strings(v)?.LastOrDefault() : null;

        public bool Flag(string option) => _byKey.TryGetValue(Key(option), out var v) && v.ValueKind == JsonValueKind.True;

        private static string Key(string option) => option.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
    }
}

/// <summary><c>#!kafka-sample</c>, bound by .NET Interactive.</summary>
public sealed class KafkaSampleCommand : BoundMagicCommand;

/// <summary><c>#!kafka-stream</c>, bound by .NET Interactive.</summary>
public sealed class KafkaStreamCommand : BoundMagicCommand;

/// <summary><c>#!spark-ui</c>, bound by .NET Interactive.</summary>
public sealed class SparkUiCommand : BoundMagicCommand;

/// <summary><c>#!spark-logs</c>, bound by .NET Interactive.</summary>
public sealed class SparkLogsCommand : BoundMagicCommand;

/// <summary>A magic of kernel/InteractiveSpark.Magics as a .NET Interactive directive.</summary>
internal static class MagicDirectives
{
    /// <summary>The directive <paramref name="name"/> with <paramref name="options"/>; session-name options complete from <paramref name="sessionNames"/>.</summary>
    public static KernelActionDirective Create(string name, string description, IReadOnlyList<MagicOption> options, Func<IEnumerable<string>> sessionNames)
    {
        var directive = new KernelActionDirective(name) { Description = description };
        foreach (var option in options)
        {
            var parameter = new KernelDirectiveParameter(option.Name, option.Description) { Flag = option.IsFlag, Required = option.IsRequired, MaxOccurrences = option.MaxOccurrences };
            directive.Parameters.Add(option switch
            {
                { IsSessionName: true } => parameter.AddCompletions(sessionNames),
                { Completions.Count: > 0 } => parameter.AddCompletions(() => option.Completions),
                _ => parameter,
            });
        }

        return directive;
    }
}
