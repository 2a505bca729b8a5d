return await InteractiveSpark.Gateway.GatewayHost.RunAsync(args).ConfigureAwait(false);
