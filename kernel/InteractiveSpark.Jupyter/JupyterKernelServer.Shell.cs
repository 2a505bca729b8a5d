using System.Text.Json.Nodes;
using InteractiveSpark.Jupyter.Protocol;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Jupyter;

/// <summary>The shell channel: requests answered one at a time, each between a busy and an idle status.</summary>
public sealed partial class JupyterKernelServer
{
    private readonly KernelHistory _history = new();
    private int _executionCount;
    private volatile CancellationTokenSource? _currentCell;

    private async Task ServeShellAsync()
    {
        await foreach (var request in _shellRequests.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Status("busy", request);
            try
            {
                await HandleShellAsync(request).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A bug of the kernel must not stop it: the request gets an error reply (when it expects one), the log the detail.
                _logger.LogError(e, "The kernel failed on {MsgType}", request.MsgType);
                if (request.MsgType.EndsWith("_request", StringComparison.Ordinal))
                {
                    Reply(Channel.Shell, request, request.MsgType.Replace("_request", "_reply", StringComparison.Ordinal), ErrorContent("KernelError", $"the kernel failed on {request.MsgType}: {e.Message}"));
                }
            }

            Status("idle", request);
            if (request.MsgType == "shutdown_request")
            {
                return;
            }
        }
    }

    private async Task HandleShellAsync(JupyterMessage request)
    {
        var content = request.Content;
        switch (request.MsgType)
        {
            case "kernel_info_request":
                Reply(Channel.Shell, request, "kernel_info_reply", KernelInfo());
                break;
            case "execute_request":
                await ExecuteAsync(request).ConfigureAwait(false);
                break;
            case "complete_request":
            {
                var code = (string?)content["code"] ?? "";
                var cursor = CursorPosition.ToUtf16(code, (int?)content["cursor_pos"] ?? code.Length);
                var set = await _language.CompleteAsync(code, cursor, CancellationToken.None).ConfigureAwait(false);
                Reply(Channel.Shell, request, "complete_reply", new JsonObject
                {
                    ["status"] = "ok",
                    ["matches"] = new JsonArray([.. set.Matches.Select(m => (JsonNode?)JsonValue.Create(m))]),
                    ["cursor_start"] = CursorPosition.ToCodePoints(code, set.Start),
                    ["cursor_end"] = CursorPosition.ToCodePoints(code, set.End),
                    ["metadata"] = new JsonObject(),
                });
                break;
            }

            case "inspect_request":
            {
                var code = (string?)content["code"] ?? "";
                var cursor = CursorPosition.ToUtf16(code, (int?)content["cursor_pos"] ?? code.Length);
                var bundle = await _language.InspectAsync(code, cursor, (int?)content["detail_level"] ?? 0, CancellationToken.None).ConfigureAwait(false);
                Reply(Channel.Shell, request, "inspect_reply", new JsonObject
                {
                    ["status"] = "ok",
                    ["found"] = bundle is not null,
                    ["data"] = bundle?.ToJson() ?? new JsonObject(),
                    ["metadata"] = new JsonObject(),
                });
                break;
            }

            case "is_complete_request":
            {
                var completeness = _language.IsComplete((string?)content["code"] ?? "");
                var reply = new JsonObject { ["status"] = completeness.ToString().ToLowerInvariant() };
                if (completeness == CodeCompleteness.Incomplete)
                {
                    reply["indent"] = "    ";
                }

                Reply(Channel.Shell, request, "is_complete_reply", reply);
                break;
            }

            case "history_request":
                Reply(Channel.Shell, request, "history_reply", new JsonObject { ["status"] = "ok", ["history"] = _history.Answer(content) });
                break;
            case "comm_info_request":
                Reply(Channel.Shell, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                break;
            case "shutdown_request":
                Shutdown(Channel.Shell, request);
                break;
            case "comm_open":
            case "comm_msg":
            case "comm_close":
                // No comm targets: the protocol says an unknown comm_open is ignored (the front end learns from comm_info).
                break;
            default:
                _logger.LogWarning("Unsupported shell message {MsgType}", request.MsgType);
                break;
        }
    }

    private JsonObject KernelInfo()
    {
        var language = _language.Info;
        return new JsonObject
        {
            ["status"] = "ok",
            ["protocol_version"] = JupyterMessage.ProtocolVersion,
            ["implementation"] = Identity.Implementation,
            ["implementation_version"] = Identity.Version,
            ["language_info"] = new JsonObject
            {
                ["name"] = language.Name,
                ["version"] = language.Version,
                ["mimetype"] = language.MimeType,
                ["file_extension"] = language.FileExtension,
                ["pygments_lexer"] = language.PygmentsLexer,
                ["codemirror_mode"] = language.CodeMirrorMode,
            },
            ["banner"] = Identity.Banner,
            ["debugger"] = false,
            ["help_links"] = new JsonArray([.. Identity.HelpLinks.Select(l => (JsonNode?)new JsonObject { ["text"] = l.Text, ["url"] = l.Url })]),
        };
    }

    private async Task ExecuteAsync(JupyterMessage request)
    {
        var content = request.Content;
        var code = (string?)content["code"] ?? "";
        var silent = (bool?)content["silent"] ?? false;
        var storeHistory = !silent && ((bool?)content["store_history"] ?? true);
        var stopOnError = (bool?)content["stop_on_error"] ?? true;
        if (storeHistory)
        {
            _executionCount++;
        }

        var count = _executionCount;
        if (!silent)
        {
            Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request);
        }

        var output = new CellOutputChannel(this, request, count, silent, (bool?)content["allow_stdin"] ?? false);
        using var cell = new CancellationTokenSource();
        _currentCell = cell;
        CellOutcome outcome;
        try
        {
            outcome = await _language.ExecuteAsync(code, output, cell.Token).ConfigureAwait(false);
        }
        finally
        {
            _currentCell = null;
        }

        output.Close();
        if (storeHistory)
        {
            _history.Add(count, code, output.ResultText);
        }

        if (outcome.ErrorName is null)
        {
            Reply(Channel.Shell, request, "execute_reply", new JsonObject
            {
                ["status"] = "ok",
                ["execution_count"] = count,
                ["payload"] = output.Payloads(),
                ["user_expressions"] = new JsonObject(),
            });
            return;
        }

        var error = new JsonObject
        {
            ["ename"] = outcome.ErrorName,
            ["evalue"] = outcome.ErrorValue,
            ["traceback"] = new JsonArray([.. outcome.Traceback.Select(t => (JsonNode?)JsonValue.Create(t))]),
        };
        if (!silent)
        {
            Publish("error", (JsonObject)error.DeepClone(), request);
        }

        var reply = ErrorContent(outcome.ErrorName, outcome.ErrorValue, outcome.Traceback);
        reply["execution_count"] = count;
        Reply(Channel.Shell, request, "execute_reply", reply);
        if (stopOnError)
        {
            AbortQueuedExecutions();
        }
    }

    /// <summary>After a failed cell, the cells already queued behind it are not run (as "Run all" expects): each is answered "aborted".</summary>
    private void AbortQueuedExecutions()
    {
        var kept = new List<JupyterMessage>();
        while (_shellRequests.Reader.TryRead(out var queued))
        {
            if (queued.MsgType != "execute_request")
            {
                kept.Add(queued);
                continue;
            }

            Status("busy", queued);
            Reply(Channel.Shell, queued, "execute_reply", new JsonObject { ["status"] = "aborted", ["execution_count"] = _executionCount });
            Status("idle", queued);
        }

        // Channel order is kept for what is not aborted: these go back in front of anything that arrived meanwhile only
        // loosely (they are answers to non-execution requests, whose order against new requests does not matter).
        foreach (var message in kept)
        {
            _shellRequests.Writer.TryWrite(message);
        }
    }

    private static JsonObject ErrorContent(string name, string value, IReadOnlyList<string>? traceback = null) => new()
    {
        ["status"] = "error",
        ["ename"] = name,
        ["evalue"] = value,
        ["traceback"] = new JsonArray([.. (traceback ?? [value]).Select(t => (JsonNode?)JsonValue.Create(t))]),
    };
}
