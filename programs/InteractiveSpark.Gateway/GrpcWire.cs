using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Grpc.Core;

namespace InteractiveSpark.Gateway;

/// <summary>The few pieces of the gRPC wire format the gateway writes itself: statuses, and one unary message.</summary>
internal static class GrpcWire
{
    /// <summary>Whether a request is gRPC (content type application/grpc, with or without +proto).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>The method name of a Spark Connect call (ExecutePlan, Config...), or null.</summary>
    public static string? SparkMethod(PathString path)
    {
        const string prefix = "/spark.connect.SparkConnectService/";
        var value = path.Value;
        return value is not null && value.StartsWith(prefix, StringComparison.Ordinal) ? value[prefix.Length..] : null;
    }

    /// <summary>Ends a call with a status and no message (a trailers-only response), as any gRPC server would.</summary>
    public static Task WriteStatusAsync(HttpContext context, StatusCode code, string message, Metadata? trailers = null)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        if (trailers is not null)
        {
            foreach (var entry in trailers)
            {
                if (entry.Key is "grpc-status" or "grpc-message")
                {
                    continue;
                }

                response.Headers.Append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads the one message of a unary call, decompressing gzip, at most <paramref name="maxSize"/> bytes both as sent
    /// and once decompressed (a small gzip body can inflate a thousandfold); <see cref="UnaryMessage.TooLarge"/> when
    /// either is exceeded, a null message when the body is not one message.
    /// </summary>
    public static async Task<UnaryMessage> ReadUnaryMessageAsync(HttpRequest request, int maxSize, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxSize + 5L;
        }

        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new UnaryMessage(null, TooLarge: true);
        }

        var data = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (data.Length < 5)
        {
            return default;
        }

        var compressed = data.Span[0] == 1;
        var length = BinaryPrimitives.ReadUInt32BigEndian(data.Span[1..5]);
        if (length > maxSize)
        {
            return new UnaryMessage(null, TooLarge: true);
        }

        if (data.Length != 5 + length)
        {
            return default;
        }

        var payload = data.Slice(5, (int)length).ToArray();
        if (!compressed)
        {
            return new UnaryMessage(payload, TooLarge: false);
        }

        if (!string.Equals(request.Headers["grpc-encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
        {
            return default;
        }

        using var gzip = new GZipStream(new MemoryStream(payload), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        try
        {
            while ((read = await gzip.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (plain.Length + read > maxSize)
                {
                    return new UnaryMessage(null, TooLarge: true);
                }

                plain.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return default;
        }

        return new UnaryMessage(plain.ToArray(), TooLarge: false);
    }

    /// <summary>Writes one uncompressed message and an OK status.</summary>
    public static async Task WriteUnaryMessageAsync(HttpContext context, byte[] message, CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)message.Length);
        await response.Body.WriteAsync(header, ct).ConfigureAwait(false);
        await response.Body.WriteAsync(message, ct).ConfigureAwait(false);
        response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>The percent-encoding gRPC uses for grpc-message (UTF-8, outside printable ASCII and '%').</summary>
    public static string PercentEncode(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}

/// <summary>What <see cref="GrpcWire.ReadUnaryMessageAsync"/> read: the message, or none (not one message, or too large).</summary>
internal readonly record struct UnaryMessage(byte[]? Message, bool TooLarge);
