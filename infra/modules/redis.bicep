// Azure Cache for Redis (TLS only, TLS 1.2+) for the snapshot cache. The app authenticates with
// the access key: the full connection string goes to Key Vault and the app reads it through a
// Key Vault reference (Entra auth would need Microsoft.Azure.StackExchangeRedis beside the client).
param name string
param location string
param tags object

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string = 'Basic'

@description('Cache size within the SKU family (C0-C6, P1-P5).')
@minValue(0)
@maxValue(6)
param capacity int = 0

param keyVaultName string

@description('Secret name for Redis__ConnectionString.')
param connectionStringSecretName string = 'redis-connection-string'

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      family: skuName == 'Premium' ? 'P' : 'C'
      capacity: capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: connectionStringSecretName
  properties: {
    value: '${redis.properties.hostName}:${redis.properties.sslPort},password=${redis.listKeys().primaryKey},ssl=True,abortConnect=False'
    contentType: 'text/plain'
  }
}

output name string = redis.name
output hostName string = redis.properties.hostName
output connectionStringSecretUri string = connectionStringSecret.properties.secretUri
