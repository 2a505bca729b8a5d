using System.Text.Json.Nodes;

namespace InteractiveSpark.Jupyter;

/// <summary>One value in several MIME types (text/plain, text/html, application/vnd.plotly.v1+json, ...).</summary>
public sealed class MimeBundle
{
    private readonly Dictionary<string, JsonNode> _data = new(StringComparer.Ordinal);

    /// <summary>A bundle with a text/plain form.</summary>
    public static MimeBundle Text(string text) => new MimeBundle().With("text/plain", text);

    /// <summary>A bundle with text/html and text/plain forms.</summary>
    public static MimeBundle Html(string html, string text) => new MimeBundle().With("text/html", html).With("text/plain", text);

    /// <summary>Adds (or replaces) the <paramref name="mimeType"/> form as text.</summary>
    public MimeBundle With(string mimeType, string value)
    {
        _data[mimeType] = JsonValue.Create(value);
        return this;
    }

    /// <summary>Adds (or replaces) the <paramref name="mimeType"/> form as JSON.</summary>
    public MimeBundle With(string mimeType, JsonNode value)
    {
        _data[mimeType] = value;
        return this;
    }

    /// <summary>The MIME types present.</summary>
    public IEnumerable<string> MimeTypes => _data.Keys;

    /// <summary>The text of <paramref name="mimeType"/>, or null.</summary>
    public string? this[string mimeType] => _data.TryGetValue(mimeType, out var v) ? v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v.ToJsonString() : null;

    /// <summary>The bundle as the data object of a message.</summary>
    public JsonObject ToJson()
    {
        var data = new JsonObject();
        foreach (var (mime, value) in _data)
        {
            data[mime] = value.DeepClone();
        }

        return data;
    }
}
