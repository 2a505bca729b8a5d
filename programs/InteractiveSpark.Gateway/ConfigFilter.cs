using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Spark.Connect;

namespace InteractiveSpark.Gateway;

/// <summary>
/// The Config RPC, answered by the gateway instead of forwarded byte for byte: the request goes to Spark Connect
/// as is, and in the answer every value whose key looks like a secret (Spark's redaction pattern, which matches
/// <c>spark.connect.authenticate.token</c>), or that contains the internal token, is replaced by Spark's own
/// redaction text. Spark 4.2 would otherwise hand its token to any client (measured). Setting a secret still works
/// (e.g. an S3 key for this session); reading one back shows it redacted, as Spark's UI does.
/// </summary>
internal sealed partial class ConfigFilter(SparkUpstream upstream, GatewayOptions options, ILogger<ConfigFilter> logger)
{
    /// <summary>What a redacted value reads as (Spark's own text).</summary>
    public const string Redacted = "*********(redacted)";

    /// <summary>The largest Config request taken, as sent and once decompressed: settings are small.</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    private readonly Regex _secret = new(options.SecretPattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Whether a setting's key names a secret.</summary>
    public bool IsSecretKey(string key) => key == "spark.connect.authenticate.token" || _secret.IsMatch(key);

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var read = await GrpcWire.ReadUnaryMessageAsync(context.Request, MaxMessageBytes, ct).ConfigureAwait(false);
        if (read.TooLarge)
        {
            LogTooLarge(logger, MaxMessageBytes);
            await GrpcWire.WriteStatusAsync(context, StatusCode.ResourceExhausted,
                $"The gateway takes Config requests of at most {MaxMessageBytes / 1024 / 1024} MiB (after decompression); this one is larger.").ConfigureAwait(false);
            return;
        }

        if (read.Message is not { } bytes)
        {
            await GrpcWire.WriteStatusAsync(context, StatusCode.InvalidArgument, "The gateway expected one Config request message (uncompressed or gzip).").ConfigureAwait(false);
            return;
        }

        ConfigRequest request;
        try
        {
            request = ConfigRequest.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            await GrpcWire.WriteStatusAsync(context, StatusCode.InvalidArgument, "Malformed ConfigRequest: " + e.Message).ConfigureAwait(false);
            return;
        }

        ConfigResponse response;
        try
        {
            response = await upstream.Client.ConfigAsync(request, upstream.AuthHeaders(), DateTime.UtcNow.AddMinutes(5), ct).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            await GrpcWire.WriteStatusAsync(context, e.StatusCode, Scrub(e.Status.Detail) ?? "", e.Trailers).ConfigureAwait(false);
            return;
        }

        var redacted = request.Operation?.OpTypeCase == ConfigRequest.Types.Operation.OpTypeOneofCase.IsModifiable ? 0 : ScrubResponse(response);
        if (redacted > 0)
        {
            LogRedacted(logger, redacted, request.Operation?.OpTypeCase.ToString() ?? "?");
        }

        await GrpcWire.WriteUnaryMessageAsync(context, response.ToByteArray(), ct).ConfigureAwait(false);
    }

    /// <summary>Redacts secrets in a Config answer; returns how many values it redacted.</summary>
    internal int ScrubResponse(ConfigResponse response)
    {
        var n = 0;
        foreach (var pair in response.Pairs)
        {
            if (pair.HasValue && (IsSecretKey(pair.Key) || ContainsInternalToken(pair.Value)))
            {
                pair.Value = Redacted;
                n++;
            }
        }

        for (var i = 0; i < response.Warnings.Count; i++)
        {
            response.Warnings[i] = Scrub(response.Warnings[i]) ?? "";
        }

        return n;
    }

    private bool ContainsInternalToken(string value) =>
        upstream.InternalToken is { Length: > 0 } token && value.Contains(token, StringComparison.Ordinal);

    private string? Scrub(string? text) =>
        text is not null && upstream.InternalToken is { Length: > 0 } token ? text.Replace(token, Redacted, StringComparison.Ordinal) : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Config request larger than {MaxBytes} bytes (as sent or decompressed)")]
    private static partial void LogTooLarge(ILogger logger, int maxBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Config {Operation}: redacted {Count} secret value(s)")]
    private static partial void LogRedacted(ILogger logger, int count, string operation);
}
