using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.EventSourcing.Application.Api;
using Serverless.EventSourcing.Application.Api.Endpoints;
using Serverless.EventSourcing.Application.Api.RateLimiting;
using Serverless.EventSourcing.Application.Live;

namespace Serverless.EventSourcing.Hosting;

public static partial class ServiceCollectionExtensions
{
    private static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        var maxConnection = EventSourcingSettings.Int(configuration, "Live:MaxConnectionSeconds", 0, min: 0);
        services.AddSingleton(new LiveOptions
        {
            MaxSubscribers = EventSourcingSettings.Int(configuration, "Live:MaxSubscribers", 5000, min: 1),
            WindowEvents = EventSourcingSettings.Int(configuration, "Live:WindowEvents", 4096, min: 1),
            BufferEvents = EventSourcingSettings.Int(configuration, "Live:BufferEvents", 256, min: 1),
            Heartbeat = TimeSpan.FromSeconds(EventSourcingSettings.Int(configuration, "Live:HeartbeatSeconds", 15, min: 1)),
            StallTimeout = TimeSpan.FromSeconds(EventSourcingSettings.Int(configuration, "Live:StallSeconds", 10, min: 1)),
            MaxConnection = maxConnection > 0 ? TimeSpan.FromSeconds(maxConnection) : null,
            Poll = TimeSpan.FromMilliseconds(EventSourcingSettings.Int(configuration, "Live:PollMilliseconds", 500, min: 10)),
        });
        services.AddSingleton<LiveLog>();
        services.AddSingleton<LiveSubscriptions>();
        services.AddSingleton<IApiEndpoints, LiveEndpoints>();
        services.AddHostedService<StopLiveSubscriptionsOnShutdown>();
        return services;
    }

    private static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new RateLimitOptions
        {
            PermitsPerSecond = EventSourcingSettings.Int(configuration, "RateLimits:PermitsPerSecond", 0, min: 0),
            Burst = EventSourcingSettings.Int(configuration, "RateLimits:Burst", 0, min: 0),
            GlobalPermitsPerSecond = EventSourcingSettings.Int(configuration, "RateLimits:GlobalPermitsPerSecond", 0, min: 0),
            GlobalBurst = EventSourcingSettings.Int(configuration, "RateLimits:GlobalBurst", 0, min: 0),
            ForwardedForHops = EventSourcingSettings.Int(configuration, "RateLimits:ForwardedForHops", 0, min: 0),
        };
        services.AddSingleton(options);
        if (options.Enabled)
        {
            services.AddSingleton<ApiRateLimiter>();
        }

        return services;
    }

    /// <summary>Open streams would hold a stopping host for its whole shutdown timeout: they end at once, with a close message.</summary>
    private sealed class StopLiveSubscriptionsOnShutdown(LiveSubscriptions live, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopping.Register(live.Stop);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            live.Stop();
            return Task.CompletedTask;
        }
    }
}
