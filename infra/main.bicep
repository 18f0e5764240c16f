// Serverless.EventSourcing: one resource group per environment.
//
// Hosting plan: Flex Consumption (FC1, Linux), .NET 10 isolated worker.
//   - Current Microsoft docs list Flex Consumption among the plans that run the Kafka trigger
//     and output binding (with Elastic Premium and Dedicated), and support Durable Functions
//     there with the Azure Storage provider, which is the one this app uses.
//   - It is the only serverless plan that is identity-based end to end: the app package is read
//     from a blob container with the user-assigned identity and there is no Azure Files content
//     share. Elastic Premium mounts a content share whose setting
//     (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING) takes an account-key connection string, which
//     contradicts allowSharedKeyAccess = false.
//   - It scales to zero and scales per function (HTTP group, Durable group, the Kafka trigger
//     and each timer on their own), billed per execution; Elastic Premium bills at least one
//     always-on EP1 instance. Always-ready instances are available if cold starts matter.
//   - Runtime is declared in functionAppConfig.runtime (dotnet-isolated / 10.0): Flex
//     Consumption rejects FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION,
//     linuxFxVersion ('DOTNET-ISOLATED|10.0') and netFrameworkVersion.
//
// Scope: resource group (created beforehand with `az group create`). Every environment is one
// group, the deployer needs rights on that group only, and names derive from
// uniqueString(resourceGroup().id).
targetScope = 'resourceGroup'

@minLength(2)
@maxLength(12)
@description('Short environment name: lowercase letters, digits and hyphens (e.g. dev, prod).')
param environmentName string

@description('Region; must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@secure()
@minLength(32)
@description('API key clients send in x-functions-key (stored in Key Vault as Api__Key).')
param apiKey string

@secure()
@minLength(44)
@description('Master key for personal data (stored in Key Vault as PersonalData__MasterKeys__1): `openssl rand -base64 32`.')
param personalDataMasterKey string

@description('OpenID Connect issuer for bearer tokens, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0; empty: API keys only.')
param authAuthority string = ''

@description('Audiences the API accepts, comma-separated: the app registration\'s application ID URI (api://...) and/or client id.')
param authAudiences string = ''

@description('Further accepted issuers, comma-separated (for example the v1.0 issuer https://sts.windows.net/<tenant-id>/).')
param authIssuers string = ''

@description('Browser origins allowed to call the API, comma-separated (the Function App\'s CORS; the local host reads Cors__AllowedOrigins); empty: none.')
param corsAllowedOrigins string = ''

@allowed([
  '15'
  '16'
])
param postgresVersion string = '16'

param postgresSkuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

param postgresStorageSizeGB int = 32

@description('Built-in PgBouncer on port 6432 (GeneralPurpose / MemoryOptimized tiers only).')
param postgresEnablePgBouncer bool = false

@description('Allow connections from Azure services through the PostgreSQL firewall.')
param postgresAllowAzureServices bool = true

@description('Client IPv4 addresses allowed through the PostgreSQL firewall.')
param postgresClientIpAddresses array = []

@description('Object id of an Entra user or group to make PostgreSQL administrator besides the app identity.')
param postgresEntraAdminObjectId string = ''

@description('Display name (UPN or group name) of that administrator; it is the PostgreSQL role name.')
param postgresEntraAdminPrincipalName string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param postgresEntraAdminPrincipalType string = 'User'

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param redisSkuName string = 'Basic'

@minValue(0)
@maxValue(6)
param redisCapacity int = 0

@allowed([
  'Standard'
  'Premium'
])
param eventHubsSkuName string = 'Standard'

@description('Kafka topic (event hub) for the event relay; the Kafka__EventsTopic default.')
param eventsTopicName string = 'es-events'

@minValue(1)
@maxValue(32)
param eventsPartitionCount int = 4

@description('Kafka consumer group of the projections; the Kafka__ConsumerGroup default.')
param projectionsConsumerGroupName string = 'es-projections'

@description('Durable Functions task hub name; the DurableTask__HubName default.')
param durableTaskHubName string = 'eventsourcing'

@description('Blob container of the event archive in the storage account; the Archive__Container default.')
param archiveContainerName string = 'es-archive'

@description('Event categories whose untouched streams are archived to Blob Storage, comma-separated (Archive__Categories); empty: none.')
param archiveCategories string = ''

@description('Days since last modification before an archive blob moves to the Cool tier.')
@minValue(0)
param archiveCoolAfterDays int = 30

@description('Days since last modification before an archive blob moves to the Cold tier (more than archiveCoolAfterDays).')
@minValue(1)
param archiveColdAfterDays int = 90

@minValue(40)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('PostgreSQL connections per Function App instance (Postgres__MaxPoolSize). functionMaximumInstanceCount x this must fit the server user connections (max_connections - 15), or connect through PgBouncer: see README "Connections".')
@minValue(1)
param postgresMaxPoolSize int = 5

var databaseName = 'eventsourcing'
var deploymentContainerName = 'app-package'
var env = toLower(environmentName)
var envCompact = replace(env, '-', '')
var token = uniqueString(resourceGroup().id)
var tags = {
  'azd-env-name': environmentName
  application: 'serverless-eventsourcing'
}

var names = {
  identity: 'id-${env}-${token}'
  logAnalytics: 'log-${env}-${token}'
  applicationInsights: 'appi-${env}-${token}'
  storage: take('st${envCompact}${token}', 24)
  keyVault: 'kv-${take(envCompact, 7)}-${token}'
  postgres: 'psql-${env}-${token}'
  redis: 'redis-${env}-${token}'
  eventHubs: 'evhns-${env}-${token}'
  plan: 'plan-${env}-${token}'
  functionApp: 'func-${env}-${token}'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    archiveContainerName: archiveContainerName
    archiveCoolAfterDays: archiveCoolAfterDays
    archiveColdAfterDays: archiveColdAfterDays
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
    apiKey: apiKey
    personalDataMasterKey: personalDataMasterKey
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: names.postgres
    location: location
    tags: tags
    postgresVersion: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    databaseName: databaseName
    enablePgBouncer: postgresEnablePgBouncer
    allowAzureServices: postgresAllowAzureServices
    clientIpAddresses: postgresClientIpAddresses
    appIdentityName: identity.outputs.name
    appIdentityPrincipalId: identity.outputs.principalId
    entraAdminObjectId: postgresEntraAdminObjectId
    entraAdminPrincipalName: postgresEntraAdminPrincipalName
    entraAdminPrincipalType: postgresEntraAdminPrincipalType
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    name: names.redis
    location: location
    tags: tags
    skuName: redisSkuName
    capacity: redisCapacity
    keyVaultName: keyVault.outputs.name
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    name: names.eventHubs
    location: location
    tags: tags
    skuName: eventHubsSkuName
    eventsTopicName: eventsTopicName
    partitionCount: eventsPartitionCount
    consumerGroupName: projectionsConsumerGroupName
    keyVaultName: keyVault.outputs.name
  }
}

module roleAssignments 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    postgresMaxPoolSize: postgresMaxPoolSize
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    postgresPort: postgres.outputs.port
    postgresDatabaseName: postgres.outputs.databaseName
    redisConnectionStringSecretUri: redis.outputs.connectionStringSecretUri
    apiKeySecretUri: keyVault.outputs.apiKeySecretUri
    personalDataMasterKeySecretUri: keyVault.outputs.personalDataMasterKeySecretUri
    authAuthority: authAuthority
    authAudiences: authAudiences
    authIssuers: authIssuers
    corsAllowedOrigins: corsAllowedOrigins
    kafkaBootstrapServers: eventHubs.outputs.bootstrapServers
    kafkaConnectionStringSecretUri: eventHubs.outputs.connectionStringSecretUri
    eventsTopicName: eventHubs.outputs.eventsTopicName
    consumerGroupName: eventHubs.outputs.consumerGroupName
    durableTaskHubName: durableTaskHubName
    archiveBlobServiceUri: storage.outputs.blobEndpoint
    archiveContainerName: storage.outputs.archiveContainerName
    archiveCategories: archiveCategories
  }
  // The identity must hold its storage, Key Vault and monitoring roles before the host starts
  // and resolves its Key Vault references.
  dependsOn: [
    roleAssignments
  ]
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output FUNCTION_APP_PLAN_NAME string = functionApp.outputs.planName
output MANAGED_IDENTITY_NAME string = identity.outputs.name
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output ARCHIVE_BLOB_SERVICE_URI string = storage.outputs.blobEndpoint
output KEY_VAULT_NAME string = keyVault.outputs.name
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
output POSTGRES_DATABASE string = postgres.outputs.databaseName
output REDIS_NAME string = redis.outputs.name
output EVENT_HUBS_NAMESPACE string = eventHubs.outputs.name
output KAFKA_BOOTSTRAP_SERVERS string = eventHubs.outputs.bootstrapServers
output KAFKA_EVENTS_TOPIC string = eventHubs.outputs.eventsTopicName
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output LOG_ANALYTICS_NAME string = monitoring.outputs.logAnalyticsName
