using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Spark.Connect;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// One query run with reattachable execution. The server keeps the responses it has sent until the client
/// releases them, so when the stream breaks (a transport failure, or the server ending a long stream on purpose)
/// the client resumes with ReattachExecute after the last response it received: the query keeps running on the
/// server and is never started twice.
/// </summary>
/// <remarks>
/// Single consumer: the enumerator is not thread-safe, like any IAsyncEnumerator. Releases are fire-and-forget and
/// chained so they reach the server in order.
/// </remarks>
internal sealed class ReattachableExecution
{
    /// <summary>An empty stream that ends quicker than this counts as a failed attempt, so a misbehaving server cannot make us spin.</summary>
    private static readonly TimeSpan QuickEnd = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A stream that broke after living this long made progress (the query ran on), so the retry count starts over:
    /// a long silent query on a connection that a proxy or the server closes every few minutes must not fail.
    /// </summary>
    private static readonly TimeSpan StableStream = TimeSpan.FromSeconds(10);

    private readonly SparkConnectClient _client;
    private readonly ExecutePlanRequest? _request;
    private readonly IProgress<ExecutionProgress>? _progress;
    private AsyncServerStreamingCall<ExecutePlanResponse>? _call;
    private string? _lastResponseId;
    private bool _receivedAny;
    private bool _resultComplete;
    private bool _stoppedOnServer;
    private bool _resent;
    private int _unreleased;
    private Task _releaseTail = Task.CompletedTask;

    /// <summary>Time since the current stream (ExecutePlan or ReattachExecute) started.</summary>
    private readonly Stopwatch _streamAge = new();

    /// <summary>Responses received on the current stream.</summary>
    private int _responsesOnStream;

    internal ReattachableExecution(SparkConnectClient client, ExecutePlanRequest request, IProgress<ExecutionProgress>? progress)
    {
        _client = client;
        _request = request;
        _progress = progress;
        OperationId = request.OperationId;
    }

    /// <summary>
    /// Follows an operation that another client started (a kernel that died, say): it only ever reattaches, from the
    /// first response the server still holds, and never sends the plan, so the query cannot run twice.
    /// </summary>
    internal ReattachableExecution(SparkConnectClient client, string operationId, IProgress<ExecutionProgress>? progress)
    {
        _client = client;
        _request = null;
        _progress = progress;
        OperationId = operationId;
    }

    internal string OperationId { get; }

    /// <summary>The responses, in order, each exactly once, ending with ResultComplete.</summary>
    internal async IAsyncEnumerable<ExecutePlanResponse> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var finished = false;
        try
        {
            _call = _request is null
                ? _client.StartReattach(OperationId, lastResponseId: null, cancellationToken)
                : _client.StartExecute(_request, cancellationToken);
            OnStreamStarted();
            while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } response)
            {
                yield return response;
            }

            finished = true;
        }
        finally
        {
            _call?.Dispose();
            _call = null;
            if (!finished && !_resultComplete)
            {
                // The caller stopped early, or an error or a cancellation ended the loop: the query's results are no
                // longer wanted, so stop it rather than let it run (and hold memory) until the server times it out.
                await StopOnServerAsync().ConfigureAwait(false);
            }

            if (_progress is ExecutionProgressStream stream)
            {
                stream.Complete();
            }
        }
    }

    /// <summary>
    /// The next response, reattaching as often as needed; null after ResultComplete was returned.
    /// </summary>
    private async Task<ExecutePlanResponse?> NextAsync(CancellationToken cancellationToken)
    {
        if (_resultComplete)
        {
            return null;
        }

        // Both counts are of failures since the last response: receiving one proves the operation moves on.
        var failures = 0;
        var quickEmptyEnds = 0;
        var refused = new RefusalClock(_client.Options.ServerGoneTimeout);
        TimeSpan? wait = null;
        while (true)
        {
            try
            {
                if (wait is { } delay)
                {
                    wait = null;
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }

                if (_call is null)
                {
                    _call = _client.StartReattach(OperationId, _lastResponseId, cancellationToken);
                    OnStreamStarted();
                }

                if (await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    _responsesOnStream++;
                    return Accept(_call.ResponseStream.Current);
                }

                // The stream ended without ResultComplete: the server ends long streams on purpose (by time or
                // size) and expects the client to reattach for the rest.
                _call.Dispose();
                _call = null;
                if (_responsesOnStream == 0 && _streamAge.Elapsed < QuickEnd)
                {
                    if (++quickEmptyEnds > _client.Options.MaxRetries)
                    {
                        throw new SparkException(
                            $"Spark Connect ended the result stream of operation {OperationId} {quickEmptyEnds} times in a row "
                            + "without sending anything or saying the result was complete.");
                    }

                    wait = _client.Backoff(quickEmptyEnds - 1);
                }
                else
                {
                    quickEmptyEnds = 0;
                }
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested
                                      && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                await StopOnServerAsync().ConfigureAwait(false);
                throw new OperationCanceledException(
                    $"The query (operation {OperationId}) was cancelled and interrupted on the server.", e, cancellationToken);
            }
            catch (Exception e) when (IsBrokenStream(e) && !_client.IsDisposed)
            {
                _call?.Dispose();
                _call = null;
                if (_streamAge.Elapsed >= StableStream)
                {
                    failures = 0;
                }

                if (refused.Observe(e) is { } refusedFor)
                {
                    // Nothing listens on the server's port any more: the driver is gone, and waiting longer changes nothing.
                    _resultComplete = true;
                    throw SparkErrors.ServerGone(_client.Connection, "a query", refusedFor, (RpcException)e);
                }

                if (refused.IsRefusing)
                {
                    // While refused, the clock decides, not the retry count: probe often so the verdict comes on time.
                    wait = RefusalClock.ProbeInterval;
                    continue;
                }

                if (++failures > _client.Options.MaxRetries)
                {
                    throw await ToSparkExceptionAsync(e, $"the result stream broke {failures} times in a row", cancellationToken)
                        .ConfigureAwait(false);
                }

                wait = _client.Backoff(failures - 1);
                SparkConnectClient.LogReattaching(_client.Logger, _client.SessionId, OperationId, SparkConnectClient.DescribeForLog(e), failures);
            }
            catch (RpcException e) when (_request is not null && !_receivedAny && SparkErrors.GetErrorClass(e) == "INVALID_HANDLE.OPERATION_NOT_FOUND")
            {
                // A reattach before any response found no such operation: the first ExecutePlan never reached the
                // server, so sending it again cannot run the query twice (the server also refuses a reused operation id).
                _call?.Dispose();
                _call = null;
                if (++failures > _client.Options.MaxRetries)
                {
                    throw await _client.TranslateAsync(e, "ExecutePlan", cancellationToken).ConfigureAwait(false);
                }

                _resent = true;
                _call = _client.StartExecute(_request, cancellationToken);
                OnStreamStarted();
            }
            catch (RpcException e) when (_resent && SparkErrors.GetErrorClass(e) == "INVALID_HANDLE.OPERATION_ALREADY_EXISTS")
            {
                // A re-sent ExecutePlan raced with the original, which did arrive after all: attach to it instead.
                _call?.Dispose();
                _call = null;
                if (++failures > _client.Options.MaxRetries)
                {
                    throw await _client.TranslateAsync(e, "ExecutePlan", cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RpcException e)
            {
                // The server's verdict on the query (or on the session): not retried.
                _resultComplete = true; // nothing more will come; the server already ended the operation
                Release(untilResponseId: null);
                throw await _client.TranslateAsync(e, "ExecutePlan", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void OnStreamStarted()
    {
        _streamAge.Restart();
        _responsesOnStream = 0;
    }

    /// <summary>Bookkeeping for a received response: session check, resume point, releases and progress.</summary>
    private ExecutePlanResponse Accept(ExecutePlanResponse response)
    {
        _client.ObserveServerSession(response.ServerSideSessionId);
        _receivedAny = true;
        if (response.ResponseId.Length > 0)
        {
            _lastResponseId = response.ResponseId;
            _unreleased++;
        }

        if (response.ResponseTypeCase == ExecutePlanResponse.ResponseTypeOneofCase.ResultComplete)
        {
            _resultComplete = true;
            _call?.Dispose();
            _call = null;
            Release(untilResponseId: null);
        }
        else if (_unreleased >= _client.Options.ReleaseEveryResponses && _lastResponseId is not null)
        {
            // Everything up to the last received response can go: a reattach resumes after it.
            Release(_lastResponseId);
        }

        if (response.ExecutionProgress is { } report && _progress is not null)
        {
            try
            {
                _progress.Report(ExecutionProgress.FromProto(report));
            }
            catch (Exception)
            {
                // A faulty progress display must not fail a query that may have run for an hour.
            }
        }

        return response;
    }

    /// <summary>Queues a ReleaseExecute after the previous one; errors are swallowed (the server frees abandoned operations itself).</summary>
    private void Release(string? untilResponseId)
    {
        _unreleased = 0;
        _releaseTail = ReleaseAfterAsync(_releaseTail, untilResponseId);
    }

    private async Task ReleaseAfterAsync(Task previous, string? untilResponseId)
    {
        await previous.ConfigureAwait(false);
        try
        {
            using var cts = new CancellationTokenSource(_client.Options.CloseTimeout * 2);
            await _client.ReleaseExecuteAsync(OperationId, untilResponseId, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException or ObjectDisposedException or RpcException)
        {
            // Only the status, never the request (it carries the session): nothing sensitive reaches the debug log.
            Debug.WriteLine($"InteractiveSpark: ReleaseExecute for operation {OperationId} failed: {e.GetType().Name}");
        }
    }

    /// <summary>
    /// Interrupts the operation on the server (awaited, bounded by the close timeout, so that a cancelled query is
    /// stopped when the cancellation surfaces) and then releases it. Idempotent; never throws.
    /// </summary>
    private async Task StopOnServerAsync()
    {
        if (_stoppedOnServer || _client.IsDisposed)
        {
            return;
        }

        _stoppedOnServer = true;
        _resultComplete = true;
        try
        {
            using var cts = new CancellationTokenSource(_client.Options.CloseTimeout);
            await _client.InterruptAsync(InterruptRequest.Types.InterruptType.OperationId, OperationId, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException or ObjectDisposedException or RpcException)
        {
            Debug.WriteLine($"InteractiveSpark: Interrupt of operation {OperationId} failed: {e.GetType().Name}");
        }

        Release(untilResponseId: null);
    }

    /// <summary>A transport failure of the stream (as opposed to an error the server sent on purpose).</summary>
    private static bool IsBrokenStream(Exception e) => e switch
    {
        RpcException rpc => SparkErrors.IsTransportFailure(rpc)
                            // Our own reattach took over the server's cursor for this operation: try again.
                            || SparkErrors.GetErrorClass(rpc) == "INVALID_CURSOR.DISCONNECTED",
        IOException or HttpRequestException => true,
        _ => false,
    };

    private async Task<SparkException> ToSparkExceptionAsync(Exception e, string context, CancellationToken cancellationToken)
    {
        if (e is RpcException rpc)
        {
            var translated = await _client.TranslateAsync(rpc, "ExecutePlan", cancellationToken).ConfigureAwait(false);
            return new SparkException($"{translated.Message} ({context})", translated);
        }

        return new SparkException(
            $"Lost the connection to Spark Connect at {_client.Connection.Host}:{_client.Connection.Port} during ExecutePlan "
            + $"({context}): {e.Message}", e);
    }
}
