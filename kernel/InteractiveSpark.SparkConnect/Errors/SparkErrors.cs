using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// Turns gRPC failures into <see cref="SparkException"/>s and tells transport failures (worth a retry or a
/// reattach) from errors the server raised on purpose (never retried: retrying a failed query fails again).
/// </summary>
internal static class SparkErrors
{
    /// <summary>
    /// The error details Spark puts in the <c>grpc-status-details-bin</c> trailer, or null when the failure did not come
    /// from Spark (a transport failure, a proxy, an authentication interceptor).
    /// </summary>
    internal static ErrorInfo? GetErrorInfo(RpcException e)
    {
        var status = GetStatus(e);
        if (status is null)
        {
            return null;
        }

        foreach (var detail in status.Details)
        {
            if (detail.TryUnpack<ErrorInfo>(out var info))
            {
                return info;
            }
        }

        return null;
    }

    private static Google.Rpc.Status? GetStatus(RpcException e)
    {
        try
        {
            return e.GetRpcStatus();
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or ArgumentException)
        {
            // A malformed trailer is no reason to hide the original error.
            return null;
        }
    }

    /// <summary>Whether the server marked the error as safe to retry (a RetryInfo detail).</summary>
    private static bool HasRetryInfo(RpcException e) =>
        GetStatus(e)?.Details.Any(d => d.Is(RetryInfo.Descriptor)) ?? false;

    /// <summary>The error class Spark attached to the failure, if any.</summary>
    internal static string? GetErrorClass(RpcException e)
    {
        var info = GetErrorInfo(e);
        return info is not null && info.Metadata.TryGetValue("errorClass", out var c) && c.Length > 0 ? c : null;
    }

    /// <summary>
    /// Whether the failure is the connection's, not the server's verdict: the request may be repeated, and an
    /// execution stream may be reattached. A server-raised error (it carries Spark's ErrorInfo) is never a transport
    /// failure unless the server itself marked it retryable.
    /// </summary>
    internal static bool IsTransportFailure(RpcException e)
    {
        if (GetErrorInfo(e) is not null)
        {
            return HasRetryInfo(e);
        }

        if (HasIoCause(e))
        {
            // Grpc.Net.Client attaches the I/O failure whatever status it maps it to: Unavailable for a connection
            // that ended, Internal for a reset stream, ResourceExhausted for a GOAWAY with ENHANCE_YOUR_CALM (a gRPC
            // server closing a connection that pinged too often). All of them are the connection's, not the query's.
            return true;
        }

        switch (e.StatusCode)
        {
            case Grpc.Core.StatusCode.Unavailable:
                return true;
            case Grpc.Core.StatusCode.Cancelled:
                // Callers handle their own cancellation first; a call cancelled otherwise was cut by the connection
                // (an HTTP/2 RST_STREAM or GOAWAY), not refused by Spark, which would have sent ErrorInfo.
                return true;
            case Grpc.Core.StatusCode.Internal:
            case Grpc.Core.StatusCode.Unknown:
                // Without an attached exception, only the wording tells a broken stream from a server failure.
                var detail = e.Status.Detail ?? "";
                return detail.Contains("Error reading next message", StringComparison.OrdinalIgnoreCase)
                       || detail.Contains("Error starting gRPC call", StringComparison.OrdinalIgnoreCase)
                       || detail.Contains("stream reset", StringComparison.OrdinalIgnoreCase)
                       || detail.Contains("RST_STREAM", StringComparison.Ordinal)
                       || detail.Contains("ended prematurely", StringComparison.OrdinalIgnoreCase);
            default:
                return false;
        }
    }

    /// <summary>Whether the call failed because nothing listens on the server's port (the connection was refused).</summary>
    internal static bool IsConnectionRefused(RpcException e)
    {
        for (var x = e.Status.DebugException; x is not null; x = x.InnerException)
        {
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The error for a first connection that was refused: nothing listens at the address.</summary>
    internal static SparkException NothingListens(SparkConnectionString connection, RpcException refused) => new(
        $"Nothing listens at {connection.Host}:{connection.Port} (connection refused): check the URL, "
        + "or start the Spark Connect server first.",
        refused);

    /// <summary>The "session lost" error for a server that has refused every connection for <paramref name="refusedFor"/>.</summary>
    internal static SparkException ServerGone(SparkConnectionString connection, string operation, TimeSpan refusedFor, RpcException last) => new(
        $"Spark Connect session lost: the server at {connection.Host}:{connection.Port} refused every connection for "
        + $"{refusedFor.TotalSeconds:0.#} s during {operation}, so its driver has stopped (crashed, killed or out of memory). "
        + "Temporary views, cached data and running queries are gone; connect a new session.",
        last);

    private static bool HasIoCause(RpcException e)
    {
        for (var x = e.Status.DebugException; x is not null; x = x.InnerException)
        {
            if (x is IOException or HttpRequestException or SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Builds the exception for a failed request. <paramref name="details"/> is the answer of FetchErrorDetails for
    /// the error's id, when it could be fetched: it has the full message, query contexts and cause chain.
    /// </summary>
    internal static SparkException FromRpc(RpcException e, FetchErrorDetailsResponse? details, SparkConnectionString connection, string operation)
    {
        var info = GetErrorInfo(e);
        if (info is null)
        {
            return FromNonSparkFailure(e, connection, operation);
        }

        info.Metadata.TryGetValue("errorId", out var errorId);
        if (details is not null && details.Errors.Count > 0)
        {
            var root = details.HasRootErrorIdx ? details.RootErrorIdx : 0;
            if (root >= 0 && root < details.Errors.Count)
            {
                return FromDetails(details, root, e.StatusCode, errorId, e, depth: 0);
            }
        }

        // No details (enrichment off, or fetching them failed): the trailer has the class, state and parameters.
        info.Metadata.TryGetValue("errorClass", out var errorClass);
        info.Metadata.TryGetValue("sqlState", out var sqlState);
        info.Metadata.TryGetValue("stackTrace", out var stackTrace);
        var parameters = info.Metadata.TryGetValue("messageParameters", out var json) ? ParseParameters(json) : null;
        var hierarchy = info.Metadata.TryGetValue("classes", out var classes) ? ParseStringArray(classes) : null;
        hierarchy ??= string.IsNullOrEmpty(info.Reason) ? null : [info.Reason];
        var message = string.IsNullOrEmpty(e.Status.Detail) ? $"{operation} failed: {info.Reason}" : e.Status.Detail;
        return Decorate(new SparkException(
            message, e, errorClass, sqlState, parameters, null, hierarchy, stackTrace, e.StatusCode, errorId));
    }

    private static SparkException FromDetails(
        FetchErrorDetailsResponse details, int index, Grpc.Core.StatusCode? code, string? errorId, RpcException? rpc, int depth)
    {
        var error = details.Errors[index];
        Exception? inner = rpc;
        // The cause chain is short (Spark sends at most five) but guard against a cycle all the same.
        if (error.HasCauseIdx && error.CauseIdx != index && error.CauseIdx >= 0 && error.CauseIdx < details.Errors.Count && depth < 16)
        {
            inner = FromDetails(details, error.CauseIdx, null, null, null, depth + 1);
        }

        var throwable = error.SparkThrowable;
        var contexts = throwable?.QueryContexts.Select(q => new SparkQueryContext(
            q.ContextType == FetchErrorDetailsResponse.Types.QueryContext.Types.ContextType.Dataframe
                ? SparkQueryContextType.DataFrame
                : SparkQueryContextType.Sql,
            q.ObjectType, q.ObjectName, q.StartIndex, q.StopIndex, q.Fragment, q.CallSite, q.Summary)).ToArray();
        var message = string.IsNullOrEmpty(error.Message) ? error.ErrorTypeHierarchy.FirstOrDefault() ?? "Spark error" : error.Message;
        var exception = new SparkException(
            message,
            inner,
            throwable is { HasErrorClass: true } ? throwable.ErrorClass : null,
            throwable is { HasSqlState: true } ? throwable.SqlState : null,
            throwable is null ? null : new Dictionary<string, string>(throwable.MessageParameters),
            contexts,
            error.ErrorTypeHierarchy.ToArray(),
            FormatStackTrace(error),
            code,
            errorId);
        return depth == 0 ? Decorate(exception) : exception;
    }

    /// <summary>A lost session gets a message that says what happened and what to do, before Spark's own words.</summary>
    private static SparkException Decorate(SparkException e)
    {
        if (!e.IsSessionLost)
        {
            return e;
        }

        return new SparkException(
            $"Spark Connect session lost: the server no longer has this session (it restarted, or the session expired or was closed); "
            + $"temporary views, cached data and settings are gone. Connect a new session. Server: {e.Message}",
            e.InnerException, e.ErrorClass, e.SqlState, e.MessageParameters, e.QueryContexts, e.ErrorTypeHierarchy,
            e.ServerStackTrace, e.StatusCode, e.ErrorId);
    }

    /// <summary>The client's own "session lost" error, for a server session id that changed under us.</summary>
    internal static SparkException SessionChanged(string expected, string actual) => new(
        $"Spark Connect session lost: the server's session changed from {expected} to {actual} (the server restarted, or the "
        + "session expired and a new one was made); temporary views, cached data and settings are gone. Connect a new session.",
        null, "INVALID_HANDLE.SESSION_CHANGED", null, null, null, null, null, null, null);

    private static SparkException FromNonSparkFailure(RpcException e, SparkConnectionString connection, string operation)
    {
        var where = $"{connection.Host}:{connection.Port}";
        var detail = Describe(e);
        var message = e.StatusCode switch
        {
            Grpc.Core.StatusCode.Unauthenticated when connection.Token is null =>
                $"Spark Connect at {where} requires a token and none was given: add ';token=...' to the connection string. "
                + $"The server said: {detail}",
            Grpc.Core.StatusCode.Unauthenticated =>
                $"Spark Connect at {where} rejected the token (wrong or expired token). The server said: {detail}",
            Grpc.Core.StatusCode.PermissionDenied =>
                $"Spark Connect at {where} denied {operation}: {detail}",
            Grpc.Core.StatusCode.DeadlineExceeded =>
                $"Spark Connect at {where} did not answer {operation} in time: {detail}",
            _ when IsTlsFailure(e) =>
                $"TLS with Spark Connect at {where} failed during {operation}: {detail} "
                + (connection.UseSsl
                    ? "(does the server speak TLS, and is its certificate trusted or pinned?)"
                    : "(the connection string has no use_ssl=true; does the server require TLS?)"),
            _ when IsTransportFailure(e) =>
                $"Lost the connection to Spark Connect at {where} during {operation}: {detail}",
            _ => $"Spark Connect {operation} failed ({e.StatusCode}): {detail}",
        };
        return new SparkException(message, e, null, null, null, null, null, null, e.StatusCode, null);
    }

    /// <summary>The status detail plus the innermost cause, which is where the useful words are (connection refused, ...).</summary>
    internal static string Describe(RpcException e)
    {
        var detail = string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        var innermost = e.Status.DebugException;
        while (innermost?.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        if (innermost is not null && !detail.Contains(innermost.Message, StringComparison.Ordinal))
        {
            detail += $" ({innermost.Message})";
        }

        return detail;
    }

    private static bool IsTlsFailure(RpcException e)
    {
        for (var x = e.Status.DebugException; x is not null; x = x.InnerException)
        {
            if (x is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    private static string? FormatStackTrace(FetchErrorDetailsResponse.Types.Error error)
    {
        if (error.StackTrace.Count == 0)
        {
            return null;
        }

        var sb = new StringBuilder();
        foreach (var frame in error.StackTrace)
        {
            sb.Append("\tat ").Append(frame.DeclaringClass).Append('.').Append(frame.MethodName).Append('(');
            if (frame.HasFileName)
            {
                sb.Append(frame.FileName);
                if (frame.LineNumber >= 0)
                {
                    sb.Append(':').Append(frame.LineNumber);
                }
            }
            else
            {
                sb.Append("Unknown Source");
            }

            sb.Append(")\n");
        }

        return sb.ToString();
    }

    private static Dictionary<string, string>? ParseParameters(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var result = new Dictionary<string, string>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText();
            }

            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string[]? ParseStringArray(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Array
                ? doc.RootElement.EnumerateArray().Select(x => x.ToString()).ToArray()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
