namespace InteractiveSpark.Sessions;

/// <summary>A request to a session's logs or UI that cannot be served, with a message for people.</summary>
public sealed class SessionToolException : Exception
{
    /// <summary>Makes one.</summary>
    public SessionToolException()
    {
    }

    /// <summary>Makes one with a message for people.</summary>
    public SessionToolException(string message)
        : base(message)
    {
    }

    /// <summary>Makes one with a message for people and its cause.</summary>
    public SessionToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
