using System.Text.Json.Nodes;
using NJsonSchema;

namespace InteractiveSpark.MarathonEmulator;

/// <summary>
/// Marathon's own JSON schemas (<c>../shared/marathon/app.schema.json</c>, <c>task.schema.json</c>: converted from its
/// RAML), loaded with NJsonSchema. <see cref="ValidateApp"/> is what the emulator checks every posted app against; tests
/// use <see cref="ValidateTask"/> on the emulator's answers.
/// </summary>
public sealed class MarathonSchemas
{
    private MarathonSchemas(JsonSchema app, JsonSchema task, string directory)
    {
        App = app;
        Task = task;
        Directory = directory;
    }

    /// <summary>The schema of an app definition (type <c>App</c>).</summary>
    public JsonSchema App { get; }

    /// <summary>The schema of a task (type <c>Task</c>).</summary>
    public JsonSchema Task { get; }

    /// <summary>Where the schemas and examples are (<c>../shared/marathon</c>).</summary>
    public string Directory { get; }

    /// <summary>Loads both schemas from <paramref name="directory"/>, or from <c>ISPARK_MARATHON_SCHEMAS</c>, or from <c>../shared/marathon</c> beside the repository.</summary>
    public static async Task<MarathonSchemas> LoadAsync(string? directory = null)
    {
        directory ??= Environment.GetEnvironmentVariable("ISPARK_MARATHON_SCHEMAS") is { Length: > 0 } d ? d : FindShared();
        var app = await JsonSchema.FromFileAsync(Path.Combine(directory, "app.schema.json")).ConfigureAwait(false);
        var task = await JsonSchema.FromFileAsync(Path.Combine(directory, "task.schema.json")).ConfigureAwait(false);
        return new MarathonSchemas(app, task, directory);
    }

    /// <summary>Marathon-shaped validation details of an app definition: one (path, errors) per invalid place; empty when valid.</summary>
    public IReadOnlyList<(string Path, IReadOnlyList<string> Errors)> ValidateApp(JsonNode app) => Validate(App, app);

    /// <summary>Validation details of a task body; empty when valid.</summary>
    public IReadOnlyList<(string Path, IReadOnlyList<string> Errors)> ValidateTask(JsonNode task) => Validate(Task, task);

    private static List<(string Path, IReadOnlyList<string> Errors)> Validate(JsonSchema schema, JsonNode node) =>
        schema.Validate(node.ToJsonString())
            .SelectMany(Flatten)
            .GroupBy(e => "/" + (e.Path ?? "#").TrimStart('#', '/').Replace('.', '/'))
            .Select(g => (g.Key, (IReadOnlyList<string>)g.Select(e => $"error.{e.Kind}" + (e.Property is { } p ? $" ({p})" : "")).Distinct().ToList()))
            .ToList();

    private static IEnumerable<NJsonSchema.Validation.ValidationError> Flatten(NJsonSchema.Validation.ValidationError error) =>
        error is NJsonSchema.Validation.ChildSchemaValidationError child
            ? child.Errors.SelectMany(e => e.Value).SelectMany(Flatten).DefaultIfEmpty(error)
            : [error];

    private static string FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "marathon");
            if (File.Exists(Path.Combine(candidate, "app.schema.json")))
            {
                return candidate;
            }

            candidate = Path.Combine(dir.FullName, "..", "shared", "marathon");
            if (File.Exists(Path.Combine(dir.FullName, "InteractiveSpark.sln")) && File.Exists(Path.Combine(candidate, "app.schema.json")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException(
            "Cannot find Marathon's schemas (../shared/marathon/app.schema.json beside the repository); set ISPARK_MARATHON_SCHEMAS to that folder.");
    }
}
