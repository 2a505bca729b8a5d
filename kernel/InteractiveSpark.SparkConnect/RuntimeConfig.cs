using System.Globalization;
using Spark.Connect;
using Operation = Spark.Connect.ConfigRequest.Types.Operation;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// The session's Spark configuration on the server (<c>spark.conf</c>): read, set and unset settings such as
/// <c>spark.sql.shuffle.partitions</c>. Every call is one round trip; values are strings, as Spark keeps them.
/// </summary>
public sealed class RuntimeConfig
{
    private readonly SparkConnectClient _client;
    private volatile IReadOnlyList<string> _warnings = [];

    internal RuntimeConfig(SparkConnectClient client) => _client = client;

    /// <summary>
    /// The warnings the server sent with the most recent config call (for example that a setting is deprecated);
    /// empty when there were none.
    /// </summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The value of a setting; a <see cref="SparkException"/> (SQL_CONF_NOT_FOUND) when it is not set and has no default.</summary>
    public async Task<string> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var operation = new Operation { Get = new ConfigRequest.Types.Get { Keys = { key } } };
        var response = await RunAsync(operation, cancellationToken).ConfigureAwait(false);
        return response.Pairs.Count > 0 && response.Pairs[0].HasValue
            ? response.Pairs[0].Value
            : throw new SparkException($"Spark returned no value for the setting '{key}'.");
    }

    /// <summary>The value of a setting, or <paramref name="defaultValue"/> when it is not set.</summary>
    public async Task<string?> GetAsync(string key, string? defaultValue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var pair = new KeyValue { Key = key };
        if (defaultValue is not null)
        {
            pair.Value = defaultValue;
        }

        var operation = new Operation { GetWithDefault = new ConfigRequest.Types.GetWithDefault { Pairs = { pair } } };
        var response = await RunAsync(operation, cancellationToken).ConfigureAwait(false);
        return response.Pairs.Count > 0 && response.Pairs[0].HasValue ? response.Pairs[0].Value : defaultValue;
    }

    /// <summary>The value of a setting, or null when it is not set (and has no default).</summary>
    public async Task<string?> GetOptionAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var operation = new Operation { GetOption = new ConfigRequest.Types.GetOption { Keys = { key } } };
        var response = await RunAsync(operation, cancellationToken).ConfigureAwait(false);
        return response.Pairs.Count > 0 && response.Pairs[0].HasValue ? response.Pairs[0].Value : null;
    }

    /// <summary>Sets a setting for this session; a <see cref="SparkException"/> when it cannot be changed at runtime.</summary>
    public Task SetAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return SetAsync([new KeyValuePair<string, string>(key, value)], cancellationToken);
    }

    /// <summary>Sets a boolean setting (sent as <c>true</c>/<c>false</c>, as Spark writes them).</summary>
    public Task SetAsync(string key, bool value, CancellationToken cancellationToken = default) =>
        SetAsync(key, value ? "true" : "false", cancellationToken);

    /// <summary>Sets a numeric setting (sent in invariant culture).</summary>
    public Task SetAsync(string key, long value, CancellationToken cancellationToken = default) =>
        SetAsync(key, value.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Sets several settings in one round trip. The server applies them in order and stops at the first it rejects.</summary>
    public async Task SetAsync(IEnumerable<KeyValuePair<string, string>> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var set = new ConfigRequest.Types.Set();
        foreach (var (key, value) in settings)
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(settings));
            ArgumentNullException.ThrowIfNull(value, nameof(settings));
            set.Pairs.Add(new KeyValue { Key = key, Value = value });
        }

        if (set.Pairs.Count > 0)
        {
            await RunAsync(new Operation { Set = set }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Resets a setting to its default.</summary>
    public async Task UnsetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var operation = new Operation { Unset = new ConfigRequest.Types.Unset { Keys = { key } } };
        await RunAsync(operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// All settings that have a value, optionally only those whose key starts with <paramref name="prefix"/>,
    /// in the server's order (sorted by key). Keys are always full keys.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> GetAllAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        var getAll = new ConfigRequest.Types.GetAll();
        if (!string.IsNullOrEmpty(prefix))
        {
            getAll.Prefix = prefix;
        }

        var response = await RunAsync(new Operation { GetAll = getAll }, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, string>(response.Pairs.Count, StringComparer.Ordinal);
        foreach (var pair in response.Pairs)
        {
            // Spark Connect strips the prefix from the keys it returns; put it back so that a key means the same
            // setting whether or not a prefix was asked for.
            result[getAll.HasPrefix ? getAll.Prefix + pair.Key : pair.Key] = pair.HasValue ? pair.Value : "";
        }

        return result;
    }

    /// <summary>Whether a setting can be changed in a running session (static and unknown settings cannot).</summary>
    public async Task<bool> IsModifiableAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var operation = new Operation { IsModifiable = new ConfigRequest.Types.IsModifiable { Keys = { key } } };
        var response = await RunAsync(operation, cancellationToken).ConfigureAwait(false);
        return response.Pairs.Count > 0 && string.Equals(response.Pairs[0].Value, "true", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<ConfigResponse> RunAsync(Operation operation, CancellationToken cancellationToken)
    {
        var response = await _client.ConfigAsync(operation, cancellationToken).ConfigureAwait(false);
        _warnings = response.Warnings.Count == 0 ? [] : response.Warnings.ToArray();
        return response;
    }
}
