// Event Hubs namespace used as the Kafka broker (Kafka endpoint on port 9093, Standard tier or
// above). The relay produces to the events hub; the Kafka-triggered projections consume it
// with the projections consumer group. Kafka clients authenticate with SASL PLAIN: user
// '$ConnectionString', password = a SAS connection string, kept in Key Vault.
param name string
param location string
param tags object

@allowed([
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('Event hub (Kafka topic) the relay writes events to.')
param eventsTopicName string

@minValue(1)
@maxValue(32)
param partitionCount int

@minValue(1)
@maxValue(7)
param messageRetentionInDays int = 7

@description('Kafka consumer group of the projections trigger.')
param consumerGroupName string

param keyVaultName string

@description('Secret name for Kafka__SaslPassword.')
param connectionStringSecretName string = 'eventhubs-kafka-connection-string'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: 1
  }
  properties: {
    kafkaEnabled: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    // SAS must stay on: the Kafka trigger's SASL PLAIN login is the SAS connection string.
    disableLocalAuth: false
  }
}

resource eventsHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventsTopicName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: messageRetentionInDays
  }
}

// Kafka clients create their group on first join; declaring it keeps it visible and named.
resource projectionsConsumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2024-01-01' = {
  parent: eventsHub
  name: consumerGroupName
  properties: {
    userMetadata: 'Kafka consumer group of the projections trigger'
  }
}

// Least privilege for the app: produce (relay) and consume (projections), no Manage.
resource appRule 'Microsoft.EventHub/namespaces/authorizationRules@2024-01-01' = {
  parent: namespace
  name: 'functions-app'
  properties: {
    rights: [
      'Listen'
      'Send'
    ]
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: connectionStringSecretName
  properties: {
    value: appRule.listKeys().primaryConnectionString
    contentType: 'text/plain'
  }
}

output name string = namespace.name
output bootstrapServers string = '${namespace.name}.servicebus.windows.net:9093'
output eventsTopicName string = eventsHub.name
output consumerGroupName string = projectionsConsumerGroup.name
output connectionStringSecretUri string = connectionStringSecret.properties.secretUri
