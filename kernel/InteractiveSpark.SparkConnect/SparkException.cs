using Grpc.Core;

namespace InteractiveSpark.SparkConnect;

/// <summary>
/// An error from Spark or from talking to it. Every failed request of this library surfaces as a
/// <see cref="SparkException"/> (or <see cref="OperationCanceledException"/> when the caller cancelled).
/// </summary>
/// <remarks>
/// For errors raised by Spark, <see cref="Exception.Message"/> is Spark's own message (its first line says what is
/// wrong; later lines may show the plan), and <see cref="ErrorClass"/>, <see cref="SqlState"/>,
/// <see cref="MessageParameters"/> and <see cref="QueryContexts"/> are Spark's structured fields, so code can react
/// to an error without parsing text. The server-side cause chain is in <see cref="Exception.InnerException"/>,
/// as further <see cref="SparkException"/>s.
/// </remarks>
public sealed class SparkException : Exception
{
    private static readonly IReadOnlyDictionary<string, string> NoParameters = new Dictionary<string, string>();

    /// <summary>Creates an error with a message only.</summary>
    public SparkException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Creates an error with a message and the exception that caused it.</summary>
    public SparkException(string message, Exception? innerException)
        : base(message, innerException)
    {
        MessageParameters = NoParameters;
        QueryContexts = [];
        ErrorTypeHierarchy = [];
    }

    internal SparkException(
        string message,
        Exception? innerException,
        string? errorClass,
        string? sqlState,
        IReadOnlyDictionary<string, string>? messageParameters,
        IReadOnlyList<SparkQueryContext>? queryContexts,
        IReadOnlyList<string>? errorTypeHierarchy,
        string? serverStackTrace,
        StatusCode? statusCode,
        string? errorId)
        : base(message, innerException)
    {
        ErrorClass = string.IsNullOrEmpty(errorClass) ? null : errorClass;
        SqlState = string.IsNullOrEmpty(sqlState) ? null : sqlState;
        MessageParameters = messageParameters ?? NoParameters;
        QueryContexts = queryContexts ?? [];
        ErrorTypeHierarchy = errorTypeHierarchy ?? [];
        ServerStackTrace = string.IsNullOrEmpty(serverStackTrace) ? null : serverStackTrace;
        StatusCode = statusCode;
        ErrorId = string.IsNullOrEmpty(errorId) ? null : errorId;
    }

    /// <summary>Spark's error class (condition), such as <c>TABLE_OR_VIEW_NOT_FOUND</c> or <c>DIVIDE_BY_ZERO</c>; null when the error has none.</summary>
    public string? ErrorClass { get; }

    /// <summary>The SQLSTATE of the error, such as <c>42P01</c>; null when the error has none.</summary>
    public string? SqlState { get; }

    /// <summary>The values Spark filled into its message template (for example <c>relationName</c>).</summary>
    public IReadOnlyDictionary<string, string> MessageParameters { get; }

    /// <summary>Where in the query the error is: the SQL fragment and its position, or the DataFrame call.</summary>
    public IReadOnlyList<SparkQueryContext> QueryContexts { get; }

    /// <summary>The server-side exception's JVM class followed by its superclasses, such as <c>org.apache.spark.sql.AnalysisException</c>.</summary>
    public IReadOnlyList<string> ErrorTypeHierarchy { get; }

    /// <summary>The server-side JVM stack trace, when the server sent one.</summary>
    public string? ServerStackTrace { get; }

    /// <summary>The gRPC status of the failed request; null for errors raised by this client itself or for causes.</summary>
    public StatusCode? StatusCode { get; }

    /// <summary>The server's id for this error (used to fetch its details); null when the server gave none.</summary>
    public string? ErrorId { get; }

    /// <summary>
    /// Whether the server no longer knows this session (it restarted, or the session expired or was closed):
    /// temporary views, cached data and session settings are gone, and the session has to be connected again.
    /// </summary>
    public bool IsSessionLost => ErrorClass is "INVALID_HANDLE.SESSION_CHANGED" or "INVALID_HANDLE.SESSION_CLOSED" or "INVALID_HANDLE.SESSION_NOT_FOUND";

    /// <summary>The JVM exception class on the server, such as <c>org.apache.spark.sql.AnalysisException</c>; null when unknown.</summary>
    public string? ServerExceptionType => ErrorTypeHierarchy.Count > 0 ? ErrorTypeHierarchy[0] : null;
}

/// <summary>Whether a query context points into SQL text or at a DataFrame call.</summary>
public enum SparkQueryContextType
{
    /// <summary>A fragment of SQL text, with its start and stop index.</summary>
    Sql = 0,

    /// <summary>A DataFrame API call, with its call site.</summary>
    DataFrame = 1,
}

/// <summary>Where in a query an error happened, as Spark reports it.</summary>
/// <param name="ContextType">SQL text or DataFrame call.</param>
/// <param name="ObjectType">For SQL inside a view or function: its kind (such as <c>VIEW</c>); empty for a top-level query.</param>
/// <param name="ObjectName">For SQL inside a view or function: its name; empty for a top-level query.</param>
/// <param name="StartIndex">Index of the fragment's first character in the SQL text.</param>
/// <param name="StopIndex">Index of the fragment's last character in the SQL text (inclusive).</param>
/// <param name="Fragment">The offending piece of SQL (or the DataFrame function name).</param>
/// <param name="CallSite">For a DataFrame context: where the call was made.</param>
/// <param name="Summary">Spark's rendering of the context, as it appears in its message.</param>
public sealed record SparkQueryContext(
    SparkQueryContextType ContextType,
    string ObjectType,
    string ObjectName,
    int StartIndex,
    int StopIndex,
    string Fragment,
    string CallSite,
    string Summary);
