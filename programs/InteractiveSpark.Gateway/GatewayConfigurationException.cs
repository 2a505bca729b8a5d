namespace InteractiveSpark.Gateway;

/// <summary>A configuration error: its message says what to set.</summary>
public sealed class GatewayConfigurationException(string message) : Exception(message);
