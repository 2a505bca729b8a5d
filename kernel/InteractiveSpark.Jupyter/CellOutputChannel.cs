using System.Text.Json.Nodes;
using InteractiveSpark.Jupyter.Protocol;

namespace InteractiveSpark.Jupyter;

/// <summary>
/// The outputs of one execute_request, published on iopub with that request as parent. Displays stay updatable after the
/// cell ended (update_display_data carries its display id, so the front end finds it wherever it is shown).
/// </summary>
internal sealed class CellOutputChannel : ICellOutput
{
    private readonly JupyterKernelServer _server;
    private readonly JupyterMessage _request;
    private readonly int _executionCount;
    private readonly bool _silent;
    private readonly bool _allowStdin;
    private readonly Lock _gate = new();
    private readonly List<MimeBundle> _pages = [];
    private bool _closed;

    public CellOutputChannel(JupyterKernelServer server, JupyterMessage request, int executionCount, bool silent, bool allowStdin)
    {
        _server = server;
        _request = request;
        _executionCount = executionCount;
        _silent = silent;
        _allowStdin = allowStdin;
    }

    /// <summary>The text/plain of the cell's result, for history.</summary>
    public string? ResultText { get; private set; }

    public void Stream(string name, string text)
    {
        if (text.Length > 0)
        {
            _server.Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, _request);
        }
    }

    public void Display(MimeBundle bundle, string? displayId = null)
    {
        var content = new JsonObject { ["data"] = bundle.ToJson(), ["metadata"] = new JsonObject() };
        if (displayId is not null)
        {
            content["transient"] = new JsonObject { ["display_id"] = displayId };
        }

        _server.Publish("display_data", content, _request);
    }

    public void UpdateDisplay(MimeBundle bundle, string displayId) =>
        _server.Publish("update_display_data", new JsonObject
        {
            ["data"] = bundle.ToJson(),
            ["metadata"] = new JsonObject(),
            ["transient"] = new JsonObject { ["display_id"] = displayId },
        }, _request);

    public void Result(MimeBundle bundle)
    {
        ResultText = bundle["text/plain"];
        if (_silent)
        {
            return;
        }

        _server.Publish("execute_result", new JsonObject
        {
            ["execution_count"] = _executionCount,
            ["data"] = bundle.ToJson(),
            ["metadata"] = new JsonObject(),
        }, _request);
    }

    public void ClearOutput(bool wait) => _server.Publish("clear_output", new JsonObject { ["wait"] = wait }, _request);

    public void Page(MimeBundle bundle)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _pages.Add(bundle);
            }
        }
    }

    public Task<string> InputAsync(string prompt, bool password, CancellationToken cancellation) =>
        _allowStdin
            ? _server.RequestInputAsync(_request, prompt, password, cancellation)
            : throw new InvalidOperationException("this front end does not accept input (allow_stdin is false): give the value in the cell instead.");

    /// <summary>The cell ended: later pages are dropped (they belong to its reply).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>The execute_reply payloads (pager).</summary>
    public JsonArray Payloads()
    {
        lock (_gate)
        {
            return new JsonArray([.. _pages.Select(p => (JsonNode?)new JsonObject { ["source"] = "page", ["data"] = p.ToJson(), ["start"] = 0 })]);
        }
    }
}
