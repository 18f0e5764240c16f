// Function App on the Flex Consumption plan (FC1, Linux), .NET 10 isolated worker.
// On Flex Consumption the runtime lives in functionAppConfig.runtime: FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION, linuxFxVersion and netFrameworkVersion are deprecated there
// and must not be set (see infra/NOTES.md, "Settings mapping").
param planName string
param appName string
param location string
param tags object

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Name of the user-assigned identity (the PostgreSQL Entra role name).')
param identityName string

param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string

@description('dotnet-isolated runtime version.')
param runtimeVersion string = '10.0'

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Npgsql pool size per instance (Postgres__MaxPoolSize): maximum instances x this must fit the server, see README "Connections".')
@minValue(1)
param postgresMaxPoolSize int = 5

param postgresHost string
param postgresPort int
param postgresDatabaseName string
param redisConnectionStringSecretUri string
param apiKeySecretUri string
param personalDataMasterKeySecretUri string

@description('OpenID Connect issuer whose bearer tokens the API accepts (Auth__Authority); empty: API keys only.')
param authAuthority string = ''

@description('Audiences (aud) the API accepts, comma-separated (Auth__Audiences): its app ID URI and/or client id.')
param authAudiences string = ''

@description('Issuers accepted besides the one the discovery document names, comma-separated (Auth__Issuers).')
param authIssuers string = ''

@description('Browser origins allowed to call the API, comma-separated: the platform\'s CORS (Cors__AllowedOrigins of the local host); empty: none.')
param corsAllowedOrigins string = ''
param kafkaBootstrapServers string
param kafkaConnectionStringSecretUri string
param eventsTopicName string
param consumerGroupName string
param durableTaskHubName string

@description('Blob service endpoint of the storage account (Archive__BlobServiceUri), reached with the user-assigned identity.')
param archiveBlobServiceUri string

@description('Blob container of the event archive (Archive__Container).')
param archiveContainerName string

@description('Event categories whose untouched streams are archived, comma-separated (Archive__Categories); empty: none.')
param archiveCategories string = ''

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, {
    'azd-service-name': 'functions'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      // The platform answers CORS (preflight included) before the worker sees a request; code in the app has no effect
      // under it, so the local host's Cors__AllowedOrigins is deployed here and not as an app setting.
      cors: {
        allowedOrigins: empty(corsAllowedOrigins) ? [] : map(split(corsAllowedOrigins, ','), o => trim(o))
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
  }

  // The app settings contract. Keys are exactly the Values of local.settings.sample.json, except
  // the ones the platform maps (AzureWebJobsStorage -> AzureWebJobsStorage__*,
  // FUNCTIONS_WORKER_RUNTIME -> functionAppConfig.runtime.name, and the local-only
  // Archive__ConnectionString -> the identity-based Archive__BlobServiceUri), plus the platform keys
  // listed first. tests/Serverless.EventSourcing.Infra.Tests parses this block: keep one setting per line.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Platform: identity-based host storage and telemetry.
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AZURE_CLIENT_ID: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      // Application settings.
      Postgres__ConnectionString: 'Host=${postgresHost};Port=${postgresPort};Database=${postgresDatabaseName};Username=${identityName};Ssl Mode=VerifyFull'
      Postgres__UseEntraAuthentication: 'true'
      // Auto-prepare on, as in the sample (PostgreSQL spent half its CPU parsing and planning without it). Safe on port
      // 5432 and through PgBouncer, which postgres.bicep runs with max_prepared_statements = 200 (more than this uses).
      Postgres__MaxAutoPrepare: '50'
      // Per instance. maximumInstanceCount x this must stay within the server's user connections
      // (max_connections - 15 on Flexible Server), or go through PgBouncer: README, "Connections".
      Postgres__MaxPoolSize: string(postgresMaxPoolSize)
      Redis__ConnectionString: '@Microsoft.KeyVault(SecretUri=${redisConnectionStringSecretUri})'
      Redis__SnapshotTtlSeconds: '3600'
      Api__Key: '@Microsoft.KeyVault(SecretUri=${apiKeySecretUri})'
      Api__MaxBodyBytes: '1048576'
      // Bearer tokens (Entra ID): README, "Identity and access". Named API keys and roles are Auth__Keys__<name>__Hash /
      // __Roles and Auth__Roles__<role> app settings added per deployment; a key's setting holds only its SHA-256.
      Auth__Authority: authAuthority
      Auth__Audiences: authAudiences
      Auth__Issuers: authIssuers
      Auth__ClockSkewSeconds: '60'
      Auth__RequireHttpsMetadata: 'true'
      Auth__MetadataRefreshSeconds: '300'
      Auth__TokenCacheSeconds: '60'
      Auth__RoleClaims: 'roles,scp'
      // Personal data: the master key from Key Vault (README, "Personal data": rotation adds MasterKeys__2).
      PersonalData__MasterKeys__1: '@Microsoft.KeyVault(SecretUri=${personalDataMasterKeySecretUri})'
      PersonalData__CurrentMasterKeyVersion: '1'
      Kafka__BootstrapServers: kafkaBootstrapServers
      Kafka__EventsTopic: eventsTopicName
      Kafka__ConsumerGroup: consumerGroupName
      Kafka__SecurityProtocol: 'SaslSsl'
      Kafka__SaslUsername: '$ConnectionString'
      Kafka__SaslPassword: '@Microsoft.KeyVault(SecretUri=${kafkaConnectionStringSecretUri})'
      // Event Hubs speaks SASL_SSL: its trigger runs here; the plaintext one is for func start against a local broker.
      'AzureWebJobs.ProjectEvents.Disabled': 'false'
      'AzureWebJobs.ProjectEventsPlaintext.Disabled': 'true'
      DurableTask__HubName: durableTaskHubName
      Schedules__Snapshot: '0 */5 * * * *'
      Schedules__Cleanup: '0 30 3 * * *'
      Schedules__Relay: '*/10 * * * * *'
      Schedules__Rebuild: '*/15 * * * * *'
      Jobs__MaxDurationSeconds: '30'
      // Local-host settings (its catch-up loops and saga runners); unused by the Functions triggers, kept for parity.
      Projections__PollMilliseconds: '250'
      // Read by the local host only: the Functions app always delivers to projections through Kafka.
      Projections__Delivery: 'kafka'
      Projections__HorizonAlertSeconds: '10'
      Sagas__Runners: '4'
      Commands__OptimisticWrites: 'false'
      Snapshots__EveryEvents: '100'
      Snapshots__MaxAgeSeconds: '0'
      Snapshots__KeepPerStream: '3'
      Retention__TombstonedStreamDays: '30'
      Retention__IdempotencyKeyHours: '24'
      Retention__DeadLetterDays: '30'
      Retention__SagaStateDays: '30'
      // Archive: untouched streams of these categories move to Blob Storage. No connection string here: the account has
      // shared keys off, so the archive is reached at the blob endpoint with the identity AZURE_CLIENT_ID names, which
      // holds Storage Blob Data Owner on the account (role-assignments.bicep). The lifecycle policy tiers it, never deletes.
      Archive__BlobServiceUri: archiveBlobServiceUri
      Archive__Container: archiveContainerName
      Archive__Categories: archiveCategories
      Archive__AfterDays: '90'
      Archive__SegmentEvents: '10000'
      Archive__CacheMegabytes: '64'
      Schedules__Archive: '0 0 4 * * *'
      // Telemetry: Azure Monitor is the exporter here (APPLICATIONINSIGHTS_CONNECTION_STRING is set), so no OTLP endpoint.
      OTEL_EXPORTER_OTLP_ENDPOINT: ''
      // The Prometheus endpoint is the local host's; kept for parity. Every instance samples projection lag this often.
      Metrics__KeyRequired: 'true'
      Metrics__SampleSeconds: '30'
      // Live subscriptions (SSE), per instance. A connection is one function invocation: it ends after 200 s, under the
      // front end's 230 s and host.json's functionTimeout, and the client resumes with Last-Event-ID. Each instance's one
      // log reader finds other instances' appends by polling, once a second, however many subscribers it serves.
      Live__MaxSubscribers: '5000'
      Live__WindowEvents: '4096'
      Live__BufferEvents: '256'
      Live__HeartbeatSeconds: '15'
      Live__StallSeconds: '10'
      Live__MaxConnectionSeconds: '200'
      Live__PollMilliseconds: '1000'
      // Rate limits, per instance: 50 requests/s per API key (bursts of 100), 500/s for the instance. The caller's
      // address (for requests without a valid key) is the X-Forwarded-For entry the platform's front end added.
      RateLimits__PermitsPerSecond: '50'
      RateLimits__Burst: '100'
      RateLimits__GlobalPermitsPerSecond: '500'
      RateLimits__GlobalBurst: '1000'
      RateLimits__ForwardedForHops: '1'
    }
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
output planName string = plan.name
