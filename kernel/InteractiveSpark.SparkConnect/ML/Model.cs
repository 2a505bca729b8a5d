using P = Spark.Connect;

namespace InteractiveSpark.SparkConnect.ML;

/// <summary>
/// A fitted model. The model itself lives on the server (in the session's ML cache); this object holds its
/// reference. Attributes (<c>CoefficientsAsync</c>, ...) are fetched on demand; <see cref="Transform"/> applies it.
/// Dispose it to free the server's memory; whatever is left is freed when the session ends.
/// </summary>
public abstract class Model : Transformer, IAsyncDisposable
{
    private int _released;

    private protected Model(string className, SparkSession session, string objectId, string uid) : base(className, uid)
    {
        Session = session ?? throw new ArgumentNullException(nameof(session));
        ArgumentException.ThrowIfNullOrEmpty(objectId);
        ObjectId = objectId;
    }

    internal override P.MlOperator.Types.OperatorType OperatorType => P.MlOperator.Types.OperatorType.Model;

    /// <summary>The session whose server holds the model.</summary>
    public SparkSession Session { get; }

    /// <summary>The server's cache id of the model (not its uid).</summary>
    public string ObjectId { get; }

    /// <summary>A warning the server gave while fitting or loading it, if any.</summary>
    public string? Warning { get; internal set; }

    /// <summary>Whether the server-side model was released (disposed here, or its session closed).</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0 || Session.Client.IsDisposed;

    internal P.ObjectRef Ref => new() { Id = ObjectId };

    private void ThrowIfReleased()
    {
        if (IsReleased)
            throw new ObjectDisposedException(ToString(), $"{this} was released on the server (the model was disposed or its session closed); fit or load it again.");
    }

    /// <summary>Applies the model: a lazy DataFrame with the model's output columns added.</summary>
    public override DataFrame Transform(DataFrame dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ThrowIfReleased();
        if (!ReferenceEquals(dataset.Session, Session))
            throw new ArgumentException($"{this} lives in session {Session.SessionId}; the DataFrame belongs to another session.", nameof(dataset));
        var t = new P.MlRelation.Types.Transform { ObjRef = Ref, Input = dataset.Relation, Params = ToProtoParams() };
        return MlCommands.Relation(Session, new P.MlRelation { Transform = t });
    }

    /// <summary>
    /// Calls a chain of attribute getters on the server-side model, e.g. <c>FetchAsync("summary", "accuracy")</c>,
    /// and returns the result as a .NET value (double, int, long, bool, string, arrays, <see cref="Vector"/>, <see cref="Matrix"/>).
    /// </summary>
    public async Task<object?> FetchAsync(IReadOnlyList<string> methods, CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        var what = $"Fetching {string.Join(".", methods)} of {this}";
        var result = await MlCommands.RunAsync(Session, new P.MlCommand { Fetch = Fetch(methods) }, what, cancellationToken).ConfigureAwait(false);
        return MlCommands.Value(result, what);
    }

    /// <summary>Fetches an attribute and converts it to <typeparamref name="T"/>.</summary>
    internal async Task<T> FetchAsync<T>(CancellationToken ct, params string[] methods)
    {
        var v = await FetchAsync(methods, ct).ConfigureAwait(false);
        return v switch
        {
            T t => t,
            IConvertible c when typeof(T).IsPrimitive => (T)Convert.ChangeType(c, typeof(T), System.Globalization.CultureInfo.InvariantCulture),
            object?[] { Length: 0 } when typeof(T).IsArray => (T)(object)Array.CreateInstance(typeof(T).GetElementType()!, 0),
            _ => throw new SparkException($"{string.Join(".", methods)} of {this}: expected {typeof(T).Name}, got {v?.GetType().Name ?? "null"}."),
        };
    }

    /// <summary>An attribute that is a DataFrame (e.g. <c>summary.roc</c>), as a lazy DataFrame.</summary>
    public DataFrame FetchDataFrame(params string[] methods)
    {
        ThrowIfReleased();
        return MlCommands.Relation(Session, new P.MlRelation { Fetch = Fetch(methods) });
    }

    private P.Fetch Fetch(IEnumerable<string> methods)
    {
        var f = new P.Fetch { ObjRef = Ref };
        foreach (var m in methods) f.Methods.Add(new P.Fetch.Types.Method { Method_ = m });
        if (f.Methods.Count == 0) throw new ArgumentException("Name at least one attribute to fetch.", nameof(methods));
        return f;
    }

    /// <summary>Saves the fitted model to <paramref name="path"/> (a folder on the server's file system, HDFS, ...) in Spark's format; <c>Load</c> on the model type reads it back.</summary>
    public Task SaveAsync(string path, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        return MlPersistence.SaveModelAsync(this, path, overwrite, cancellationToken);
    }

    /// <summary>Releases the model on the server (MlCommand.Delete). Safe to call more than once; never throws for a server or session that is gone.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0 || Session.Client.IsDisposed) return;
        var delete = new P.MlCommand.Types.Delete();
        delete.ObjRefs.Add(Ref);
        try
        {
            using var cts = new CancellationTokenSource(Session.Client.Options.CloseTimeout);
            await Session.RunCommandAsync(new P.Command { MlCommand = new P.MlCommand { Delete = delete } }, null, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SparkException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the server frees the session's whole ML cache when the session ends.
        }
    }

    /// <summary>Class, uid and server reference.</summary>
    public override string ToString() => $"{base.ToString()} (server ref {ObjectId})";
}
