using System.Text.Json;
using System.Text.Json.Serialization;
using InteractiveSpark.SparkConnect;

namespace InteractiveSpark.Sessions.Records;

/// <summary>
/// The folder of session records on this PC: one JSON file per session (<c>SESSION-ID.json</c>), mode 0600 in a
/// 0700 folder (owner only, as the jobs' records), written whole or not at all (a temporary file renamed over the
/// old one), so that a kernel killed in the middle of a write leaves the previous record.
/// </summary>
public sealed class SessionRecordStore
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new ConnectionStringConverter() },
    };

    /// <summary>A store in <paramref name="folder"/>, else in <see cref="DefaultFolder"/>.</summary>
    public SessionRecordStore(string? folder = null)
    {
        Folder = folder ?? DefaultFolder;
    }

    /// <summary>The store most callers use (<see cref="DefaultFolder"/>).</summary>
    public static SessionRecordStore Default => new();

    /// <summary>Where the records are.</summary>
    public string Folder { get; }

    /// <summary>
    /// <c>ISPARK_SESSIONS_DIR</c>, else <c>$XDG_STATE_HOME/interactive-spark/sessions</c>
    /// (<c>~/.local/state/interactive-spark/sessions</c>; <c>%LOCALAPPDATA%\InteractiveSpark\sessions</c> on Windows).
    /// </summary>
    public static string DefaultFolder
    {
        get
        {
            if (Environment.GetEnvironmentVariable("ISPARK_SESSIONS_DIR") is { Length: > 0 } dir)
            {
                return dir;
            }

            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "InteractiveSpark", "sessions");
            }

            var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } s
                ? s
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            return Path.Combine(state, "interactive-spark", "sessions");
        }
    }

    /// <summary>Writes (or replaces) a session's record, readable by this user only; returns its path.</summary>
    public string Save(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Folder);
        }
        else
        {
            Directory.CreateDirectory(Folder, OwnerOnlyFolder);
            // A folder made earlier by someone else's umask is tightened, not trusted.
            File.SetUnixFileMode(Folder, OwnerOnlyFolder);
        }

        var path = PathOf(record.SessionId);
        var temporary = Path.Combine(Folder, $".{record.SessionId}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, record, Json);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return path;
    }

    /// <summary>Every record in the folder, newest first (files that are not records, or half written, are skipped).</summary>
    public IReadOnlyList<SessionRecord> All()
    {
        if (!Directory.Exists(Folder))
        {
            return [];
        }

        var records = new List<SessionRecord>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json"))
        {
            if (Read(file) is { } record)
            {
                records.Add(record);
            }
        }

        return records.OrderByDescending(r => r.Created).ToArray();
    }

    /// <summary>The newest record of the session named <paramref name="name"/>, or null.</summary>
    public SessionRecord? FindByName(string name) => All().FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>The record of a Spark session id, or null.</summary>
    public SessionRecord? Find(string sessionId) => Guid.TryParse(sessionId, out _) ? Read(PathOf(sessionId)) : null;

    /// <summary>Removes a session's record (the session was stopped or is gone); nothing when there is none.</summary>
    public void Delete(string sessionId)
    {
        if (Guid.TryParse(sessionId, out _))
        {
            File.Delete(PathOf(sessionId));
        }
    }

    private string PathOf(string sessionId) => Path.Combine(Folder, Guid.Parse(sessionId).ToString() + ".json");

    private static SessionRecord? Read(string file)
    {
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize<SessionRecord>(File.ReadAllText(file), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or FormatException or NotSupportedException)
        {
            return null; // not a record of ours, or unreadable: skipped
        }
    }

    /// <summary>The connection string with its token, as Spark writes it: the record is the one place that keeps it.</summary>
    private sealed class ConnectionStringConverter : JsonConverter<SparkConnectionString>
    {
        public override SparkConnectionString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            SparkConnectionString.Parse(reader.GetString() ?? throw new JsonException("A session record's connection is empty."));

        public override void Write(Utf8JsonWriter writer, SparkConnectionString value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToSecretString());
    }
}
